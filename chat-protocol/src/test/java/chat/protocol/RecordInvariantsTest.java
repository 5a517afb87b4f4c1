package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shape checks of the frame records themselves. */
class RecordInvariantsTest {

  /** An id longer than 64 chars cannot be built, so the encoder cannot send one. */
  @Test
  void requestIdLength() {
    String longest = "i".repeat(Request.MAX_ID_CHARS);
    assertEquals(longest, new Request.Ping(longest).id());
    assertThrows(IllegalArgumentException.class, () -> new Request.Ping(longest + "x"));
    assertThrows(IllegalArgumentException.class,
        () -> new Request.Send(longest + "x", "@bob", "hi", "c"));
  }

  /** Required fields are required. */
  @Test
  void requiredFieldsRejectNull() {
    assertThrows(NullPointerException.class, () -> new Request.Send("1", null, "t", "c"));
    assertThrows(NullPointerException.class, () -> new Request.Login("1", "u", null));
    assertThrows(NullPointerException.class, () -> new Request.TokenLogin("1", null));
    assertThrows(NullPointerException.class, () -> new Event.Ok("1", null));
    assertThrows(NullPointerException.class, () -> new Event.Error("1", null, "m"));
    assertThrows(NullPointerException.class, () -> new DecodeResult.Valid(null));
    assertThrows(NullPointerException.class, () -> new DecodeResult.Invalid("1", null));
  }

  /** after and before cannot both be set on a history request. */
  @Test
  void historyAfterBeforeExclusive() {
    assertThrows(IllegalArgumentException.class,
        () -> new Request.History("1", "#g", 1L, 2L, null));
  }

  /** A create without a topic has the empty topic, so it encodes and decodes the same. */
  @Test
  void createTopicDefaultsToEmpty() {
    assertEquals("", new Request.Create("1", "g", null, false).topic());
    assertEquals(
        new Request.Create("1", "g", "", false), new Request.Create("1", "g", null, false));
  }

  /** The lists of results are immutable copies. */
  @Test
  void resultListsAreCopied() {
    List<Result.MemberInfo> members = new ArrayList<>();
    members.add(new Result.MemberInfo("alice", "owner", true));
    Result.Members result = new Result.Members(members);
    members.clear();

    assertEquals(1, result.members().size());
    assertThrows(UnsupportedOperationException.class, () -> result.members().clear());
  }

  /** Encoding a request is independent of which Java object carries it (equal records). */
  @Test
  void equalRequestsEncodeEqually() {
    FrameCodec codec = new FrameCodec();
    assertEquals(codec.encode(new Request.History("1", "#g", null, 5L, 10)),
        codec.encode(new Request.History("1", "#g", null, 5L, 10)));
  }
}
