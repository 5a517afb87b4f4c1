package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Event;
import chat.protocol.FrameCodec;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP upgrade: only {@code /ws} is a WebSocket, a present Origin must be exactly on the
 * allow-list (no prefix, suffix, port or scheme look-alikes), an absent one is fine, and
 * permessage-deflate is never negotiated.
 */
class HandshakeTest {
  private static final Set<String> ALLOWED = Set.of("http://localhost:8080",
      "https://chat.example.org");

  private WsTestServer server;

  @BeforeEach
  void start() {
    server = WsTestServer.start(WsTestServer.chatConfig(),
        WsConfig.loopback().withAllowedOrigins(ALLOWED));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** Upgrades with the given Origin (null: none) and reports whether the server said 101. */
  private boolean upgrades(String path, String origin) throws Exception {
    RawWebSocket.Builder b = RawWebSocket.to(server.port()).path(path);
    if (origin != null) {
      b.header("Origin", origin);
    }
    try (RawWebSocket ws = b.open()) {
      if (ws.upgraded()) {
        // A working connection: the hello arrives.
        Event hello = new FrameCodec().decodeEvent(ws.readText());
        assertTrue(hello instanceof Event.Hello, "first frame " + hello);
        return true;
      }
      assertNotEquals(101, ws.status());
      // Refused: no WebSocket, and the server ends the connection.
      assertTrue(ws.awaitEndOfStream(5_000), "refused connection left open");
      return false;
    }
  }

  @Test
  void theWsPathIsAccepted() throws Exception {
    assertTrue(upgrades("/ws", null));
  }

  @Test
  void aQueryStringOnTheWsPathIsAccepted() throws Exception {
    assertTrue(upgrades("/ws?client=test", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/wss", "/ws/", "/ws/x", "/api/ws", "/WS", "/other"})
  void otherPathsAreRefused(String path) throws Exception {
    assertFalse(upgrades(path, null), path);
  }

  @Test
  void aRefusedHandshakeGetsAnHttpErrorNot101() throws Exception {
    try (RawWebSocket ws = RawWebSocket.to(server.port()).path("/ws")
        .header("Origin", "http://evil.com").open()) {
      assertTrue(ws.status() >= 400, "status line: " + ws.statusLine());
      assertEquals(0, server.transport().connectionCount());
    }
  }

  @Test
  void noOriginIsAccepted() throws Exception {
    assertTrue(upgrades("/ws", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://localhost:8080",
      "https://chat.example.org",
      "HTTP://LOCALHOST:8080", // scheme and host are case-insensitive
      "https://chat.example.org:443", // the default port is the same origin
  })
  void allowedOriginsAreAccepted(String origin) throws Exception {
    assertTrue(upgrades("/ws", origin), origin);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://evil.com",
      "http://localhost:8080.evil.com", // suffix look-alike
      "http://evil.com/http://localhost:8080", // allowed origin in the path
      "http://evil.localhost:8080", // prefix look-alike
      "http://localhost:8081", // different port
      "http://localhost", // no port (80) is not 8080
      "https://localhost:8080", // different scheme
      "http://chat.example.org", // http is not https
      "https://chat.example.org:8443",
      "https://chat.example.org.evil.test",
      "https://evil-chat.example.org",
      "http://user@localhost:8080", // user info
      "http://localhost:8080/", // a path: browsers never send one
      "http://localhost:8080?x=1",
      "null", // sandboxed iframes and file: pages
      "",
      "localhost:8080",
      "ws://localhost:8080",
  })
  void otherOriginsAreRefused(String origin) throws Exception {
    assertFalse(upgrades("/ws", origin), origin);
    assertEquals(0, server.transport().connectionCount());
  }

  @Test
  void permessageDeflateIsNotNegotiated() throws Exception {
    try (RawWebSocket ws = RawWebSocket.to(server.port())
        .header("Sec-WebSocket-Extensions",
            "permessage-deflate; client_max_window_bits, x-webkit-deflate-frame")
        .open()) {
      assertTrue(ws.upgraded(), ws.statusLine());
      assertNull(ws.responseHeader("Sec-WebSocket-Extensions"),
          "the server negotiated an extension");
      RawWebSocket.Frame hello = ws.readFrame();
      assertEquals(RawWebSocket.TEXT, hello.opcode());
      assertEquals(0, hello.rsv(), "RSV bits set: the frame is compressed");
      assertTrue(new FrameCodec().decodeEvent(hello.text()) instanceof Event.Hello);
    }
  }

  /** The accept header is checked by {@link RawWebSocket}; this pins the RFC 6455 example. */
  @Test
  void acceptKeyFollowsRfc6455() {
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        RawWebSocket.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
  }
}
