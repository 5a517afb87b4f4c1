package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server's HTTP port against clients that do not play by the rules: heads sent by
 * halves and held (slowloris), oversized heads, malformed requests. The page and the health
 * check must keep answering, promptly, and nothing a client sends may log an error.
 *
 * <p>The JDK's HttpServer, which served HTTP before Jetty, read request heads on four worker
 * threads: four sockets that each sent half a header stopped the port until they gave up.
 */
class HttpAbuseIT {
  /** How long an answer may take before the port counts as stopped. */
  private static final Duration PROMPT = Duration.ofSeconds(5);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(PROMPT).build();

  @TempDir static Path tmp;

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory");
  private final List<Socket> sockets = new ArrayList<>();

  private static ServerProcess server() {
    return shared.process();
  }

  @AfterEach
  void closeSockets() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(server().httpUri(path)).timeout(PROMPT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A connection to the HTTP port that has sent {@code bytes}; closed after the test. */
  private Socket rawSend(String bytes) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(new InetSocketAddress("127.0.0.1", server().httpPort), (int) PROMPT.toMillis());
    s.setSoTimeout((int) PROMPT.toMillis());
    s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
    return s;
  }

  /** The status line of the server's answer, or "" if it closes or resets without one. */
  private static String statusLine(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    try {
      for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
        out.write(b);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer within " + PROMPT + "; got: " + out, e);
    } catch (IOException e) {
      // reset: the server closed with some of our bytes unread
    }
    return out.toString(StandardCharsets.ISO_8859_1).strip();
  }

  private static void assertServing() throws Exception {
    assertEquals(200, get("/healthz").statusCode());
    HttpResponse<String> index = get("/");
    assertEquals(200, index.statusCode());
    assertTrue(index.body().contains("<html"), index.body());
  }

  @Test
  void fiftyHalfSentHeadsDoNotStopThePageOrTheHealthCheck() throws Exception {
    for (int i = 0; i < 50; i++) {
      rawSend("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow");
    }

    assertServing();
  }

  @Test
  void anOversizedHeadIsRefusedWith431AndThePortServesOn() throws Exception {
    String status = statusLine(rawSend("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
        + "a".repeat(64 * 1024) + "\r\n\r\n"));

    assertTrue(status.isEmpty() || status.startsWith("HTTP/1.1 431 "), status);
    assertServing();
  }

  @Test
  void theWebClientsUnitTestsAreNotServed() throws Exception {
    assertEquals(404, get("/test/logic.test.js").statusCode());
    assertEquals(404, get("/test/fakes.js").statusCode());
  }

  @Test
  void malformedRequestsAreAnsweredAndNeverLoggedAsErrorsOrWarnings() throws Exception {
    String[] requests = {
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: evil\"><script>\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a:99999999\r\n\r\n",
        "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /../pom.xml HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "BREW / HTTP/1.1\r\nHost: a\r\n\r\n",
        "\u0016\u0003\u0001\u0000\u002a\u0001garbage\r\n\r\n",
    };
    for (String request : requests) {
      String status = statusLine(rawSend(request));
      assertTrue(status.isEmpty() || status.matches("HTTP/1\\.1 4\\d\\d .*"),
          request.lines().findFirst().orElse("") + " -> " + status);
    }

    assertServing();
    String log = server().output();
    assertFalse(log.contains(" ERROR "), log);
    assertFalse(log.contains(" WARN "), log);
  }
  /**
   * One address opening hundreds of sockets to the HTTP port and holding them idle: those over
   * --max-http-connections-per-ip are closed at once, unanswered, while another address (here
   * 127.0.0.2, also loopback) still gets the health check; a held one is still served, and once
   * they close the address is served again. Nothing of it is a warning or an error.
   */
  @Test
  void hundredsOfSocketsFromOneAddressAreCapped() throws Exception {
    try (ServerProcess s = ServerProcess.start(tmp.resolve("capped"), "--store", "memory",
        "--max-http-connections-per-ip", "20")) {
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 300; i++) {
          held.add(connect(null, s.httpPort));
        }
        List<Socket> kept = keptOpen(held, 20);
        assertEquals(20, kept.size(), "sockets kept open of 300 from one address");
        assertTrue(health(connect("127.0.0.2", s.httpPort)).startsWith("HTTP/1.1 200 "),
            "another address was not served");
        assertTrue(health(kept.get(0)).startsWith("HTTP/1.1 200 "), "a kept socket was dropped");
      } finally {
        for (Socket socket : held) {
          socket.close();
        }
      }
      long deadline = System.nanoTime() + PROMPT.toNanos();
      String answer = "";
      int refusedRetries = -1; // the last try is served
      while (!answer.startsWith("HTTP/1.1 200 ") && System.nanoTime() < deadline) {
        // A try made while the closes are still being counted is refused: closed, or 503.
        refusedRetries++;
        try (Socket again = connect(null, s.httpPort)) {
          answer = health(again);
        }
        assertTrue(answer.isEmpty() || answer.matches("HTTP/1\\.1 (200|503) .*"), answer);
      }
      assertTrue(answer.startsWith("HTTP/1.1 200 "), "still refused after the others closed");
      // Counted before each close is seen. Read from another address: this one's closes are
      // released as Jetty reports them, so a new socket from it may still be refused.
      try (Socket other = connect("127.0.0.2", s.httpPort)) {
        other.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String response = new String(other.getInputStream().readAllBytes(),
            StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        assertEquals(280.0 + refusedRetries, MetricsIT.parse(
            response.substring(response.indexOf("\r\n\r\n") + 4))
            .get("chat_connections_refused_total{port=\"http\"}"), "refusals in /metrics");
      }
      assertTrue(s.logged("over 20 from one address"), "the refusals were not logged");
      String log = s.output();
      assertFalse(log.contains(" ERROR "), log);
      assertFalse(log.contains(" WARN "), log);
    }
  }

  /**
   * Uploads that trickle hold an upload slot each for as long as the upload timeout: a few
   * accounts on one machine could hold all of the server's. One address gets
   * {@code --max-uploads-per-ip} at once, here 3 (of 4 per user); the next is refused with 429 at
   * once, another address's upload goes through, and the slots come back as the sockets close.
   */
  @Test
  void uploadsInProgressAreCappedPerAddress() throws Exception {
    try (ServerProcess s = ServerProcess.start(tmp.resolve("uploads"), "--store", "memory",
        "--max-uploads-per-ip", "3"); WireClients wire = new WireClients(s)) {
      String[] tokens = {wire.user("slow1").token, wire.user("slow2").token};
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          slow.add(startUpload(null, s.httpPort, tokens[i % 2], 50_000, "a trickle"));
        }
        // The server takes them in an order of its own: whichever comes fourth is refused.
        String refused = firstAnswer(slow);
        assertTrue(refused.startsWith("HTTP/1.1 429 "), refused);

        Socket other = startUpload("127.0.0.2", s.httpPort, tokens[1], 5, "hello");
        slow.add(other);
        String created = statusLine(other);
        assertTrue(created.startsWith("HTTP/1.1 201 "), created);
      } finally {
        for (Socket socket : slow) {
          socket.close();
        }
      }
      long deadline = System.nanoTime() + PROMPT.toNanos();
      String answer = "";
      while (!answer.startsWith("HTTP/1.1 201 ") && System.nanoTime() < deadline) {
        try (Socket again = startUpload(null, s.httpPort, tokens[0], 5, "again")) {
          answer = statusLine(again); // 429 until the closed uploads have given their slots back
        }
        assertTrue(answer.matches("HTTP/1\\.1 (201|429) .*"), answer);
      }
      assertTrue(answer.startsWith("HTTP/1.1 201 "), "slots not given back: " + answer);
      String log = s.output();
      assertFalse(log.contains(" ERROR "), log);
    }
  }

  /**
   * The status line of the first of {@code sockets} to be answered, which is then closed; fails
   * if none is within {@link #PROMPT}.
   */
  private static String firstAnswer(List<Socket> sockets) throws IOException {
    long deadline = System.nanoTime() + PROMPT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Socket socket : sockets) {
        socket.setSoTimeout(10);
        int first;
        try {
          first = socket.getInputStream().read();
        } catch (SocketTimeoutException e) {
          continue;
        }
        socket.setSoTimeout((int) PROMPT.toMillis());
        String line = first < 0 ? "" : (char) first + statusLine(socket);
        socket.close();
        return line;
      }
    }
    throw new AssertionError("none of " + sockets.size() + " uploads was answered");
  }

  /** A POST /files from {@code source}, declaring {@code length} bytes and sending {@code body}. */
  private static Socket startUpload(String source, int port, String token, int length,
      String body) throws IOException {
    Socket s = connect(source, port);
    s.getOutputStream().write(("POST /files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + token + "\r\nX-File-Name: slow.bin\r\n"
        + "Content-Type: application/octet-stream\r\n"
        + "Content-Length: " + length + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
    return s;
  }

  /** A socket to the HTTP port on 127.0.0.1, from {@code source} (null: any). */
  private static Socket connect(String source, int port) throws IOException {
    Socket s = new Socket();
    if (source != null) {
      s.bind(new InetSocketAddress(source, 0));
    }
    s.connect(new InetSocketAddress("127.0.0.1", port), (int) PROMPT.toMillis());
    s.setSoTimeout((int) PROMPT.toMillis());
    return s;
  }

  /**
   * The sockets of {@code all} the server has not closed, once at most {@code expected} are left
   * or {@link #PROMPT} has passed: sockets are admitted in the order the server opens them, not
   * the order they connected, so which ones stay is not known beforehand.
   */
  private static List<Socket> keptOpen(List<Socket> all, int expected) throws IOException {
    List<Socket> open = new ArrayList<>(all);
    long deadline = System.nanoTime() + PROMPT.toNanos();
    do {
      List<Socket> still = new ArrayList<>();
      for (Socket socket : open) {
        socket.setSoTimeout(10);
        try {
          if (socket.getInputStream().read() >= 0) {
            throw new AssertionError("the server sent something unasked");
          }
        } catch (SocketTimeoutException e) {
          still.add(socket);
        } catch (IOException reset) {
          // closed with a reset
        }
      }
      open = still;
    } while (open.size() > expected && System.nanoTime() < deadline);
    for (Socket socket : open) {
      socket.setSoTimeout((int) PROMPT.toMillis());
    }
    return open;
  }

  /** Asks for /healthz on {@code s}; returns the status line ("" if it closes without one). */
  private static String health(Socket s) throws IOException {
    s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    return statusLine(s);
  }
}
