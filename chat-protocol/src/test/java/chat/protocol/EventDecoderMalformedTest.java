package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client-side decoder reports anything that is not a server frame of this protocol as a
 * {@link MalformedFrameException} (never another exception), so a client can skip it; unknown
 * fields are ignored.
 */
class EventDecoderMalformedTest {

  private final FrameCodec codec = new FrameCodec();

  private MalformedFrameException assertMalformed(String frame) {
    return assertThrows(MalformedFrameException.class, () -> codec.decodeEvent(frame), frame);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "hello", "{'type':'ok'}", "{\"type\":\"ok\",}"})
  void notJson(String frame) {
    assertEquals("not valid JSON", assertMalformed(frame).getMessage());
  }

  /** Gson reads an empty document as JSON null. */
  @Test
  void emptyFrame() {
    assertEquals("not a JSON object", assertMalformed("").getMessage());
    assertEquals("not a JSON object", assertMalformed("  ").getMessage());
  }

  @Test
  void nullFrame() {
    assertEquals("not valid JSON", assertMalformed(null).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"ok\"", "1", "null", "true"})
  void notAnObject(String frame) {
    assertEquals("not a JSON object", assertMalformed(frame).getMessage());
  }

  @Test
  void missingOrNonStringType() {
    assertEquals("type: missing or not a string", assertMalformed("{}").getMessage());
    assertEquals("type: missing or not a string", assertMalformed("{\"type\":1}").getMessage());
  }

  /** A frame type from a later version is reported by name so the client can skip it. */
  @Test
  void unknownType() {
    assertEquals("unknown event type 'reaction'",
        assertMalformed("{\"type\":\"reaction\",\"conv\":\"#g\"}").getMessage());
    // A request type is not a server frame.
    assertEquals("unknown event type 'send'",
        assertMalformed("{\"type\":\"send\",\"to\":\"#g\",\"text\":\"t\",\"cid\":\"c\"}")
            .getMessage());
  }

  @Test
  void missingField() {
    assertEquals("from: missing or not a string", assertMalformed(
        "{\"type\":\"message\",\"conv\":\"#g\",\"seq\":1,\"text\":\"t\",\"ts\":1,\"cid\":\"c\"}")
        .getMessage());
    assertTrue(assertMalformed("{\"type\":\"read\",\"conv\":\"#g\",\"user\":\"a\"}")
        .getMessage().startsWith("malformed read frame"));
    assertTrue(assertMalformed(
        "{\"type\":\"hello\",\"protocol\":1,\"server\":\"s\",\"epoch\":\"e\"}")
        .getMessage().startsWith("malformed hello frame"));
  }

  @Test
  void wrongFieldType() {
    assertTrue(assertMalformed("{\"type\":\"presence\",\"user\":\"a\",\"online\":{}}")
        .getMessage().startsWith("malformed presence frame"));
    assertTrue(assertMalformed("{\"type\":\"read\",\"conv\":\"#g\",\"user\":\"a\",\"seq\":{}}")
        .getMessage().startsWith("malformed read frame"));
    assertEquals("user: missing or not a string",
        assertMalformed("{\"type\":\"typing\",\"conv\":\"#g\",\"user\":5}").getMessage());
    assertTrue(assertMalformed("{\"type\":\"ok\",\"re\":\"1\",\"messages\":{},\"conv\":\"#g\"}")
        .getMessage().startsWith("malformed ok frame"));
  }

  @Test
  void nestingDeeperThanLimit() {
    int limit = FrameCodec.MAX_NESTING;
    String frame = "{\"type\":\"presence\",\"user\":\"a\",\"online\":true,\"x\":"
        + "[".repeat(limit) + "]".repeat(limit) + "}";
    assertEquals("not valid JSON", assertMalformed(frame).getMessage());
  }

  /** Lenient JSON is not accepted from the server either. */
  @Test
  void strictJson() {
    assertMalformed("{\"type\":\"presence\",\"user\":\"a\",\"online\":true,\"n\":NaN}");
    assertMalformed("{\"type\":\"presence\",\"user\":'a',\"online\":true}");
  }

  /** Fields added by later protocol versions do not disturb the client. */
  @Test
  void unknownFieldsAreIgnored() {
    assertEquals(new Event.Presence("bob", true), codec.decodeEvent(
        "{\"type\":\"presence\",\"user\":\"bob\",\"online\":true,\"since\":5,\"x\":{\"y\":[]}}"));
    assertEquals(new Event.Ok("1", Result.EMPTY),
        codec.decodeEvent("{\"type\":\"ok\",\"re\":\"1\",\"future\":true}"));
  }
}
