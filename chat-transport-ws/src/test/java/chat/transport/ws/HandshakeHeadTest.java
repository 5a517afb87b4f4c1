package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HandshakeHeadTest {
  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aHeadWhoseBlankLineIsSplitAcrossReadsIsFoundWithWhatFollows() {
    HandshakeHead head = new HandshakeHead(1024);
    assertEquals(HandshakeHead.State.INCOMPLETE, head.append(bytes("GET /ws HTTP/1.1\r\nA: b\r")));
    assertEquals(HandshakeHead.State.INCOMPLETE, head.append(bytes("\n\r")));
    assertEquals(HandshakeHead.State.COMPLETE, head.append(bytes("\nFRAME")));
    ByteBuffer all = head.take();
    assertEquals("GET /ws HTTP/1.1\r\nA: b\r\n\r\nFRAME",
        StandardCharsets.US_ASCII.decode(all).toString());
  }

  @Test
  void bareLineFeedsOrAStrayReturnDoNotEndTheHead() {
    HandshakeHead head = new HandshakeHead(1024);
    assertEquals(HandshakeHead.State.INCOMPLETE, head.append(bytes("GET / HTTP/1.1\n\n\r\r\n")));
    assertEquals(HandshakeHead.State.COMPLETE, head.append(bytes("\r\n")));
  }

  @Test
  void aHeadOverTheCapIsTooLargeOnlyPastTheCap() {
    HandshakeHead exact = new HandshakeHead(20);
    assertEquals(HandshakeHead.State.COMPLETE,
        exact.append(bytes("GET / HTTP/1.1\r\nX\r\n\r\n".substring(0, 16) + "\r\n\r\n")));
    HandshakeHead head = new HandshakeHead(20);
    assertEquals(HandshakeHead.State.INCOMPLETE, head.append(bytes("GET / HTTP/1.1\r\n")));
    assertEquals(HandshakeHead.State.TOO_LARGE, head.append(bytes("X-Pad: aaaaaaaa\r\n\r\n")));
  }
}
