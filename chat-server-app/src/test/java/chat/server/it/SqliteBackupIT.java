package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar chat-server.jar backup} of a running SQLite server while clients send without
 * pause, then a server started on the copy (a restore): it holds every message acknowledged
 * before the backup started, with its seq and no gap below the highest copied, the uploaded
 * file's bytes, the same epoch, and the tokens of the original.
 */
class SqliteBackupIT {
  private static final String[] ARGS = {"--store", "sqlite", "--send-per-second", "100000",
      "--send-burst", "100000", "--requests-per-second", "100000", "--request-burst", "100000"};
  private static final int ACKED_FIRST = 100;

  @TempDir Path tmp;

  @Test
  void aBackupUnderSendsHoldsEveryMessageAckedBeforeItAndServesOnceRestored() throws Exception {
    Path data = tmp.resolve("data");
    Path copy = tmp.resolve("backups").resolve("chat-1");
    Map<String, Long> acked = new ConcurrentHashMap<>(); // cid -> seq in #general
    Map<String, Long> ackedBefore;
    int ackedDuring;
    String epoch;
    String aliceToken;
    String fileId;
    byte[] fileBytes = "the bytes of a file sent before the backup".getBytes();
    try (ServerProcess server = ServerProcess.start(data, ARGS)) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient bob = WireClient.connect(server.wsUri()).register("bob");
      alice.ok(Frames.of("type", "create", "room", "general"));
      bob.ok(Frames.of("type", "join", "room", "general"));
      aliceToken = alice.token;
      epoch = DurabilityIT.hello(server);
      fileId = FilesIT.uploaded(server, alice.token, "notes.txt", "text/plain", fileBytes);
      JsonObject withFile = FilesIT.sendFiles("#general", "with a file", fileId);
      acked.put(withFile.get("cid").getAsString(), alice.ok(withFile).get("seq").getAsLong());

      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch firstAcks = new CountDownLatch(ACKED_FIRST);
      ExecutorService senders = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> running = List.of(
            senders.submit(() -> sendUntil(stop, alice, "a-", acked, firstAcks)),
            senders.submit(() -> sendUntil(stop, bob, "b-", acked, firstAcks)));
        assertTrue(firstAcks.await(30, TimeUnit.SECONDS), "sends are acknowledged");
        ackedBefore = Map.copyOf(acked); // then the backup starts, the senders going on

        ServerProcess.Result backup = ServerProcess.run(tmp, "backup", "--data-dir",
            data.toString(), "--to", copy.toString());

        ackedDuring = acked.size() - ackedBefore.size();
        stop.set(true);
        for (Future<?> f : running) {
          assertNull(f.get(30, TimeUnit.SECONDS));
        }
        assertEquals(0, backup.exitCode(), backup.output());
        assertTrue(backup.output().contains("backup: copied"), backup.output());
      } finally {
        stop.set(true);
        senders.shutdownNow();
      }
      assertTrue(ackedDuring > 0, "sends went on while the backup ran");

      ServerProcess.Result again = ServerProcess.run(tmp, "backup", "--data-dir",
          data.toString(), "--to", copy.toString());
      assertEquals(1, again.exitCode(), again.output());
      assertTrue(again.output().contains("exists"), again.output());
      try (var left = Files.list(copy.getParent())) {
        assertEquals(List.of(copy), left.toList(), "no partial directory, nothing overwritten");
      }
      ServerLogs.assertNoErrors(server);
    }

    try (ServerProcess restored = ServerProcess.start(copy, ARGS)) {
      assertEquals(epoch, DurabilityIT.hello(restored), "the same store, the same epoch");
      WireClient alice = WireClient.connect(restored.wsUri()).loginWithToken(aliceToken);
      Map<String, Long> stored = DurabilityIT.readAll(alice, "#general");
      for (Map.Entry<String, Long> e : ackedBefore.entrySet()) {
        assertEquals(e.getValue(), stored.get(e.getKey()), "acked before the backup: "
            + e.getKey());
      }
      long expected = 1;
      for (long seq : new TreeSet<>(stored.values())) {
        assertEquals(expected++, seq, "no gap below the highest seq copied");
      }
      for (Map.Entry<String, Long> e : stored.entrySet()) {
        assertEquals(acked.get(e.getKey()), e.getValue(), "copied, so acked: " + e.getKey());
      }
      assertArrayEquals(fileBytes, FilesIT.get(restored, "/files/" + fileId).body());
      ServerLogs.assertNoErrors(restored);
    }
  }

  /** Sends to #general, one at a time, until {@code stop}; records each ack's cid and seq. */
  private static Void sendUntil(AtomicBoolean stop, WireClient client, String prefix,
      Map<String, Long> acked, CountDownLatch ackCount) throws InterruptedException {
    for (int i = 0; !stop.get(); i++) {
      String cid = prefix + i;
      JsonObject ok = client.send("#general", "message " + i, cid);
      acked.put(cid, ok.get("seq").getAsLong());
      ackCount.countDown();
    }
    return null;
  }
}
