package chat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /readyz} and {@code /metrics} of the web server in this JVM, on loopback. */
class WebServerProbesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final AtomicBoolean store = new AtomicBoolean(true);
  private final AtomicBoolean bus = new AtomicBoolean(true);
  private WebServer server;

  @BeforeEach
  void start() throws Exception {
    Map<String, BooleanSupplier> parts = new LinkedHashMap<>();
    parts.put("store", store::get);
    parts.put("websocket", () -> true);
    parts.put("bus", bus::get);
    server = new WebServer("127.0.0.1", parts, new WebServer.MetricsPage(
        () -> "# TYPE chat_x_total counter\nchat_x_total 7.0\n",
        new MetricsAccess(List.of(), List.of())));
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  @Test
  void readyOnlyWhileEveryPartIsUpAndTheBodyNamesThoseThatAreNot() throws Exception {
    assertEquals("200 {\"status\":\"ready\"}", get("/readyz", null));
    store.set(false);
    assertEquals("503 {\"status\":\"not ready\",\"notReady\":[\"store\"]}", get("/readyz", null));
    bus.set(false);
    assertEquals("503 {\"status\":\"not ready\",\"notReady\":[\"store\",\"bus\"]}",
        get("/readyz", null));
    store.set(true);
    bus.set(true);
    assertEquals("200 {\"status\":\"ready\"}", get("/readyz", null));
  }

  @Test
  void metricsToLoopbackOnlyAndNotThroughAProxyThatIsNotTrusted() throws Exception {
    assertEquals("200 # TYPE chat_x_total counter\nchat_x_total 7.0", get("/metrics", null));
    assertEquals("404 not found", get("/metrics", "203.0.113.1"));
  }

  @Test
  void metricsOnlyToRequestsThatNameTheServerByAnAddress() throws Exception {
    assertTrue(rawGet("/metrics", "127.0.0.1:" + server.port()).startsWith("HTTP/1.1 200 "));
    assertTrue(rawGet("/metrics", "localhost:" + server.port()).startsWith("HTTP/1.1 200 "));
    assertTrue(rawGet("/metrics", "[::1]:" + server.port()).startsWith("HTTP/1.1 200 "));
    // A page of rebind.example in a browser here, its name pointed at 127.0.0.1 for a moment.
    assertTrue(rawGet("/metrics", "rebind.example:" + server.port())
        .startsWith("HTTP/1.1 404 "));
    assertTrue(WebServer.namedByAddress("10.0.1.11:8080"));
    assertFalse(WebServer.namedByAddress("10.0.1.11.nip.io:8080"));
    assertFalse(WebServer.namedByAddress(null));
  }

  /** The status line of a GET with this Host header (the JDK's client will not set one). */
  private String rawGet(String path, String host) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(new InputStreamReader(s.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
    }
  }

  private String get(String path, String forwardedFor) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(5));
    if (forwardedFor != null) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    HttpResponse<String> response = HTTP.send(request.build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body().strip();
  }
}
