package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.CloseCodes;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.FrameCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the transport does with frames a normal client would never send: binary closes 1003,
 * invalid UTF-8 closes 1007, a message over {@code maxFrameBytes} closes 1009 whether it comes in
 * one frame or in fragments that are each under the limit, and a message exactly at the limit is
 * served.
 */
class FrameRulesTest {
  private static final int LIMIT = 8_192;
  private static final FrameCodec CODEC = new FrameCodec();
  private static WsTestServer server;
  private RawWebSocket ws;

  @BeforeAll
  static void startServer() {
    server = WsTestServer.start(WsTestServer.chatConfig().maxFrameBytes(LIMIT),
        WsConfig.loopback());
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void connect() throws IOException {
    ws = RawWebSocket.connect(server.port());
    assertInstanceOf(Event.Hello.class, CODEC.decodeEvent(ws.readText()));
  }

  @AfterEach
  void disconnect() {
    ws.close();
  }

  private RawWebSocket.Closed closed() throws IOException {
    return ws.awaitClose(10_000);
  }

  /** A ping request padded with JSON whitespace to exactly {@code size} UTF-8 bytes. */
  private static byte[] paddedPing(String id, int size) {
    String head = "{\"type\":\"ping\",\"id\":\"" + id + "\"";
    return (head + " ".repeat(size - head.length() - 1) + "}").getBytes(StandardCharsets.UTF_8);
  }

  private void assertPingAnswered(String id) throws IOException {
    Event reply = CODEC.decodeEvent(ws.readText());
    Event.Ok ok = assertInstanceOf(Event.Ok.class, reply);
    assertEquals(id, ok.re());
  }

  // ---- 1003 ----

  @Test
  void aBinaryFrameCloses1003() throws IOException {
    ws.sendFrame(true, RawWebSocket.BINARY, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(CloseCodes.UNSUPPORTED_DATA, closed().code());
  }

  @Test
  void aFragmentedBinaryMessageCloses1003() throws IOException {
    ws.sendFragmented(RawWebSocket.BINARY, new byte[300], 100, 100, 100);
    assertEquals(CloseCodes.UNSUPPORTED_DATA, closed().code());
  }

  // ---- 1007 ----

  @ParameterizedTest
  @ValueSource(strings = {
      "c328", // a two-byte lead followed by ASCII
      "c0af", // overlong encoding of '/'
      "eda080", // a UTF-16 surrogate encoded in UTF-8
      "f4908080", // above U+10FFFF
      "ff", // never valid
      "80", // a lone continuation byte
  })
  void invalidUtf8InATextFrameCloses1007(String hex) throws IOException {
    ws.sendFrame(true, RawWebSocket.TEXT, pingAround(hex));
    assertEquals(CloseCodes.INVALID_PAYLOAD, closed().code());
  }

  @Test
  void invalidUtf8InALaterFragmentCloses1007() throws IOException {
    byte[] message = pingAround("c328");
    ws.sendFragmented(RawWebSocket.TEXT, message, 10, message.length - 10);
    assertEquals(CloseCodes.INVALID_PAYLOAD, closed().code());
  }

  @Test
  void aMessageEndingInAnIncompleteCharacterCloses1007() throws IOException {
    // A whole ping, then the first two of the three bytes of '\u20ac' in a last fragment.
    byte[] ping = "{\"type\":\"ping\",\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    byte[] message = Arrays.copyOf(ping, ping.length + 2);
    message[ping.length] = (byte) 0xE2;
    message[ping.length + 1] = (byte) 0x82;
    ws.sendFragmented(RawWebSocket.TEXT, message, ping.length, 2);
    assertEquals(CloseCodes.INVALID_PAYLOAD, closed().code());
  }

  @Test
  void aCharacterSplitAcrossFragmentsIsValid() throws IOException {
    byte[] message = "{\"type\":\"ping\",\"id\":\"\u20ac\"}".getBytes(StandardCharsets.UTF_8);
    int euro = new String(message, StandardCharsets.ISO_8859_1).indexOf('\u00e2'); // 0xE2
    ws.sendFragmented(RawWebSocket.TEXT, message, euro + 1, 1, message.length - euro - 2);
    assertPingAnswered("\u20ac");
  }

  /** {@code {"type":"ping","id":"<bytes>"}} with raw bytes given in hex. */
  private static byte[] pingAround(String hex) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("{\"type\":\"ping\",\"id\":\"".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < hex.length(); i += 2) {
      out.write(Integer.parseInt(hex.substring(i, i + 2), 16));
    }
    out.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  // ---- 1009 ----

  @Test
  void aSingleFrameOverTheLimitCloses1009() throws IOException {
    ws.sendFrame(true, RawWebSocket.TEXT, paddedPing("big", LIMIT + 1));
    assertEquals(CloseCodes.TOO_BIG, closed().code());
  }

  @Test
  void fragmentsEachUnderTheLimitThatSumOverItClose1009() throws IOException {
    byte[] message = paddedPing("sum", 3 * 4_000); // 12,000 bytes in 4,000-byte fragments
    ws.sendFragmented(RawWebSocket.TEXT, message, 4_000, 4_000, 4_000);
    assertEquals(CloseCodes.TOO_BIG, closed().code());
  }

  /**
   * The library itself checks the total only at the final fragment; a message that never ends
   * must be cut as soon as it passes the limit, or a client could grow it without bound.
   */
  @Test
  void anUnfinishedMessageIsClosed1009AsSoonAsItPassesTheLimit() throws IOException {
    byte[] chunk = " ".repeat(1_000).getBytes(StandardCharsets.UTF_8);
    ws.sendFrame(false, RawWebSocket.TEXT, "{\"type\":\"ping\"".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 9; i++) { // 9,000+ bytes, no final fragment
      ws.sendFrame(false, RawWebSocket.CONTINUATION, chunk);
    }
    assertEquals(CloseCodes.TOO_BIG, closed().code());
  }

  @Test
  void manySmallUnfinishedFragmentsOverTheLimitClose1009() throws IOException {
    byte[] chunk = new byte[100];
    Arrays.fill(chunk, (byte) ' ');
    ws.sendFrame(false, RawWebSocket.TEXT, chunk);
    // Stop at the fragment that passes the limit: the server closes there, and writing on
    // into a closed socket would end in a reset that can swallow its close frame.
    for (int sent = chunk.length; sent <= LIMIT; sent += chunk.length) {
      ws.sendFrame(false, RawWebSocket.CONTINUATION, chunk);
    }
    assertEquals(CloseCodes.TOO_BIG, closed().code());
  }

  @Test
  void anUnfinishedBinaryMessageOverTheLimitClosesToo() throws IOException {
    ws.sendFrame(false, RawWebSocket.BINARY, new byte[5_000]);
    ws.sendFrame(false, RawWebSocket.CONTINUATION, new byte[5_000]);
    assertEquals(CloseCodes.TOO_BIG, closed().code());
  }

  @Test
  void aMessageExactlyAtTheLimitIsServed() throws IOException {
    ws.sendFrame(true, RawWebSocket.TEXT, paddedPing("edge", LIMIT));
    assertPingAnswered("edge");
  }

  @Test
  void aFragmentedMessageExactlyAtTheLimitIsServed() throws IOException {
    byte[] message = paddedPing("edge2", LIMIT);
    ws.sendFrame(false, RawWebSocket.TEXT, Arrays.copyOfRange(message, 0, 4_000));
    // A control frame between fragments does not count towards the message.
    ws.sendFrame(true, RawWebSocket.PING, new byte[125]);
    ws.sendFrame(true, RawWebSocket.CONTINUATION,
        Arrays.copyOfRange(message, 4_000, LIMIT));
    assertPingAnswered("edge2");
  }

  @Test
  void theCountStartsAgainForEachMessage() throws IOException {
    // Two fragmented messages of 6,000 bytes: together over the limit, each under it.
    for (String id : new String[] {"m1", "m2"}) {
      ws.sendFragmented(RawWebSocket.TEXT, paddedPing(id, 6_000), 3_000, 3_000);
      assertPingAnswered(id);
    }
  }

  // ---- a bad text frame is not a close ----

  @Test
  void aFrameThatIsNotJsonGetsAnErrorAndTheConnectionStaysOpen() throws IOException {
    ws.sendText("this is not json");
    Event.Error error = assertInstanceOf(Event.Error.class, CODEC.decodeEvent(ws.readText()));
    assertEquals(ErrorCode.BAD_REQUEST, error.code());
    ws.sendText("{\"type\":\"ping\",\"id\":\"after\"}");
    assertPingAnswered("after");
    assertTrue(server.transport().connectionCount() >= 1);
  }
}
