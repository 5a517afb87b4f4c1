package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every server frame survives the trip the server and the SDK give it: {@link
 * FrameCodec#encode(Event)} on the server, {@link FrameCodec#decodeEvent} on the client, including
 * an {@code ok} carrying each kind of {@link Result}.
 */
class EventRoundTripTest {

  private final FrameCodec codec = new FrameCodec();

  static List<Event> events() {
    return Samples.events();
  }

  /** encode then decode gives back an equal record. */
  @ParameterizedTest
  @MethodSource("events")
  void encodedEventDecodesToAnEqualRecord(Event event) {
    String frame = codec.encode(event);

    assertEquals(event, codec.decodeEvent(frame), frame);
  }

  /** The frame is a single JSON object whose {@code type} is the record's wire type. */
  @ParameterizedTest
  @MethodSource("events")
  void encodedEventCarriesItsType(Event event) {
    JsonObject json = JsonParser.parseString(codec.encode(event)).getAsJsonObject();

    assertEquals(event.type(), json.get("type").getAsString());
  }

  /** Replies always carry {@code re}, as null when the request had no readable id. */
  @Test
  void repliesAlwaysCarryRe() {
    JsonObject ok = JsonParser.parseString(codec.encode(new Event.Ok(null, Result.EMPTY)))
        .getAsJsonObject();
    JsonObject error = JsonParser.parseString(
        codec.encode(new Event.Error(null, ErrorCode.BAD_REQUEST, "x"))).getAsJsonObject();

    assertTrue(ok.has("re") && ok.get("re").isJsonNull(), ok.toString());
    assertTrue(error.has("re") && error.get("re").isJsonNull(), error.toString());
  }

  /** Only rate_limited errors carry retryAfterMs; others leave the field out. */
  @Test
  void retryAfterMsOnlyWhenSet() {
    JsonObject plain = JsonParser.parseString(
        codec.encode(new Event.Error("1", ErrorCode.FORBIDDEN, "no"))).getAsJsonObject();
    JsonObject limited = JsonParser.parseString(
        codec.encode(new Event.Error("1", ErrorCode.RATE_LIMITED, "slow", 1500L)))
        .getAsJsonObject();

    assertTrue(!plain.has("retryAfterMs"), plain.toString());
    assertEquals(1500L, limited.get("retryAfterMs").getAsLong());
  }

  /** A history page's messages are full message objects, {@code type} included. */
  @Test
  void historyMessagesAreMessageObjects() {
    Event ok = new Event.Ok("11", new Result.History("#general", Samples.messages(), true));
    JsonObject json = JsonParser.parseString(codec.encode(ok)).getAsJsonObject();

    json.getAsJsonArray("messages").forEach(m ->
        assertEquals("message", m.getAsJsonObject().get("type").getAsString()));
  }

  /** The samples cover every permitted subtype of {@link Event}: a new type needs a sample. */
  @Test
  void everyEventTypeHasASample() {
    Set<String> missing = Samples.missingEventTypes(Samples.events());

    assertTrue(missing.isEmpty(), "event types without a round-trip sample: " + missing);
  }

  /** Some {@code ok} sample carries every permitted subtype of {@link Result}. */
  @Test
  void everyResultTypeHasASample() {
    Set<String> missing = Samples.missingResultTypes(Samples.events());

    assertTrue(missing.isEmpty(), "result types without a round-trip sample: " + missing);
  }
}
