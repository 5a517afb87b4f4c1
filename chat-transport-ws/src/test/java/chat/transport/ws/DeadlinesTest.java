package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.CloseCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing may hold a connection without doing its part: a WebSocket that does not log in within
 * {@code authTimeoutMs} is closed 1008, and a TCP connection that never completes the HTTP upgrade
 * is dropped after the handshake timeout.
 */
class DeadlinesTest {
  private static final long AUTH_TIMEOUT_MS = 300;
  private static final long HANDSHAKE_TIMEOUT_MS = 300;

  private WsTestServer server;

  @BeforeEach
  void start() {
    server = WsTestServer.start(WsTestServer.chatConfig().authTimeoutMs(AUTH_TIMEOUT_MS),
        WsConfig.loopback().withHandshakeTimeoutMs(HANDSHAKE_TIMEOUT_MS));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void aConnectionThatDoesNotLogInIsClosed1008AfterTheAuthDeadline() throws Exception {
    // Logged in before the other connection even opens: its deadline passes first.
    long beforeOpen = System.nanoTime(); // the server arms the deadline after this
    try (WsTestClient member = WsTestClient.connect(server.port()).register("alice");
        WsTestClient idle = WsTestClient.connect(server.port())) {
      assertEquals(AUTH_TIMEOUT_MS, idle.hello.limits().authTimeoutMs());

      RawWebSocket.Closed closed = idle.awaitClosed(10_000);

      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - beforeOpen);
      assertEquals(CloseCodes.POLICY_VIOLATION, closed.code(), closed.toString());
      assertEquals("authentication timeout", closed.reason());
      assertTrue(elapsedMs >= AUTH_TIMEOUT_MS, "closed too early: " + elapsedMs + " ms");
      // The connection that logged in is past its deadline too, and still served.
      member.ping();
      server.awaitConnectionCount(1);
    }
  }

  @Test
  void pingIsAllowedBeforeLoginButDoesNotExtendTheDeadline() throws Exception {
    try (WsTestClient idle = WsTestClient.connect(server.port())) {
      idle.ping();
      assertEquals(CloseCodes.POLICY_VIOLATION, idle.awaitClosed(10_000).code());
    }
  }

  @Test
  void aSocketThatSendsNothingIsDroppedAfterTheHandshakeTimeout() throws Exception {
    try (Socket socket = new Socket()) {
      long start = System.nanoTime(); // the server accepts after this
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      assertDropped(socket, start);
    }
  }

  @Test
  void aSocketThatNeverFinishesTheUpgradeIsDropped() throws Exception {
    try (Socket socket = new Socket()) {
      long start = System.nanoTime();
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      OutputStream out = socket.getOutputStream();
      // Headers without the blank line that ends them: the request never completes.
      out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      assertDropped(socket, start);
    }
  }

  /**
   * The server ends the connection (EOF or reset) within 10 s, and not before the handshake
   * timeout has passed since {@code start} (taken before connecting).
   */
  private void assertDropped(Socket socket, long start) throws IOException {
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    int read;
    try {
      read = in.read();
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the half-open connection was not dropped within 10 s");
    } catch (SocketException e) {
      read = -1; // reset
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(-1, read, "the server answered instead of dropping the connection");
    assertTrue(elapsedMs >= HANDSHAKE_TIMEOUT_MS, "dropped too early: " + elapsedMs + " ms");
  }
}
