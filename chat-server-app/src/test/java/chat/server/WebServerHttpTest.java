package chat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web server in this JVM, on loopback and a free port, serving a folder of the test's: what
 * it answers and the limits that keep misbehaving clients from stopping it.
 */
class WebServerHttpTest {
  private static final int WS_PORT = 8081;
  /** How long a check may take before the server counts as not answering. */
  private static final Duration PROMPT = Duration.ofSeconds(5);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(PROMPT).build();

  @TempDir Path web;
  private final AtomicBoolean wsAccepting = new AtomicBoolean(true);
  private final List<Socket> sockets = new ArrayList<>();
  private WebServer server;

  private WebServer start(WebServer.Limits limits) throws Exception {
    Files.writeString(web.resolve("index.html"), "<!doctype html><p>hi</p>");
    Files.writeString(web.resolve("app.js"), "console.log('hi');");
    Files.createDirectory(web.resolve("test"));
    Files.writeString(web.resolve("test/logic.test.js"), "test('x', () => {});");
    server = new WebServer("127.0.0.1", 0, new StaticFiles(web), null, false,
        wsAccepting::get, () -> WS_PORT, () -> 3, limits);
    server.start();
    return server;
  }

  private WebServer start() throws Exception {
    return start(WebServer.Limits.DEFAULT);
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(PROMPT).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path);
  }

  /** A connection that has sent {@code bytes} and is left open (closed after the test). */
  private Socket rawSend(String bytes) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) PROMPT.toMillis());
    s.setSoTimeout((int) PROMPT.toMillis());
    s.getOutputStream().write(bytes.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  /** Everything the server sends until it closes the connection (bounded by the soTimeout). */
  private static String readToEnd(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("connection still open after " + PROMPT + "; got: " + out, e);
    } catch (IOException e) {
      // reset after the response: the server closed with our bytes unread
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  /** The status line and headers of the next response (bounded by the soTimeout). */
  private static String readHead(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    while (!out.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      out.write(b);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  private static void assertSecurityHeaders(HttpResponse<?> r) {
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), "" + r);
    assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""), "" + r);
    assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), "" + r);
  }

  // ---- what it serves ----

  @Test
  void servesTheClientConfigAndHealthWithSecurityHeaders() throws Exception {
    start();

    HttpResponse<String> index = get("/");
    assertEquals(200, index.statusCode());
    assertEquals("<!doctype html><p>hi</p>", index.body());
    assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").get());
    assertEquals(WebServer.csp("ws://127.0.0.1:" + WS_PORT + "/ws"),
        index.headers().firstValue("Content-Security-Policy").orElse(""));
    assertSecurityHeaders(index);

    HttpResponse<String> js = get("/app.js");
    assertEquals(200, js.statusCode());
    assertFalse(js.headers().firstValue("Content-Security-Policy").isPresent());
    assertSecurityHeaders(js);

    HttpResponse<String> config = get("/config.json");
    assertEquals("{\"wsUrl\":\"ws://127.0.0.1:" + WS_PORT + "/ws\",\"httpUrl\":\"/\"}\n",
        config.body());
    assertEquals("no-store", config.headers().firstValue("Cache-Control").orElse(""));
    assertSecurityHeaders(config);

    HttpResponse<String> health = get("/healthz");
    assertEquals(200, health.statusCode());
    assertEquals("{\"status\":\"ok\",\"connections\":3}\n", health.body());
    assertSecurityHeaders(health);

    HttpResponse<String> missing = get("/missing.html");
    assertEquals(404, missing.statusCode());
    assertSecurityHeaders(missing);
  }

  @Test
  void headAnswersTheHeadersOfGetWithoutTheBody() throws Exception {
    start();

    HttpResponse<String> head = send("HEAD", "/healthz");

    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
    assertEquals(String.valueOf(get("/healthz").body().length()),
        head.headers().firstValue("Content-Length").orElse(""));
    assertSecurityHeaders(head);
  }

  @Test
  void otherMethodsAreRefusedWithAllow() throws Exception {
    start();

    for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
      HttpResponse<String> r = send(method, "/");
      assertEquals(405, r.statusCode(), method);
      assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElse(""), method);
      assertSecurityHeaders(r);
    }
  }

  @Test
  void theWebClientsUnitTestsAreNotServed() throws Exception {
    start();

    assertEquals(404, get("/test/logic.test.js").statusCode());
    assertEquals(404, get("/%74est/logic.test.js").statusCode());
    assertEquals(404, get("/js/../test/logic.test.js").statusCode());
  }

  @Test
  void configJsonNamesTheHostThePageWasLoadedFrom() throws Exception {
    start();

    Socket s = rawSend("GET /config.json HTTP/1.1\r\nHost: chat.example.org:8080\r\n"
        + "Connection: close\r\n\r\n");

    assertTrue(readToEnd(s).endsWith("{\"wsUrl\":\"ws://chat.example.org:" + WS_PORT
        + "/ws\",\"httpUrl\":\"/\"}\n"));
  }

  // ---- health ----

  @Test
  void healthIs503WhileTheWebSocketListenerIsNotAccepting() throws Exception {
    start();
    wsAccepting.set(false);

    HttpResponse<String> health = get("/healthz");

    assertEquals(503, health.statusCode());
    assertEquals("{\"status\":\"unhealthy\",\"connections\":3}\n", health.body());

    wsAccepting.set(true);
    assertEquals(200, get("/healthz").statusCode());
  }

  @Test
  void stopClosesThePort() throws Exception {
    int port = start().port();

    server.stop();

    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    server.stop(); // idempotent
  }

  // ---- limits ----

  /**
   * The JDK server read request heads on its four worker threads: four half-sent heads and
   * nothing else was answered. Fifty must not keep the page or the health check from answering.
   */
  @Test
  void halfSentHeadersDoNotStopThePort() throws Exception {
    start();
    for (int i = 0; i < 50; i++) {
      rawSend("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ");
    }

    assertEquals(200, get("/healthz").statusCode());
    assertEquals(200, get("/").statusCode());
  }

  @Test
  void anOversizedHeaderIsRefusedWith431AndTheServerServesOn() throws Exception {
    start();

    Socket s = rawSend("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(64 * 1024)
        + "\r\n\r\n");
    String response = readToEnd(s);

    assertTrue(response.isEmpty() || response.startsWith("HTTP/1.1 431 "), response);
    assertTrue(response.isEmpty() || response.contains("X-Content-Type-Options: nosniff"),
        response);
    assertEquals(200, get("/healthz").statusCode());
  }

  @Test
  void aHeadJustUnderTheLimitIsServed() throws Exception {
    start();

    Socket s = rawSend("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + "X-Pad: " + "a".repeat(7 * 1024) + "\r\n\r\n");

    assertTrue(readToEnd(s).startsWith("HTTP/1.1 200 "));
  }

  @Test
  void aHeadThatIsNotCompleteByTheDeadlineIsClosed() throws Exception {
    start(new WebServer.Limits(8 * 1024, 200, 30_000, 1024, 16, 10_000, 256));

    Socket s = rawSend("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ");

    assertEquals("", readToEnd(s), "closed without a response");
  }

  /** The deadline is for the first request head only; idle keep-alive has its own timeout. */
  @Test
  void aConnectionThatSentARequestOutlivesTheHeadDeadline() throws Exception {
    start(new WebServer.Limits(8 * 1024, 200, 30_000, 1024, 16, 10_000, 256));
    Socket s = rawSend("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    byte[] buf = new byte[4096];
    assertTrue(s.getInputStream().read(buf) > 0);

    s.setSoTimeout(1_000); // five deadlines
    assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(buf),
        "the server closed a connection that had completed a request");
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    start(new WebServer.Limits(8 * 1024, 10_000, 300, 1024, 16, 10_000, 256));

    Socket s = rawSend("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    assertTrue(readToEnd(s).startsWith("HTTP/1.1 200 "));
  }

  @Test
  void aBodyOverTheCapIsRefusedWith413() throws Exception {
    start();

    Socket s = rawSend("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2048\r\n\r\n"
        + "a".repeat(2048));
    String response = readHead(s);

    assertTrue(response.startsWith("HTTP/1.1 413 "), response);
    assertTrue(response.contains("X-Content-Type-Options: nosniff"), response);
    assertEquals(200, get("/healthz").statusCode());
  }
  /** A connection to the port from {@code source} (a loopback address) that sent nothing yet. */
  private Socket connectFrom(String source) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.bind(new InetSocketAddress(source, 0));
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) PROMPT.toMillis());
    s.setSoTimeout((int) PROMPT.toMillis());
    return s;
  }

  /** Whether the server has closed {@code s} without a byte (waits 10 ms at most). */
  private static boolean closedByServer(Socket s) {
    try {
      s.setSoTimeout(10);
      int b = s.getInputStream().read();
      s.setSoTimeout((int) PROMPT.toMillis());
      assertEquals(-1, b, "the server sent something unasked");
      return true;
    } catch (SocketTimeoutException e) {
      try {
        s.setSoTimeout((int) PROMPT.toMillis());
      } catch (IOException ignored) {
        return true;
      }
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static String healthOn(Socket s) throws IOException {
    s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    return readHead(s);
  }

  @Test
  void connectionsFromOneAddressOverTheCapAreClosedAtOnceAndOthersAreServed() throws Exception {
    start(WebServer.Limits.DEFAULT.withConnections(10_000, 5));
    List<Socket> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      all.add(connectFrom("127.0.0.1"));
    }
    // Admitted in the order the server opens them, which need not be the order of connecting.
    List<Socket> held = new ArrayList<>(all);
    long until = System.nanoTime() + PROMPT.toNanos();
    while (held.size() > 5 && System.nanoTime() < until) {
      held.removeIf(WebServerHttpTest::closedByServer);
    }
    assertEquals(5, held.size(), "connections kept of 25 from one address");
    for (int i = 0; i < 10; i++) { // a request sent at once, before the close: never served
      String answer;
      try {
        answer = healthOn(connectFrom("127.0.0.1"));
      } catch (IOException reset) {
        answer = "";
      }
      assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 503 "), answer);
    }

    assertTrue(healthOn(connectFrom("127.0.0.2")).startsWith("HTTP/1.1 200 "), "another address");
    assertTrue(healthOn(held.get(0)).startsWith("HTTP/1.1 200 "), "a connection within the cap");
    for (Socket s : held) {
      s.close();
    }
    // Their closes are counted as Jetty reports them: the address is served again soon after.
    long deadline = System.nanoTime() + PROMPT.toNanos();
    String answer = "";
    while (!answer.startsWith("HTTP/1.1 200 ") && System.nanoTime() < deadline) {
      answer = healthOn(connectFrom("127.0.0.1"));
    }
    assertTrue(answer.startsWith("HTTP/1.1 200 "), "still refused after the held ones closed");
  }

  @Test
  void atTheTotalCapANewConnectionWaitsUntilAnotherCloses() throws Exception {
    start(WebServer.Limits.DEFAULT.withConnections(5, 256));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(connectFrom("127.0.0.1"));
    }
    Socket waiting = connectFrom("127.0.0.2"); // in the accept backlog: the kernel took it
    waiting.setSoTimeout(500);
    assertThrows(SocketTimeoutException.class, () -> healthOn(waiting), "answered over the cap");

    held.get(0).close();

    waiting.setSoTimeout((int) PROMPT.toMillis());
    assertTrue(readHead(waiting).startsWith("HTTP/1.1 200 "), "not served once there was room");
  }
}
