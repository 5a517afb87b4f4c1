package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Every way a Writer can be written to lands the same characters, offsets as Writer defines. */
class TextOutTest {
  @Test
  void eachWriteAppendsWhatWriterSays() {
    TextOut out = new TextOut(2); // smaller than the text: it grows
    out.write('a');
    out.write("xbcx".toCharArray(), 1, 2); // offset, length
    out.write("de");
    out.write("xxfgx", 2, 2); // offset, length
    out.append("hi").append("xjkx", 1, 3).append('l'); // start, end
    out.flush();
    out.close();
    assertEquals("abcdefghijkl", out.toString());
  }

  @Test
  void eventsEncodeBeyondTheStartingCapacity() {
    String text = "é€😀\"\\\n".repeat(200);
    Event.Message m = new Event.Message("@bob", 7, "alice", text, 1_700_000_000_000L, "c1");
    FrameCodec codec = new FrameCodec();
    Event back = codec.decodeEvent(codec.encode(m));
    assertEquals(text, ((Event.Message) back).text());
  }
}
