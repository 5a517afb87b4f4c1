package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.store.jdbc.PrivatePostgres;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar with {@code --store postgres} on a private PostgreSQL server (fsync on): register,
 * send, history; a killed server restarted on the same database serves everything again; files
 * kept in the database (uploaded, sent, downloaded from another server, gone once deleted); and
 * PostgreSQL itself going down, or hanging, under a running server: sends fail with
 * {@code internal}, {@code /healthz} says unhealthy and {@code /readyz} not ready (the store)
 * until it is back, then the server serves again by itself.
 */
class PostgresStoreIT {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.durable();
  private static final String PASSWORD = "not-in-any-log-7d1f";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  private String[] args(String url) {
    return new String[] {"--store", "postgres", "--postgres-url", url,
        "--postgres-password", PASSWORD, "--postgres-pool-size", "4"};
  }

  @Test
  void messagesAccountsAndEpochSurviveAServerRestart() throws Exception {
    String url = postgres.newDatabase();
    String token;
    String epoch;
    try (ServerProcess server = ServerProcess.start(tmp.resolve("one"), args(url))) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient.connect(server.wsUri()).register("bob").close();
      alice.ok(Frames.of("type", "create", "room", "general"));
      for (int i = 1; i <= 3; i++) {
        assertEquals(i, alice.send("#general", "hello " + i, "g" + i).get("seq").getAsLong());
      }
      assertEquals(1, alice.send("@bob", "psst", "d1").get("seq").getAsLong());
      assertEquals(List.of("hello 1", "hello 2", "hello 3"), texts(alice, "#general"));
      assertEquals(200, health(server));
      token = alice.token;
      epoch = alice.hello.get("epoch").getAsString();
      server.kill9();
      assertFalse(server.output().contains(PASSWORD), "the password is never logged");
      ServerLogs.assertNoErrors(server);
    }

    // Another data directory: everything comes from the database.
    try (ServerProcess server = ServerProcess.start(tmp.resolve("two"), args(url))) {
      WireClient alice = WireClient.connect(server.wsUri()).loginWithToken(token);
      assertEquals(epoch, alice.hello.get("epoch").getAsString());
      assertEquals(List.of("hello 1", "hello 2", "hello 3"), texts(alice, "#general"));
      assertEquals(List.of("psst"), texts(alice, "@bob"));
      assertEquals(2, alice.send("#general", "hello 2", "g2").get("seq").getAsLong(),
          "a resent cid keeps its seq");
      assertEquals(4, alice.send("#general", "after", "g4").get("seq").getAsLong());
      WireClient bob = WireClient.connect(server.wsUri());
      bob.login("bob", WireClient.PASSWORD);
      assertEquals(List.of("psst"), texts(bob, "@alice"));
      ServerLogs.assertNoErrors(server);
    }
  }

  @Test
  void filesAreKeptInPostgresServedAfterARestartAndGoneWithTheirMessage() throws Exception {
    String url = postgres.newDatabase();
    byte[] photo = new byte[700_000]; // several chunks
    new Random(7).nextBytes(photo);
    String id;
    String token;
    try (ServerProcess server = ServerProcess.start(tmp.resolve("one"), args(url))) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient bob = WireClient.connect(server.wsUri()).register("bob");
      id = FilesIT.uploaded(server, alice.token, "photo.png", "image/png", photo);
      long seq = alice.ok(FilesIT.sendFiles("@bob", "look", id)).get("seq").getAsLong();
      assertEquals(id, bob.await("message").getAsJsonArray("files").get(0).getAsJsonObject()
          .get("id").getAsString());
      assertArrayEquals(photo, download(server, id).body());
      assertEquals(1, seq);
      token = alice.token;
      ServerLogs.assertNoErrors(server);
    }
    assertFalse(Files.exists(tmp.resolve("one").resolve("files")), "nothing on the server's disk");

    // Another node, another (empty) data directory: the bytes come from the database.
    try (ServerProcess server = ServerProcess.start(tmp.resolve("two"), args(url))) {
      HttpResponse<byte[]> download = download(server, id);
      assertEquals(200, download.statusCode());
      assertArrayEquals(photo, download.body());
      assertEquals("image/png", download.headers().firstValue("Content-Type").orElseThrow());

      WireClient alice = WireClient.connect(server.wsUri()).loginWithToken(token);
      alice.ok(Changes.delete("@bob", 1));
      assertEquals(404, download(server, id).statusCode());
      assertFalse(Changes.message(alice, "@bob", 1).has("files"));
      ServerLogs.assertNoErrors(server);
    }
  }

  private static HttpResponse<byte[]> download(ServerProcess server, String id)
      throws Exception {
    return HTTP.send(HttpRequest.newBuilder(server.httpUri("/files/" + id))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void whilePostgresIsDownSendsFailAndHealthSaysSoThenTheServerServesAgain() throws Exception {
    String url = postgres.newDatabase();
    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"), args(url))) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      alice.ok(Frames.of("type", "create", "room", "general"));
      alice.send("#general", "before", "b1");

      postgres.crash();
      try {
        alice.error(Frames.of("type", "send", "to", "#general", "text", "during", "cid", "d1"),
            "internal");
        assertTrue(awaitHealth(server, 503), "/healthz says unhealthy while PostgreSQL is down");
        HttpResponse<String> ready = MetricsIT.get(server, "/readyz", null);
        assertEquals(503, ready.statusCode(), "not ready while PostgreSQL is down");
        assertEquals("{\"status\":\"not ready\",\"notReady\":[\"store\"]}",
            ready.body().strip());
      } finally {
        postgres.start();
      }
      long back = System.nanoTime();
      assertTrue(awaitHealth(server, 200), "/healthz says ok again");
      assertEquals(200, MetricsIT.get(server, "/readyz", null).statusCode(), "ready again");
      JsonObject ok = null;
      while (ok == null && System.nanoTime() - back < 10_000_000_000L) {
        JsonObject reply = alice.request(Frames.of("type", "send", "to", "#general",
            "text", "after", "cid", "a1"));
        ok = reply.get("type").getAsString().equals("ok") ? reply : null;
      }
      assertTrue(ok != null, "a send succeeds within 10 s of PostgreSQL being back");
      assertEquals(2, ok.get("seq").getAsLong(), "the failed send left nothing behind");
      assertEquals(List.of("before", "after"), texts(alice, "#general"));
    }
  }

  /**
   * PostgreSQL hangs (every process stopped: connections stay open, nothing answers): with a
   * short socket timeout in the URL, sends fail with {@code internal} and /healthz says
   * unhealthy instead of waiting for good; once it answers again, the server serves again.
   */
  @Test
  void whilePostgresHangsSendsFailAndHealthSaysSoThenTheServerServesAgain() throws Exception {
    String url = postgres.newDatabase() + "&socketTimeout=2&connectTimeout=2";
    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"), args(url))) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      alice.ok(Frames.of("type", "create", "room", "general"));
      alice.send("#general", "before", "b1");

      postgres.pause();
      try {
        alice.error(Frames.of("type", "send", "to", "#general", "text", "during", "cid", "d1"),
            "internal");
        assertTrue(awaitHealth(server, 503), "/healthz says unhealthy while PostgreSQL hangs");
      } finally {
        postgres.resume();
      }
      long back = System.nanoTime();
      assertTrue(awaitHealth(server, 200), "/healthz says ok again");
      JsonObject ok = null;
      while (ok == null && System.nanoTime() - back < 10_000_000_000L) {
        JsonObject reply = alice.request(Frames.of("type", "send", "to", "#general",
            "text", "after", "cid", "a1"));
        ok = reply.get("type").getAsString().equals("ok") ? reply : null;
      }
      assertTrue(ok != null, "a send succeeds within 10 s of PostgreSQL answering again");
      assertEquals(2, ok.get("seq").getAsLong(), "the failed send left nothing behind");
      assertEquals(List.of("before", "after"), texts(alice, "#general"));
    }
  }

  private static int health(ServerProcess server) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(server.httpUri("/healthz"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Whether /healthz answers {@code status} within 15 s (it checks the database each second). */
  private static boolean awaitHealth(ServerProcess server, int status) throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (health(server) == status) {
        return true;
      }
      Thread.sleep(100); // polling a time-based check, not synchronising with a thread
    }
    return false;
  }

  private static List<String> texts(WireClient c, String conv) throws Exception {
    JsonObject page = c.ok(Frames.of("type", "history", "conv", conv, "after", 0, "limit", 100));
    List<String> texts = new ArrayList<>();
    for (JsonElement m : page.getAsJsonArray("messages")) {
      texts.add(m.getAsJsonObject().get("text").getAsString());
    }
    return texts;
  }
}
