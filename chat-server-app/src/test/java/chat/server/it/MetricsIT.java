package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chat.transport.ws.RawWebSocket;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} and {@code /readyz} of the packaged jar: real traffic (sign-ins, a failed
 * login, sends in a room of two, a rate-limited send, a connection that never signs in) moves
 * the named series of Prometheus' text format by exactly what happened; {@code /readyz} is 200;
 * the metrics are answered to loopback and to the {@code --metrics-allow} range behind a trusted
 * proxy, and 404 to anyone else. Hostile clients (a flood, a reader that stops reading) move the
 * closes by their reasons. (A store that goes away, and {@code /readyz} 503: PostgresStoreIT;
 * the node bus and the PostgreSQL pool: ClusterIT.)
 */
class MetricsIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int SEND_BURST = 5;
  private static final int FLOOD_BURST = 10_000;

  @TempDir Path tmp;

  @Test
  void trafficMovesTheMetrics() throws Exception {
    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"),
        "--send-per-second", "1", "--send-burst", String.valueOf(SEND_BURST),
        "--auth-timeout-ms", "1500",
        "--trusted-proxies", "127.0.0.1", "--metrics-allow", "198.51.100.0/24")) {
      HttpResponse<String> ready = get(server, "/readyz", null);
      assertEquals(200, ready.statusCode());
      assertEquals("{\"status\":\"ready\"}", ready.body().strip());

      Map<String, Double> before = scrape(server);
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient bob = WireClient.connect(server.wsUri()).register("bob");
      WireClient guesser = WireClient.connect(server.wsUri());
      guesser.error(Frames.of("type", "login", "user", "alice", "password", "wrong guess"),
          "unauthorized");
      guesser.close(); // before the auth timeout
      WireClient idle = WireClient.connect(server.wsUri()); // never signs in

      alice.ok(Frames.of("type", "create", "room", "general"));
      bob.ok(Frames.of("type", "join", "room", "general"));
      // Sends until the bucket (SEND_BURST, refilled at 1/s) is empty: one rate_limited reply.
      int sent = 0;
      for (int i = 0; i < 3 * SEND_BURST; i++) {
        JsonObject reply = alice.request(Frames.of("type", "send", "to", "#general",
            "text", "hello " + i, "cid", "c" + i));
        if (reply.get("type").getAsString().equals("error")) {
          assertEquals("rate_limited", reply.get("code").getAsString());
          break;
        }
        sent++;
        bob.await("message");
      }
      assertTrue(sent >= SEND_BURST && sent < 3 * SEND_BURST, "sent " + sent);
      assertEquals(1008, idle.awaitClose(), "closed for not signing in");

      // Each message: one copy to bob, one to alice herself.
      Map<String, Double> after = awaitMoved(server, before, Map.of(
          "chat_sign_ins_total", 2.0,
          "chat_sign_in_failures_total", 1.0,
          "chat_messages_sent_total", (double) sent,
          "chat_messages_delivered_total", 2.0 * sent,
          "chat_rate_limited_total", 1.0,
          "chat_closes_total{reason=\"auth_timeout\"}", 1.0,
          "chat_store_batch_size_sum", (double) sent));
      assertEquals(2.0, awaitValue(server, "chat_connections", 2.0), "alice and bob");
      assertTrue(after.get("chat_store_commit_seconds_count")
          > before.get("chat_store_commit_seconds_count"), "commits timed");
      assertTrue(after.containsKey("chat_store_commit_seconds_bucket{le=\"0.001\"}"),
          "a histogram with buckets: " + after.keySet());
      assertTrue(after.containsKey("chat_outbound_queued_bytes"));
      assertEquals(0.0, after.get("chat_closes_total{reason=\"slow_consumer\"}"));
      assertEquals(0.0, after.get("chat_closes_total{reason=\"flood\"}"));
      assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")),
          "JVM memory");
      assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("jvm_gc_")), "JVM GC");
      assertTrue(after.keySet().stream().noneMatch(k -> k.startsWith("chat_bus_")),
          "no bus on a server alone");

      // Who may read: loopback (above), the --metrics-allow range behind the trusted proxy;
      // not another client behind it, nor anyone behind a proxy that is not trusted.
      assertEquals(200, get(server, "/metrics", "198.51.100.7").statusCode());
      HttpResponse<String> other = get(server, "/metrics", "203.0.113.9");
      assertEquals(404, other.statusCode());
      assertEquals("not found", other.body().strip());

      alice.close();
      bob.close();
      ServerLogs.assertNoErrors(server);
    }
  }

  /**
   * A client that floods frames, and a member of a busy room that stops reading (closed as a slow
   * consumer once its backlog passes --max-outbound-bytes, as AbuseIT provokes it), each move
   * the closes of their reason by one, and no other.
   */
  @Test
  void aFloodAndASlowConsumerMoveTheirCloses() throws Exception {
    // The flood limit is per connection: a burst no sender here comes near, refilled slowly.
    try (ServerProcess server = ServerProcess.start(tmp.resolve("hostile"), "--store", "memory",
        "--send-per-second", "100000", "--send-burst", "100000",
        "--requests-per-second", "1", "--request-burst", String.valueOf(FLOOD_BURST),
        "--max-outbound-bytes", "65536");
        WireClient alice = WireClient.connect(server.wsUri()).register("alice")) {
      Map<String, Double> before = scrape(server);

      try (RawWebSocket flood = RawWebSocket.connect(server.wsPort())) {
        flood.readJson(); // hello
        try {
          for (int i = 0; i < 2 * FLOOD_BURST; i++) {
            flood.sendText("{\"type\":\"ping\"}");
          }
        } catch (IOException e) {
          // closed by the server meanwhile
        }
        RawWebSocket.Closed closed = flood.awaitClose(10_000);
        assertEquals(new RawWebSocket.Closed(1008, "flood"), closed);
      }

      alice.ok(Frames.of("type", "create", "room", "busy"));
      try (RawWebSocket carol = RawWebSocket.to(server.wsPort()).receiveBuffer(4_096).open()) {
        carol.readJson(); // hello
        carol.sendText(Frames.of("type", "register", "id", "r", "user", "carol", "password",
            WireClient.PASSWORD).toString());
        awaitOk(carol, "r");
        carol.sendText(Frames.of("type", "join", "id", "j", "room", "busy").toString());
        awaitOk(carol, "j");
        // Carol reads no more; alice sends until the server says it gave up on her.
        String text = "x".repeat(3_000);
        String carolPort = ":" + carol.socket().getLocalPort();
        int sent = 0;
        while (!server.loggedLine(carolPort, "slow consumer")) {
          assertTrue(sent < 4_000, "Carol was never closed as a slow consumer");
          for (int i = 0; i < 8; i++) {
            sent++;
            alice.fire(Frames.of("type", "send", "id", "s" + sent, "to", "#busy",
                "text", text, "cid", "c" + sent));
          }
          assertEquals("ok", alice.awaitReply("s" + sent).get("type").getAsString());
        }
        assertEquals(1008, carol.readUntilClose(10_000, f -> { }).code());
      }

      awaitMoved(server, before, Map.of(
          "chat_closes_total{reason=\"flood\"}", 1.0,
          "chat_closes_total{reason=\"slow_consumer\"}", 1.0,
          "chat_closes_total{reason=\"auth_timeout\"}", 0.0));
      ServerLogs.assertNoErrors(server);
    }
  }

  /** Reads {@code ws} up to the reply to {@code id}, past events; it must be ok. */
  private static void awaitOk(RawWebSocket ws, String id) throws IOException {
    for (int i = 0; i < 20; i++) {
      JsonObject f = ws.readJson();
      if (f.has("re") && !f.get("re").isJsonNull() && id.equals(f.get("re").getAsString())) {
        assertEquals("ok", f.get("type").getAsString(), f.toString());
        return;
      }
    }
    fail("no reply to " + id);
  }

  /** GET {@code path}, as forwarded for {@code forwardedFor} when not null. */
  static HttpResponse<String> get(ServerProcess server, String path, String forwardedFor)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUri(path))
        .timeout(Duration.ofSeconds(10));
    if (forwardedFor != null) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every series of {@code /metrics} by name and labels, as written, to its value. */
  static Map<String, Double> scrape(ServerProcess server) throws Exception {
    HttpResponse<String> response = get(server, "/metrics", null);
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("")
        .startsWith("text/plain; version=0.0.4"), response.headers().toString());
    return parse(response.body());
  }

  /**
   * {@code series} once it is at least {@code atLeast}, or as it is after ten seconds (a bounded
   * poll: the server counts as it goes).
   */
  static double awaitSeries(ServerProcess server, String series, double atLeast)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    double value = scrape(server).getOrDefault(series, -1.0);
    while (value < atLeast && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      value = scrape(server).getOrDefault(series, -1.0);
    }
    return value;
  }

  /** Prometheus' text format: {@code name{labels} value}, {@code #} lines are comments. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> series = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return series;
  }

  /**
   * The scrape once every series of {@code moved} is its value in {@code before} plus the given
   * amount (the server counts a delivery just after it hands it over: a bounded poll).
   */
  private static Map<String, Double> awaitMoved(ServerProcess server, Map<String, Double> before,
      Map<String, Double> moved) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    Map<String, Double> now;
    Map<String, Double> wrong = new HashMap<>();
    do {
      now = scrape(server);
      wrong.clear();
      for (Map.Entry<String, Double> e : moved.entrySet()) {
        double was = before.getOrDefault(e.getKey(), 0.0);
        Double is = now.get(e.getKey());
        if (is == null || is - was != e.getValue()) {
          wrong.put(e.getKey(), is == null ? null : is - was);
        }
      }
      if (wrong.isEmpty()) {
        return now;
      }
      Thread.sleep(50); // polling a counter, not synchronising with a thread
    } while (System.nanoTime() < deadline);
    fail("series that did not move as expected (by how much they did): " + wrong);
    return now;
  }

  private static double awaitValue(ServerProcess server, String name, double value)
      throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    Double is;
    do {
      is = scrape(server).get(name);
      if (is != null && is == value) {
        return is;
      }
      Thread.sleep(50); // polling a gauge
    } while (System.nanoTime() < deadline);
    return is == null ? Double.NaN : is;
  }
}
