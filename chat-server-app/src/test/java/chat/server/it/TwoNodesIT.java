package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.store.jdbc.PrivatePostgres;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one PostgreSQL database, many clients on each sending into one room
 * at once: every acknowledged message is in the history exactly once, under the seq its ok
 * gave; the seqs are 1..n without a gap; and a cid sent by one user through both nodes at the
 * same moment is stored once, both oks naming its seq. (Live delivery across nodes is issue
 * 16's; this is about the store.)
 */
class TwoNodesIT {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.durable();
  private static final int USERS = 6;
  private static final int SENDS = 60; // per connection
  private static final int RACED = 20; // cids per user sent through both nodes at once

  @TempDir Path tmp;

  private static String[] args(String url) {
    return new String[] {"--store", "postgres", "--postgres-url", url,
        "--registrations-per-ip-per-hour", "1000", "--send-per-second", "100000",
        "--send-burst", "100000", "--requests-per-second", "100000", "--request-burst",
        "100000"};
  }

  /** What one connection sent: cid to the seq its ok named. */
  private record Acks(String user, Map<String, Long> seqs) {}

  @Test
  void sendsThroughTwoNodesGetGaplessSeqsEachStoredOnce() throws Exception {
    String url = postgres.newDatabase();
    try (ServerProcess a = ServerProcess.start(tmp.resolve("a"), args(url))) {
      List<WireClient> onA = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        onA.add(WireClient.connect(a.wsUri()).register("user" + i));
      }
      onA.get(0).ok(Frames.of("type", "create", "room", "general"));
      for (WireClient c : onA.subList(1, USERS)) {
        c.ok(Frames.of("type", "join", "room", "general"));
      }
      // Node B starts once the room is set up: it reads the roster from the database.
      try (ServerProcess b = ServerProcess.start(tmp.resolve("b"), args(url))) {
        List<WireClient> onB = new ArrayList<>();
        for (WireClient c : onA) {
          onB.add(WireClient.connect(b.wsUri()).loginWithToken(c.token));
        }

        List<Acks> acks = sendFromAll(onA, onB);

        Map<Long, String> bySeq = new TreeMap<>();
        int acknowledged = 0;
        Map<String, Long> firstSeq = new HashMap<>();
        for (Acks ack : acks) {
          for (Map.Entry<String, Long> e : ack.seqs().entrySet()) {
            acknowledged++;
            String key = ack.user() + " " + e.getKey();
            Long before = firstSeq.putIfAbsent(key, e.getValue());
            if (before != null) {
              assertEquals(before, e.getValue(), "both nodes name one seq for " + key);
              continue;
            }
            String other = bySeq.put(e.getValue(), key);
            assertEquals(null, other, "seq " + e.getValue() + " given to two messages");
          }
        }
        int messages = USERS * (2 * SENDS + RACED);
        assertEquals(USERS * 2 * (SENDS + RACED), acknowledged, "every send acknowledged");
        assertEquals(messages, bySeq.size(), "each message stored once");
        assertEquals(1L, (long) ((TreeMap<Long, String>) bySeq).firstKey());
        assertEquals((long) messages, (long) ((TreeMap<Long, String>) bySeq).lastKey(),
            "seqs 1..n: no gap");

        Map<Long, String> history = history(onB.get(1));
        assertEquals(bySeq, history, "the history holds every acknowledged message, once");
        assertEquals(history, history(onA.get(2)), "both nodes serve the same history");
        ServerLogs.assertNoErrors(b);
      }
      ServerLogs.assertNoErrors(a);
    }
  }

  /**
   * Every connection on both nodes sends {@link #SENDS} messages of its own, and each user
   * sends {@link #RACED} cids through both of its connections at once; all at the same time.
   */
  private static List<Acks> sendFromAll(List<WireClient> onA, List<WireClient> onB)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2 * USERS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Acks>> futures = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        for (WireClient c : List.of(onA.get(u), onB.get(u))) {
          String node = c == onA.get(u) ? "a" : "b";
          futures.add(pool.submit(() -> {
            start.await();
            Map<String, Long> seqs = new HashMap<>();
            for (int i = 0; i < SENDS + RACED; i++) {
              // Interleaved: a raced cid every few own sends, the same on both connections.
              String cid = i % 4 == 0 && i / 4 < RACED ? "raced-" + i / 4
                  : node + "-" + i;
              seqs.put(cid, c.send("#general", c.user + " " + cid, cid).get("seq")
                  .getAsLong());
            }
            return new Acks(c.user, seqs);
          }));
        }
      }
      start.countDown();
      List<Acks> acks = new ArrayList<>();
      for (Future<Acks> f : futures) {
        acks.add(f.get(120, TimeUnit.SECONDS));
      }
      return acks;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The whole history of #general as seq to "user cid", paged. */
  private static Map<Long, String> history(WireClient c) throws InterruptedException {
    Map<Long, String> bySeq = new TreeMap<>();
    long after = 0;
    while (true) {
      JsonObject page = c.ok(Frames.of("type", "history", "conv", "#general", "after", after,
          "limit", 200));
      JsonArray messages = page.getAsJsonArray("messages");
      for (JsonElement e : messages) {
        JsonObject m = e.getAsJsonObject();
        String text = m.get("text").getAsString(); // "user cid", as sent
        assertTrue(text.startsWith(m.get("from").getAsString() + " "), text);
        assertEquals(text, m.get("from").getAsString() + " " + m.get("cid").getAsString());
        String previous = bySeq.put(m.get("seq").getAsLong(), text);
        assertEquals(null, previous);
        after = m.get("seq").getAsLong();
      }
      if (!page.get("more").getAsBoolean()) {
        return bySeq;
      }
    }
  }
}
