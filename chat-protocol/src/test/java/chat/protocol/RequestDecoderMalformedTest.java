package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each class of malformed request frame gets a {@link DecodeResult.Invalid} (which the server
 * answers with {@code bad_request}) carrying a precise reason and, when the frame's {@code id}
 * could be read, that id as {@code re}. Frames that are not a readable JSON object never echo an
 * id: it cannot be trusted.
 */
class RequestDecoderMalformedTest {

  private final FrameCodec codec = new FrameCodec();

  private DecodeResult.Invalid assertInvalid(String frame, String re, String message) {
    DecodeResult result = codec.decodeRequest(frame);
    DecodeResult.Invalid invalid = assertInstanceOf(DecodeResult.Invalid.class, result, frame);
    assertEquals(new DecodeResult.Invalid(re, message), invalid, frame);
    return invalid;
  }

  private Request assertValid(String frame) {
    DecodeResult result = codec.decodeRequest(frame);
    return assertInstanceOf(DecodeResult.Valid.class, result, frame).request();
  }

  // --- not JSON / not an object -------------------------------------------------------------

  /** Text that is not JSON at all, or JSON only in Gson's lenient dialect, is "not valid JSON". */
  @ParameterizedTest
  @ValueSource(strings = {
      "", "   ", "hello", "{", "}", "{\"type\":\"ping\"", "{\"type\":\"ping\",}",
      "{'type':'ping'}", "{type:\"ping\"}", "{\"type\" \"ping\"}", "{\"type\":\"ping\";}",
      "{\"type\":ping}", "/* c */ {\"type\":\"ping\"}",
      "# c\n{\"type\":\"ping\"}", "{\"type\":\"read\",\"conv\":\"#a\",\"seq\":NaN}",
      "{\"type\":\"read\",\"conv\":\"#a\",\"seq\":Infinity}",
      "{\"type\":\"read\",\"conv\":\"#a\",\"seq\":01}",
      "{\"type\":\"read\",\"conv\":\"#a\",\"seq\":+1}",
      "{\"type\":\"ping\",\"text\":\"\\x41\"}", "{\"type\":\"ping\",\"text\":\"\\u12\"}",
      "\u0000", "{\"type\":\"ping\"\u0000}"})
  void notJson(String frame) {
    assertInvalid(frame, null, "not valid JSON");
  }

  /** A null frame (no text at all) is rejected without an exception. */
  @Test
  void nullFrame() {
    assertInvalid(null, null, "empty frame");
  }

  /** Valid JSON that is not an object: array, string, number, null, boolean. */
  @ParameterizedTest
  @ValueSource(strings = {
      "[]", "[{\"type\":\"ping\",\"id\":\"1\"}]", "\"ping\"", "42", "-1.5e3", "null", "true",
      "false", "  [1, 2]  "})
  void jsonButNotAnObject(String frame) {
    assertInvalid(frame, null, "not a JSON object");
  }

  // --- files ----------------------------------------------------------------------------------

  /** {@code files} is an array of at most 10 strings; the id is still echoed. */
  @Test
  void filesMustBeAShortArrayOfStrings() {
    String send = "{\"type\":\"send\",\"id\":\"5\",\"to\":\"#a\",\"cid\":\"c\",";
    assertInvalid(send + "\"text\":\"\",\"files\":\"f1\"}", "5",
        "files: must be an array of strings");
    assertInvalid(send + "\"text\":\"\",\"files\":[\"f1\",2]}", "5",
        "files: must be an array of strings");
    assertInvalid(send + "\"text\":\"\",\"files\":[[\"f1\"]]}", "5",
        "files: must be an array of strings");
    assertInvalid(send + "\"text\":\"\",\"files\":{\"a\":\"f1\"}}", "5",
        "files: must be an array of strings");
    assertInvalid(send + "\"files\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\","
        + "\"10\",\"11\"]}", "5", "files: at most 10");
    assertInvalid(send + "\"files\":[]}", "5", "text: required");
  }

  /** With files, the text may be left out (it is then empty); without, it stays required. */
  @Test
  void filesMakeTextOptional() {
    assertEquals(new Request.Send("5", "#a", "", "c", null, List.of("f1", "f2")), assertValid(
        "{\"type\":\"send\",\"id\":\"5\",\"to\":\"#a\",\"cid\":\"c\",\"files\":[\"f1\",\"f2\"]}"));
    assertEquals(new Request.Send("5", "#a", "hi", "c"), assertValid(
        "{\"type\":\"send\",\"id\":\"5\",\"to\":\"#a\",\"cid\":\"c\",\"text\":\"hi\","
            + "\"files\":null}"));
  }

  // --- type -----------------------------------------------------------------------------------

  /** No {@code type}, or {@code type} null: the id is still echoed. */
  @Test
  void missingType() {
    assertInvalid("{\"id\":\"3\"}", "3", "type: required");
    assertInvalid("{\"id\":\"3\",\"type\":null}", "3", "type: required");
    assertInvalid("{}", null, "type: required");
  }

  /** {@code type} of another JSON kind than string. */
  @ParameterizedTest
  @ValueSource(strings = {"5", "true", "{}", "[\"ping\"]", "1.5"})
  void typeNotAString(String value) {
    assertInvalid("{\"id\":\"3\",\"type\":" + value + "}", "3", "type: must be a string");
  }

  /** An unknown type is named in the reason (clipped to 40 chars); names are case-sensitive. */
  @Test
  void unknownType() {
    assertInvalid("{\"id\":\"3\",\"type\":\"foo\"}", "3", "type: unknown request type 'foo'");
    assertInvalid("{\"id\":\"3\",\"type\":\"Ping\"}", "3", "type: unknown request type 'Ping'");
    assertInvalid("{\"type\":\"\"}", null, "type: unknown request type ''");
    // Server-only frame types are not requests.
    assertInvalid("{\"id\":\"3\",\"type\":\"ok\"}", "3", "type: unknown request type 'ok'");
    assertInvalid("{\"type\":\"" + "x".repeat(100) + "\"}", null,
        "type: unknown request type '" + "x".repeat(40) + "…'");
  }

  // --- id -------------------------------------------------------------------------------------

  /** An id that is not a string cannot be echoed; re is null. */
  @ParameterizedTest
  @ValueSource(strings = {"5", "true", "{}", "[]", "1.5"})
  void idNotAString(String value) {
    assertInvalid("{\"type\":\"ping\",\"id\":" + value + "}", null, "id: must be a string");
  }

  /** An id of up to 64 chars is fine; 65 is too long and is not echoed. */
  @Test
  void idLongerThanLimit() {
    String longest = "i".repeat(Request.MAX_ID_CHARS);
    assertEquals(new Request.Ping(longest),
        assertValid("{\"type\":\"ping\",\"id\":\"" + longest + "\"}"));

    assertInvalid("{\"type\":\"ping\",\"id\":\"" + longest + "x\"}", null,
        "id: longer than 64 chars");
    // Counted in UTF-16 chars, as the record does: 33 emoji are 66 chars.
    assertInvalid("{\"type\":\"ping\",\"id\":\"" + "\uD83D\uDE00".repeat(33) + "\"}", null,
        "id: longer than 64 chars");
  }

  /** An explicit null id is the same as none. */
  @Test
  void nullIdIsNoId() {
    assertEquals(new Request.Ping(null), assertValid("{\"type\":\"ping\",\"id\":null}"));
  }

  // --- missing required fields ----------------------------------------------------------------

  /** A full frame of each type that has required fields, and those fields. */
  static List<Arguments> requiredFields() {
    Map<String, List<String>> required = Map.of(
        "{\"type\":\"register\",\"id\":\"3\",\"user\":\"alice\",\"password\":\"correct horse\"}",
        List.of("user", "password"),
        "{\"type\":\"login\",\"id\":\"3\",\"user\":\"alice\",\"password\":\"correct horse\"}",
        List.of("user", "password"),
        "{\"type\":\"send\",\"id\":\"3\",\"to\":\"@bob\",\"text\":\"hi\",\"cid\":\"c\"}",
        List.of("to", "text", "cid"),
        "{\"type\":\"create\",\"id\":\"3\",\"room\":\"general\",\"topic\":\"t\",\"private\":true}",
        List.of("room"),
        "{\"type\":\"join\",\"id\":\"3\",\"room\":\"general\"}", List.of("room"),
        "{\"type\":\"leave\",\"id\":\"3\",\"room\":\"general\"}", List.of("room"),
        "{\"type\":\"invite\",\"id\":\"3\",\"room\":\"secret\",\"user\":\"carol\"}",
        List.of("room", "user"),
        "{\"type\":\"kick\",\"id\":\"3\",\"room\":\"secret\",\"user\":\"carol\"}",
        List.of("room", "user"),
        "{\"type\":\"members\",\"id\":\"3\",\"room\":\"general\"}", List.of("room"),
        "{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#general\",\"after\":1,\"limit\":5}",
        List.of("conv"));
    List<Arguments> cases = new ArrayList<>();
    required.forEach((frame, fields) -> fields.forEach(f -> cases.add(Arguments.of(frame, f))));
    String read = "{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#general\",\"seq\":4}";
    cases.add(Arguments.of(read, "seq"));
    cases.add(Arguments.of(read, "conv"));
    cases.add(Arguments.of("{\"type\":\"typing\",\"id\":\"3\",\"conv\":\"@bob\"}", "conv"));
    return cases;
  }

  /** The complete frames of {@link #requiredFields()} are valid: the cases below test one thing. */
  @ParameterizedTest
  @MethodSource("requiredFields")
  void completeFrameIsValid(String frame, String field) {
    assertValid(frame);
  }

  /** Dropping one required field names that field; the id is echoed. */
  @ParameterizedTest
  @MethodSource("requiredFields")
  void missingRequiredField(String frame, String field) {
    JsonObject json = JsonParser.parseString(frame).getAsJsonObject();
    json.remove(field);

    assertInvalid(json.toString(), "3", field + ": required");
  }

  /** A required field given as JSON null counts as missing. */
  @ParameterizedTest
  @MethodSource("requiredFields")
  void requiredFieldNull(String frame, String field) {
    JsonObject json = JsonParser.parseString(frame).getAsJsonObject();
    json.add(field, JsonNull.INSTANCE);

    assertInvalid(json.toString(), "3", field + ": required");
  }

  /** login needs either a token or user and password, and not both. */
  @Test
  void loginCredentialCombinations() {
    assertInvalid("{\"type\":\"login\",\"id\":\"3\"}", "3",
        "login: token, or user and password, is required");
    assertInvalid("{\"type\":\"login\",\"id\":\"3\",\"token\":\"t\",\"user\":\"alice\"}", "3",
        "login: give either token or user and password, not both");
    assertInvalid("{\"type\":\"login\",\"id\":\"3\",\"token\":\"t\",\"password\":\"p\"}", "3",
        "login: give either token or user and password, not both");
    // null stands for absent, so this is a plain token login.
    assertEquals(new Request.TokenLogin("3", "t"),
        assertValid("{\"type\":\"login\",\"id\":\"3\",\"token\":\"t\",\"user\":null}"));
    assertInvalid("{\"type\":\"login\",\"id\":\"3\",\"token\":5}", "3", "token: must be a string");
  }

  /** Optional fields given as null take their defaults. */
  @Test
  void optionalFieldsNullTakeDefaults() {
    assertEquals(new Request.Create("3", "general", "", false), assertValid(
        "{\"type\":\"create\",\"id\":\"3\",\"room\":\"general\",\"topic\":null,\"private\":null}"));
    assertEquals(new Request.History("3", "#g", null, null, null), assertValid(
        "{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"after\":null,\"before\":null,"
            + "\"limit\":null}"));
  }

  // --- wrong field types ----------------------------------------------------------------------

  static List<Arguments> wrongTypes() {
    return List.of(
        // string where a number is expected
        Arguments.of("{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":\"41\"}",
            "seq: must be an integer"),
        Arguments.of("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"limit\":\"5\"}",
            "limit: must be an integer"),
        // number where a string is expected
        Arguments.of("{\"type\":\"join\",\"id\":\"3\",\"room\":5}", "room: must be a string"),
        Arguments.of("{\"type\":\"send\",\"id\":\"3\",\"to\":\"@bob\",\"text\":1,\"cid\":\"c\"}",
            "text: must be a string"),
        // object / array where a string is expected
        Arguments.of("{\"type\":\"join\",\"id\":\"3\",\"room\":{\"name\":\"g\"}}",
            "room: must be a string"),
        Arguments.of("{\"type\":\"typing\",\"id\":\"3\",\"conv\":[\"@bob\"]}",
            "conv: must be a string"),
        Arguments.of("{\"type\":\"register\",\"id\":\"3\",\"user\":\"alice\",\"password\":{}}",
            "password: must be a string"),
        // boolean where a string or number is expected
        Arguments.of("{\"type\":\"send\",\"id\":\"3\",\"to\":\"@bob\",\"text\":\"t\",\"cid\":true}",
            "cid: must be a string"),
        Arguments.of("{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":false}",
            "seq: must be an integer"),
        // string, number or object where a boolean is expected
        Arguments.of("{\"type\":\"create\",\"id\":\"3\",\"room\":\"g\",\"private\":\"true\"}",
            "private: must be true or false"),
        Arguments.of("{\"type\":\"create\",\"id\":\"3\",\"room\":\"g\",\"private\":1}",
            "private: must be true or false"),
        Arguments.of("{\"type\":\"create\",\"id\":\"3\",\"room\":\"g\",\"private\":{}}",
            "private: must be true or false"),
        Arguments.of("{\"type\":\"create\",\"id\":\"3\",\"room\":\"g\",\"topic\":false}",
            "topic: must be a string"),
        // float or exponent where an integer is expected
        Arguments.of("{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":41.0}",
            "seq: must be an integer"),
        Arguments.of("{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":41.5}",
            "seq: must be an integer"),
        Arguments.of("{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":1e2}",
            "seq: must be an integer"),
        Arguments.of("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"after\":-0.5}",
            "after: must be an integer"),
        Arguments.of("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"limit\":5E0}",
            "limit: must be an integer"),
        // integers beyond 64 bits
        Arguments.of("{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":9223372036854775808}",
            "seq: out of range"),
        Arguments.of(
            "{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":-9223372036854775809}",
            "seq: out of range"),
        Arguments.of("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"before\":"
            + "1".repeat(400) + "}", "before: out of range"),
        // limit is an int on the Java side
        Arguments.of("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"limit\":2147483648}",
            "limit: must be a positive integer"));
  }

  /** A field of the wrong JSON kind is named with what it must be; the id is echoed. */
  @ParameterizedTest
  @MethodSource("wrongTypes")
  void wrongFieldType(String frame, String message) {
    assertInvalid(frame, "3", message);
  }

  /** The largest 64-bit values are still in range. */
  @Test
  void longBoundariesAreAccepted() {
    assertEquals(new Request.MarkRead("3", "#g", Long.MAX_VALUE), assertValid(
        "{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":9223372036854775807}"));
    assertEquals(new Request.History("3", "#g", null, null, Integer.MAX_VALUE), assertValid(
        "{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"limit\":2147483647}"));
    // -0 is an integer literal for zero.
    assertEquals(new Request.MarkRead("3", "#g", 0), assertValid(
        "{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":-0}"));
  }

  // --- out-of-range numbers -------------------------------------------------------------------

  /** Negative seqs and non-positive limits are rejected; seq and after may be 0. */
  @Test
  void negativeOrOutOfRangeNumbers() {
    assertInvalid("{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":-1}", "3",
        "seq: must not be negative");
    assertInvalid("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"after\":-1}", "3",
        "after: must not be negative");
    assertInvalid("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"before\":0}", "3",
        "before: must be positive");
    assertInvalid("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"before\":-5}", "3",
        "before: must be positive");
    assertInvalid("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"limit\":0}", "3",
        "limit: must be a positive integer");
    assertInvalid("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"limit\":-1}", "3",
        "limit: must be a positive integer");

    assertEquals(new Request.MarkRead("3", "#g", 0),
        assertValid("{\"type\":\"read\",\"id\":\"3\",\"conv\":\"#g\",\"seq\":0}"));
    assertEquals(new Request.History("3", "#g", 0L, null, 1),
        assertValid("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"after\":0,\"limit\":1}"));
    assertEquals(new Request.History("3", "#g", null, 1L, null),
        assertValid("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"before\":1}"));
  }

  /**
   * A limit above {@code historyMax} is not the codec's business (historyMax is server
   * configuration): it decodes, and the server bounds it.
   */
  @Test
  void limitAboveHistoryMaxIsLeftToTheServer() {
    int above = Limits.DEFAULTS.historyMax() + 1;
    assertEquals(new Request.History("3", "#g", null, null, above), assertValid(
        "{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"limit\":" + above + "}"));
  }

  /** after and before are exclusive. */
  @Test
  void historyAfterAndBeforeTogether() {
    assertInvalid("{\"type\":\"history\",\"id\":\"3\",\"conv\":\"#g\",\"after\":1,\"before\":9}",
        "3", "history: after and before cannot be used together");
  }

  // --- structure: nesting, duplicates, trailing data ------------------------------------------

  private static String nested(int arrays) {
    return "{\"type\":\"ping\",\"id\":\"3\",\"x\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}";
  }

  /**
   * Nesting counts the top-level object: {@link FrameCodec#MAX_NESTING} levels in all are
   * accepted, one more is rejected with a reason naming the limit (under the id read before it).
   */
  @Test
  void nestingDeeperThanLimit() {
    int limit = FrameCodec.MAX_NESTING;
    assertEquals(new Request.Ping("3"), assertValid(nested(limit - 1)));

    assertInvalid(nested(limit), "3", "nesting deeper than " + limit + " levels");
    assertInvalid(nested(10_000), "3", "nesting deeper than " + limit + " levels");
    // Also when the deep value sits in a known field.
    assertInvalid("{\"type\":\"join\",\"room\":" + "{\"a\":".repeat(limit) + "1"
        + "}".repeat(limit + 1), null, "nesting deeper than " + limit + " levels");
  }

  /** A known field given twice is ambiguous and rejected; even a duplicate id is not echoed. */
  @Test
  void duplicateKnownField() {
    assertInvalid("{\"type\":\"ping\",\"type\":\"ping\"}", null, "type: duplicate field");
    assertInvalid("{\"type\":\"ping\",\"id\":\"1\",\"id\":\"2\"}", null, "id: duplicate field");
    assertInvalid("{\"type\":\"join\",\"room\":\"a\",\"room\":\"b\"}", null,
        "room: duplicate field");
    assertInvalid("{\"type\":\"join\",\"room\":null,\"room\":\"b\"}", null,
        "room: duplicate field");
  }

  /** Unknown fields are skipped unread, duplicates included. */
  @Test
  void duplicateUnknownFieldIsIgnored() {
    assertEquals(new Request.Ping("3"),
        assertValid("{\"type\":\"ping\",\"id\":\"3\",\"x\":1,\"x\":{\"y\":[2]}}"));
  }

  /**
   * PROTOCOL.md lets later versions add optional fields, so unknown fields of any kind are ignored.
   */
  @Test
  void extraUnknownFieldsAreIgnored() {
    assertEquals(new Request.Join("3", "general"), assertValid(
        "{\"future\":{\"a\":[1,2,{\"b\":null}]},\"type\":\"join\",\"id\":\"3\","
            + "\"room\":\"general\","
            + "\"flag\":true,\"n\":1.5e300,\"s\":\"x\",\"nothing\":null,\"Type\":\"ping\"}"));
    // A field that belongs to another request type is ignored too.
    assertEquals(new Request.Ping("3"), assertValid(
        "{\"type\":\"ping\",\"id\":\"3\",\"room\":\"general\",\"seq\":\"not a number\"}"));
  }

  /** Anything after the object but whitespace is rejected with its own reason. */
  @ParameterizedTest
  @ValueSource(strings = {" x", "{}", "{\"type\":\"ping\"}", ",", "]", "}", "null", "1", "\"s\"",
      " // comment", "/* c */", "#", "\u0000", "\n\n{"})
  void trailingGarbage(String trailer) {
    assertInvalid("{\"type\":\"ping\",\"id\":\"3\"}" + trailer, null,
        "trailing data after the JSON object");
  }

  /** Whitespace around the object (and a leading byte order mark) is fine. */
  @Test
  void surroundingWhitespaceIsFine() {
    assertEquals(new Request.Ping("3"), assertValid(" \t\r\n{\"type\":\"ping\",\"id\":\"3\"} \n"));
    assertEquals(new Request.Ping("3"), assertValid("\uFEFF{\"type\":\"ping\",\"id\":\"3\"}"));
  }

  // --- strings: control characters, surrogates, length ---------------------------------------

  /**
   * Raw control characters inside strings are not JSON (refused under the request's id, read
   * before them); escaped ones are fine.
   */
  @Test
  void controlCharacters() {
    for (char c : new char[] {'\u0000', '\u0001', '\t', '\n', '\r', '\u001f'}) {
      assertInvalid("{\"type\":\"send\",\"id\":\"3\",\"to\":\"@bob\",\"text\":\"a" + c
          + "b\",\"cid\":\"c\"}", "3", "not valid JSON");
    }
    assertEquals(new Request.Send("3", "@bob", "a\u0000\t\n\u001fb", "c"), assertValid(
        "{\"type\":\"send\",\"id\":\"3\",\"to\":\"@bob\",\"text\":\"a\\u0000\\t\\n\\u001fb\","
            + "\"cid\":\"c\"}"));
    // DEL and C1 controls are legal JSON string content.
    assertEquals(new Request.Send("3", "@bob", "a\u007f\u0085b", "c"), assertValid(
        "{\"type\":\"send\",\"id\":\"3\",\"to\":\"@bob\",\"text\":\"a\u007f\u0085b\","
            + "\"cid\":\"c\"}"));
  }

  /**
   * Lone surrogates, escaped or raw, are rejected, under the request's id when it can be read
   * (before or after the broken string); a proper pair is one character.
   */
  @Test
  void loneSurrogates() {
    for (String text : List.of("\\ud800", "a\\udc00b", "\\ude00\\ud83d", "\ud800", "a\udc00")) {
      assertInvalid("{\"type\":\"send\",\"id\":\"3\",\"to\":\"@bob\",\"text\":\"" + text
          + "\",\"cid\":\"c\"}", "3", "not valid JSON: a string holds half of a surrogate pair");
      assertInvalid("{\"type\":\"send\",\"to\":\"@bob\",\"cid\":\"" + text
          + "\",\"text\":\"hi\",\"id\":\"4\"}", "4",
          "not valid JSON: a string holds half of a surrogate pair");
    }
    assertInvalid("{\"type\":\"send\",\"id\":[\"3\"],\"text\":\"\\ud800\"}", null,
        "not valid JSON: a string holds half of a surrogate pair");
    assertEquals(new Request.Send("3", "@bob", "\uD83D\uDE00\uD83D\uDE00", "c"), assertValid(
        "{\"type\":\"send\",\"id\":\"3\",\"to\":\"@bob\",\"text\":\"\\ud83d\\ude00\uD83D\uDE00\","
            + "\"cid\":\"c\"}"));
  }

  /**
   * The codec has no size limits besides id length and nesting: the frame size is enforced by the
   * transport ({@code maxFrameBytes}, close 1009) and text, cid and password lengths by the
   * server (too_large / bad_request), which know the configured limits. A big frame decodes.
   */
  @Test
  void longStringsAreLeftToTransportAndServer() {
    String text = "x".repeat(200_000);
    String cid = "c".repeat(Names.MAX_CID_CHARS + 1);
    String frame = "{\"type\":\"send\",\"id\":\"3\",\"to\":\"#g\",\"text\":\"" + text
        + "\",\"cid\":\"" + cid + "\",\"pad\":\"" + "p".repeat(200_000) + "\"}";

    assertEquals(new Request.Send("3", "#g", text, cid), assertValid(frame));
  }

  // --- names ----------------------------------------------------------------------------------

  /**
   * The codec passes names through verbatim, neither folded nor checked: the server folds and
   * checks them with {@link Names} and answers bad_request. This pins that split: the decoded
   * names are exactly the frame's, and {@link Names} rejects each of them.
   */
  @Test
  void invalidNamesPassTheCodecVerbatimAndFailNames() {
    Request invite = assertValid(
        "{\"type\":\"invite\",\"id\":\"3\",\"room\":\"no spaces\",\"user\":\"a\"}");
    assertEquals(new Request.Invite("3", "no spaces", "a"), invite);
    assertTrue(!Names.isValidRoom(Names.foldRoom("no spaces")));
    assertTrue(!Names.isValidUser(Names.foldUser("a")));

    Request register = assertValid(
        "{\"type\":\"register\",\"id\":\"3\",\"user\":\"Bad User!\",\"password\":\"p\"}");
    assertEquals(new Request.Register("3", "Bad User!", "p"), register);
    assertTrue(!Names.isValidUser(Names.foldUser("Bad User!")));

    Request create = assertValid("{\"type\":\"create\",\"id\":\"3\",\"room\":\"#General\"}");
    assertEquals(new Request.Create("3", "#General", "", false), create);
    assertEquals("general", Names.foldRoom("#General"));
  }
}
