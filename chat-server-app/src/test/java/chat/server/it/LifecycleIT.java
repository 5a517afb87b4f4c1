package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar as an operator meets it: flags, HTTP endpoints, logs, SIGTERM. */
class LifecycleIT {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path tmp;

  @Test
  void helpListsTheOptionsAndExitsZero() throws Exception {
    ServerProcess.Result r = ServerProcess.run(tmp, "--help");

    assertEquals(0, r.exitCode());
    assertTrue(r.output().contains("--send-per-second"), r.output());
    assertTrue(r.output().contains("CHAT_HTTP_PORT"), r.output());
  }

  @Test
  void aBadOptionExitsTwoWithAClearMessage() throws Exception {
    ServerProcess.Result r = ServerProcess.run(tmp, "--port", "not-a-port");

    assertEquals(2, r.exitCode(), r.output());
    assertTrue(r.output().contains("--port must be a whole number, not 'not-a-port'"), r.output());
  }

  @Test
  void aTakenPortExitsOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ServerProcess.Result r = ServerProcess.run(tmp, "--host", "127.0.0.1", "--port",
          String.valueOf(taken.getLocalPort()), "--http-port", "0", "--store", "memory");

      assertEquals(1, r.exitCode(), r.output());
      assertTrue(r.output().contains("cannot start"), r.output());
    }
  }

  @Test
  void aStoreANewerReleaseMigratedExitsTwoSoThatSystemdDoesNotRestartIt() throws Exception {
    Path data = tmp.resolve("data");
    ServerProcess.start(data).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("chat.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO schema_version (version, description, applied_at)"
          + " VALUES (999, 'from a newer release', 0)");
    }

    ServerProcess.Result r = ServerProcess.run(tmp, "--host", "127.0.0.1", "--port", "0",
        "--http-port", "0", "--data-dir", data.toString());

    assertEquals(2, r.exitCode(), r.output()); // chat-server.service: RestartPreventExitStatus=2
    assertTrue(r.output().contains("schema version 999 is newer than this program"), r.output());
    assertTrue(r.output().contains("restore the backup taken before it"), r.output());
  }

  @Test
  void servesTheWebClientConfigAndHealth() throws Exception {
    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"))) {
      HttpResponse<String> index = get(server, "/");
      assertEquals(200, index.statusCode());
      assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("")
          .contains("script-src 'self'"));
      assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").orElse(""));

      JsonObject config = JsonParser.parseString(get(server, "/config.json").body())
          .getAsJsonObject();
      assertEquals("ws://127.0.0.1:" + server.wsPort + "/ws", config.get("wsUrl").getAsString());

      HttpResponse<String> health = get(server, "/healthz");
      assertEquals(200, health.statusCode());
      assertEquals("ok", JsonParser.parseString(health.body()).getAsJsonObject()
          .get("status").getAsString());

      // A path above the root is malformed: Jetty answers 400 before any handler runs.
      assertEquals(400, get(server, "/../pom.xml").statusCode());
      assertEquals(404, get(server, "/nothing-here.html").statusCode());
    }
  }

  @Test
  void sigtermClosesSessionsWithGoingAwayAndExitsZero() throws Exception {
    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"))) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");

      assertEquals(0, server.terminate());
      assertEquals(1001, alice.awaitClose());
      assertTrue(server.output().contains("stopped"), server.output());
    }
  }

  @Test
  void logsOneLinePerConnectionAndNeverMessageTextPasswordsOrTokens() throws Exception {
    String secretText = "the-secret-message-text-42";
    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"))) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient bob = WireClient.connect(server.wsUri()).register("bob");
      alice.send("@bob", secretText, "c1");
      bob.next("message");
      String token = alice.token;
      alice.close();
      bob.close();
      server.terminate();

      String log = server.output();
      assertFalse(log.contains(secretText), "message text in the log");
      assertFalse(log.contains(token), "token in the log");
      assertFalse(log.contains("correct horse"), "password in the log");
      assertEquals(2, count(log, "open /127.0.0.1"), log);
      assertEquals(2, count(log, "close /127.0.0.1"), log);
    }
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static HttpResponse<String> get(ServerProcess server, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(server.httpUri(path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
