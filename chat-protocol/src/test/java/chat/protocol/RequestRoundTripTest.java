package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every client request survives the trip the SDK and the server give it: {@link
 * FrameCodec#encode(Request)} on the client, {@link FrameCodec#decodeRequest} on the server.
 */
class RequestRoundTripTest {

  private final FrameCodec codec = new FrameCodec();

  static List<Request> requests() {
    return Samples.requests();
  }

  /** encode then decode gives back an equal record, for every sample of every request type. */
  @ParameterizedTest
  @MethodSource("requests")
  void encodedRequestDecodesToAnEqualRecord(Request request) {
    String frame = codec.encode(request);

    DecodeResult result = codec.decodeRequest(frame);

    DecodeResult.Valid valid = assertInstanceOf(DecodeResult.Valid.class, result, frame);
    assertEquals(request, valid.request(), frame);
  }

  /** The frame is one JSON object whose {@code type} and {@code id} are the record's. */
  @ParameterizedTest
  @MethodSource("requests")
  void encodedRequestCarriesTypeAndIdOnTheWire(Request request) {
    JsonObject json = JsonParser.parseString(codec.encode(request)).getAsJsonObject();

    assertEquals(request.type(), json.get("type").getAsString());
    if (request.id() == null) {
      assertFalse(json.has("id"), "a null id is left out, not sent as null");
    } else {
      assertEquals(request.id(), json.get("id").getAsString());
    }
  }

  /** The samples cover every permitted subtype of {@link Request}: a new type needs a sample. */
  @Test
  void everyRequestTypeHasASample() {
    Set<String> missing = Samples.missingRequestTypes(Samples.requests());

    assertTrue(missing.isEmpty(), "request types without a round-trip sample: " + missing);
  }

  /** {@code type()} is the wire name of PROTOCOL.md for every request record. */
  @Test
  void wireTypeNamesAreThoseOfTheProtocol() {
    Set<String> protocolTypes = Set.of("register", "login", "logout", "send", "create", "join",
        "leave", "invite", "kick", "rooms", "members", "conversations", "history", "read",
        "typing", "ping",
        // second round
        "password", "delete_account", "block", "unblock", "blocked", "ban", "unban", "role",
        "topic", "delete_room",
        // our addition: the banned list
        "bans",
        "edit", "delete", "react", "updates", "search");
    for (Request request : Samples.requests()) {
      assertTrue(protocolTypes.contains(request.type()), request + " has type " + request.type());
    }
  }
}
