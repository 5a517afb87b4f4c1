package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing acknowledged is lost: kill -9 the server and every acked message is still there. */
class DurabilityIT {
  private static final String[] FAST = {"--send-per-second", "100000", "--send-burst", "100000",
      "--requests-per-second", "100000", "--request-burst", "100000"};

  @TempDir Path tmp;

  @Test
  void everyAcknowledgedMessageSurvivesKillDashNineWithItsSeqAndCid() throws Exception {
    Path data = tmp.resolve("data");
    Map<String, Long> acked = new LinkedHashMap<>(); // cid -> seq, for #general and @bob
    String epoch;
    String aliceToken;
    try (ServerProcess server = ServerProcess.start(data, FAST)) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient.connect(server.wsUri()).register("bob").close();
      alice.ok(Frames.of("type", "create", "room", "general"));
      aliceToken = alice.token;
      epoch = hello(server);

      Map<String, String> idToCid = new HashMap<>();
      for (int i = 0; i < 1_000; i++) {
        String to = i % 2 == 0 ? "#general" : "@bob";
        String cid = "m-" + i;
        String id = WireClient.nextId();
        idToCid.put(id, cid);
        JsonObject send = Frames.of("type", "send", "id", id, "to", to, "text",
            "message " + i + " ✓", "cid", cid);
        alice.sendRaw(send.toString()); // pipelined: acks come back as commits complete
      }
      for (Map.Entry<String, String> e : idToCid.entrySet()) {
        JsonObject ok = alice.awaitReply(e.getKey());
        assertEquals("ok", ok.get("type").getAsString(), ok.toString());
        acked.put(e.getValue(), ok.get("seq").getAsLong());
      }
      server.kill9();
    }

    try (ServerProcess server = ServerProcess.start(data, FAST)) {
      assertEquals(epoch, hello(server), "same store, same epoch");
      WireClient alice = WireClient.connect(server.wsUri()).loginWithToken(aliceToken);

      Map<String, Long> stored = new HashMap<>();
      stored.putAll(readAll(alice, "#general"));
      stored.putAll(readAll(alice, "@bob"));
      assertEquals(1_000, acked.size());
      for (Map.Entry<String, Long> e : acked.entrySet()) {
        assertEquals(e.getValue(), stored.get(e.getKey()), "cid " + e.getKey());
      }

      for (Map.Entry<String, Long> e : acked.entrySet()) {
        int i = Integer.parseInt(e.getKey().substring(2));
        String to = i % 2 == 0 ? "#general" : "@bob";
        JsonObject again = alice.send(to, "message " + i + " ✓", e.getKey());
        assertEquals(e.getValue().longValue(), again.get("seq").getAsLong(),
            "resent cid " + e.getKey() + " keeps its seq");
      }
      assertEquals(501, alice.send("#general", "after restart", "new-1").get("seq").getAsLong());
    }
  }

  @Test
  void messagesAckedBeforeAKillMidStreamAreAllThere() throws Exception {
    Path data = tmp.resolve("data");
    Map<String, Long> acked = new LinkedHashMap<>();
    String token;
    try (ServerProcess server = ServerProcess.start(data, FAST)) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient.connect(server.wsUri()).register("bob").close();
      token = alice.token;
      Map<String, String> ids = new LinkedHashMap<>();
      for (int i = 0; i < 400; i++) {
        String id = WireClient.nextId();
        ids.put(id, "k-" + i);
        alice.sendRaw(Frames.of("type", "send", "id", id, "to", "@bob", "text", "t" + i,
            "cid", "k-" + i).toString());
      }
      int seen = 0;
      for (Map.Entry<String, String> e : ids.entrySet()) {
        JsonObject ok = alice.awaitReply(e.getKey());
        acked.put(e.getValue(), ok.get("seq").getAsLong());
        if (++seen == 150) {
          server.kill9(); // the rest may or may not have been stored; none was acked
          break;
        }
      }
    }
    try (ServerProcess server = ServerProcess.start(data, FAST)) {
      WireClient alice = WireClient.connect(server.wsUri()).loginWithToken(token);
      Map<String, Long> stored = readAll(alice, "@bob");
      for (Map.Entry<String, Long> e : acked.entrySet()) {
        assertEquals(e.getValue(), stored.get(e.getKey()), "acked " + e.getKey());
      }
      long expected = 1;
      for (long seq : new java.util.TreeSet<>(stored.values())) {
        assertEquals(expected++, seq, "no gap in what was stored");
      }
    }
  }

  static String hello(ServerProcess server) throws Exception {
    try (WireClient probe = WireClient.connect(server.wsUri())) {
      return probe.hello.get("epoch").getAsString();
    }
  }

  /** cid -> seq of every message in a conversation, paging with after until more is false. */
  static Map<String, Long> readAll(WireClient c, String conv) throws Exception {
    Map<String, Long> all = new HashMap<>();
    long after = 0;
    for (;;) {
      JsonObject page = c.ok(Frames.of("type", "history", "conv", conv, "after", after,
          "limit", 200));
      for (JsonElement e : page.getAsJsonArray("messages")) {
        JsonObject m = e.getAsJsonObject();
        all.put(m.get("cid").getAsString(), m.get("seq").getAsLong());
        after = m.get("seq").getAsLong();
      }
      if (!page.get("more").getAsBoolean()) {
        return all;
      }
    }
  }
}
