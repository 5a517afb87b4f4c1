package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples of PROTOCOL.md v1, copied here as text, decode to the expected records, and the
 * encoders produce the same JSON (same fields and values; field order aside). A change to the
 * codec that drifts from the document fails here.
 *
 * <p>The examples are copied verbatim except where the document shows a placeholder that is not
 * JSON: {@code <ms since epoch>} and {@code <server ms>} become numbers, {@code "a"|"b"} becomes
 * one fixture per alternative, {@code <message objects>} becomes the document's message example,
 * and {@code -> ok {...}} shorthand becomes a full {@code {"type":"ok","re":"<id>",...}} frame.
 * String placeholders such as {@code "<token>"} are valid JSON strings and are kept as they are.
 */
class ProtocolDocExamplesTest {

  private final FrameCodec codec = new FrameCodec();

  /** One example of the document and the record it stands for. */
  record Fixture(String json, Object expected) {
    @Override public String toString() {
      return json.replaceAll("\\s+", " ");
    }
  }

  static final String MESSAGE_EXAMPLE = """
      {"type":"message","conv":"#general","seq":12,"from":"alice","text":"hi",
       "ts":1732400000123,"cid":"<client id>"}""";

  static List<Fixture> requestExamples() {
    return List.of(
        new Fixture("""
            {"type":"register","id":"1","user":"alice","password":"correct horse"}""",
            new Request.Register("1", "alice", "correct horse")),
        new Fixture("""
            {"type":"login","id":"1","user":"alice","password":"correct horse"}""",
            new Request.Login("1", "alice", "correct horse")),
        new Fixture("""
            {"type":"login","id":"1","token":"<token>"}""",
            new Request.TokenLogin("1", "<token>")),
        new Fixture("""
            {"type":"logout","id":"9"}""",
            new Request.Logout("9")),
        new Fixture("""
            {"type":"send","id":"7","to":"@bob","text":"hi","cid":"<client id>"}""",
            new Request.Send("7", "@bob", "hi", "<client id>")),
        new Fixture("""
            {"type":"send","id":"7","to":"#general","text":"hi","cid":"<client id>"}""",
            new Request.Send("7", "#general", "hi", "<client id>")),
        new Fixture("""
            {"type":"create","id":"2","room":"general","topic":"Anything","private":false}""",
            new Request.Create("2", "general", "Anything", false)),
        new Fixture("""
            {"type":"join","id":"3","room":"general"}""",
            new Request.Join("3", "general")),
        new Fixture("""
            {"type":"leave","id":"4","room":"general"}""",
            new Request.Leave("4", "general")),
        new Fixture("""
            {"type":"invite","id":"5","room":"secret","user":"carol"}""",
            new Request.Invite("5", "secret", "carol")),
        new Fixture("""
            {"type":"kick","id":"6","room":"secret","user":"carol"}""",
            new Request.Kick("6", "secret", "carol")),
        new Fixture("""
            {"type":"rooms","id":"8"}""",
            new Request.ListRooms("8")),
        new Fixture("""
            {"type":"members","id":"9","room":"general"}""",
            new Request.Members("9", "general")),
        new Fixture("""
            {"type":"conversations","id":"10"}""",
            new Request.ListConversations("10")),
        new Fixture("""
            {"type":"history","id":"11","conv":"#general","after":39,"limit":50}""",
            new Request.History("11", "#general", 39L, null, 50)),
        new Fixture("""
            {"type":"history","id":"11","conv":"#general","before":20,"limit":50}""",
            new Request.History("11", "#general", null, 20L, 50)),
        new Fixture("""
            {"type":"history","id":"11","conv":"#general"}""",
            new Request.History("11", "#general", null, null, null)),
        new Fixture("""
            {"type":"read","conv":"#general","seq":41}""",
            new Request.MarkRead(null, "#general", 41)),
        new Fixture("""
            {"type":"typing","conv":"@bob"}""",
            new Request.Typing(null, "@bob")),
        // Additions of the second round: safety, account, room directory.
        new Fixture("""
            {"type":"block","id":"6","user":"mallory"}""",
            new Request.Block("6", "mallory")),
        new Fixture("""
            {"type":"unblock","id":"6","user":"mallory"}""",
            new Request.Unblock("6", "mallory")),
        new Fixture("""
            {"type":"blocked","id":"7"}""",
            new Request.ListBlocked("7")),
        new Fixture("""
            {"type":"ban","id":"8","room":"general","user":"mallory"}""",
            new Request.Ban("8", "general", "mallory")),
        new Fixture("""
            {"type":"unban","id":"8","room":"general","user":"mallory"}""",
            new Request.Unban("8", "general", "mallory")),
        new Fixture("""
            {"type":"bans","id":"8","room":"general"}""",
            new Request.ListBans("8", "general")),
        new Fixture("""
            {"type":"role","id":"9","room":"general","user":"bob","role":"moderator"}""",
            new Request.SetRole("9", "general", "bob", "moderator")),
        new Fixture("""
            {"type":"topic","id":"10","room":"general","topic":"…"}""",
            new Request.SetTopic("10", "general", "…")),
        new Fixture("""
            {"type":"delete_room","id":"11","room":"general"}""",
            new Request.DeleteRoom("11", "general")),
        new Fixture("""
            {"type":"password","id":"12","old":"…","new":"…"}""",
            new Request.ChangePassword("12", "…", "…")),
        new Fixture("""
            {"type":"logout","id":"13","all":true}""",
            new Request.Logout("13", true)),
        new Fixture("""
            {"type":"delete_account","id":"14","password":"…"}""",
            new Request.DeleteAccount("14", "…")),
        new Fixture("""
            {"type":"rooms","id":"8","query":"gen","after":"#games","limit":50}""",
            new Request.ListRooms("8", "gen", "#games", 50)),
        // Changing messages.
        new Fixture("""
            {"type":"edit","id":"1","conv":"@bob","seq":12,"text":"fixed typo"}""",
            new Request.Edit("1", "@bob", 12, "fixed typo")),
        new Fixture("""
            {"type":"delete","id":"2","conv":"#general","seq":12}""",
            new Request.DeleteMessage("2", "#general", 12)),
        new Fixture("""
            {"type":"react","id":"3","conv":"#general","seq":12,"emoji":"👍","on":true}""",
            new Request.React("3", "#general", 12, "👍", true)),
        new Fixture("""
            {"type":"updates","id":"4","conv":"#general","afterRev":3,"limit":200}""",
            new Request.Updates("4", "#general", 3, 200)),
        new Fixture("""
            {"type":"search","id":"5","query":"release notes","conv":"#general","limit":20,"before":"<cursor>"}""",
            new Request.Search("5", "release notes", "#general", 20, "<cursor>")),
        new Fixture("""
            {"type":"send","id":"7","to":"#general","text":"hi","cid":"<client id>","replyTo":12}""",
            new Request.Send("7", "#general", "hi", "<client id>", 12L)),
        new Fixture("""
            {"type":"send","id":"7","to":"#general","text":"","cid":"<client id>",
             "files":["<id>","<id 2>"]}""",
            new Request.Send("7", "#general", "", "<client id>", null,
                List.of("<id>", "<id 2>"))),
        new Fixture("""
            {"type":"ping","id":"12"}""",
            new Request.Ping("12")));
  }

  static List<Fixture> serverExamples() {
    Event.Message message =
        new Event.Message("#general", 12, "alice", "hi", 1_732_400_000_123L, "<client id>");
    List<Fixture> fixtures = new ArrayList<>(List.of(
        new Fixture("""
            {"type":"hello","protocol":1,"server":"<name>/<version>","epoch":"<store id>",
             "limits":{"maxFrameBytes":65536,"maxTextChars":4000,"historyMax":200,
                       "sendPerSecond":10,"sendBurst":30,"authTimeoutMs":10000,
                       "requestsPerSecond":50,"requestBurst":100,"maxUploadBytes":10485760},
             "features":["block","moderation","account"]}""",
            new Event.Hello(1, "<name>/<version>", "<store id>",
                new Limits(65536, 4000, 200, 10, 30, 10000),
                List.of("block", "moderation", "account"))),
        new Fixture("""
            {"type":"error","re":"<id>","code":"bad_request","message":"<human text>"}""",
            new Event.Error("<id>", ErrorCode.BAD_REQUEST, "<human text>")),
        new Fixture("""
            {"type":"error","re":null,"code":"bad_request","message":"<human text>"}""",
            new Event.Error(null, ErrorCode.BAD_REQUEST, "<human text>")),
        new Fixture("""
            {"type":"error","re":"7","code":"rate_limited","message":"<human text>","retryAfterMs":250}""",
            new Event.Error("7", ErrorCode.RATE_LIMITED, "<human text>", 250L)),
        new Fixture("""
            {"type":"ok","re":"1","user":"alice","token":"<token>","expiresAt":1735000000000}""",
            new Event.Ok("1", new Result.Auth("alice", "<token>", 1_735_000_000_000L))),
        new Fixture("""
            {"type":"ok","re":"9"}""",
            new Event.Ok("9", Result.EMPTY)),
        new Fixture("""
            {"type":"ok","re":"7","conv":"@bob","seq":12,"ts":1732400000123,"cid":"<client id>"}""",
            new Event.Ok("7", new Result.Sent("@bob", 12, 1_732_400_000_123L, "<client id>"))),
        new Fixture(MESSAGE_EXAMPLE, message),
        new Fixture("""
            {"type":"ok","re":"2","room":"#general"}""",
            new Event.Ok("2", new Result.Created("#general"))),
        new Fixture("""
            {"type":"ok","re":"3","conv":"#general","topic":"…","lastSeq":41}""",
            new Event.Ok("3", new Result.Joined("#general", "…", 41))),
        new Fixture("""
            {"type":"ok","re":"8","rooms":[{"room":"#general","topic":"…","private":false,"members":3,"joined":true}],"more":false}""",
            new Event.Ok("8", new Result.Rooms(
                List.of(new Result.RoomInfo("#general", "…", false, 3, true))))),
        new Fixture("""
            {"type":"ok","re":"7","users":["mallory"]}""",
            new Event.Ok("7", new Result.Users(List.of("mallory")))),
        new Fixture("""
            {"type":"member","conv":"#general","user":"bob","action":"role","role":"moderator"}""",
            new Event.Member("#general", "bob", "role", "moderator")),
        new Fixture("""
            {"type":"room","conv":"#general","topic":"…"}""",
            new Event.RoomChanged("#general", "…")),
        new Fixture("""
            {"type":"ok","re":"1","conv":"@bob","seq":12,"rev":3}""",
            new Event.Ok("1", new Result.Changed("@bob", 12, 3))),
        new Fixture("""
            {"type":"update","conv":"#general","seq":12,"rev":5,"by":"carol","action":"react",
             "message":{"type":"message","conv":"#general","seq":12,"from":"alice","text":"hi",
                        "ts":1732400000123,"cid":"<client id>","reactions":{"👍":["alice","bob"]}}}""",
            new Event.Update("#general", 12, 5, "carol", "react", new Event.Message("#general",
                12, "alice", "hi", 1_732_400_000_123L, "<client id>", null, List.of(), null,
                false, java.util.Map.of("👍", List.of("alice", "bob"))))),
        new Fixture("""
            {"type":"message","conv":"#general","seq":12,"from":"alice","text":"",
             "ts":1732400000123,"cid":"<client id>",
             "files":[{"id":"<id>","name":"cat.png","size":48213,"type":"image/png",
                       "url":"/files/<id>"}]}""",
            new Event.Message("#general", 12, "alice", "", 1_732_400_000_123L, "<client id>",
                null, List.of(), null, false, java.util.Map.of(), List.of(new FileInfo("<id>",
                    "cat.png", 48213, "image/png", "/files/<id>")))),
        new Fixture("""
            {"type":"ok","re":"4","conv":"#general","updates":[],"more":false}""",
            new Event.Ok("4", new Result.Updates("#general", List.of(), false))),
        new Fixture("""
            {"type":"ok","re":"5","results":[{"conv":"#general","message":{"type":"message",
             "conv":"#general","seq":12,"from":"alice","text":"release notes","ts":1732400000123,
             "cid":"<client id>"}}],"more":true,"next":"<cursor>"}""",
            new Event.Ok("5", new Result.Search(List.of(new Result.SearchHit("#general",
                new Event.Message("#general", 12, "alice", "release notes", 1_732_400_000_123L,
                    "<client id>"))), true, "<cursor>"))),
        new Fixture("""
            {"type":"ok","re":"9","members":[{"user":"alice","role":"owner","online":true}]}""",
            new Event.Ok("9", new Result.Members(
                List.of(new Result.MemberInfo("alice", "owner", true))))),
        new Fixture("""
            {"type":"ok","re":"10","conversations":[{"conv":"#general","lastSeq":41,"readSeq":39,"lastRev":0},
                                    {"conv":"@bob","lastSeq":3,"readSeq":3,"lastRev":0}]}""",
            new Event.Ok("10", new Result.Conversations(List.of(
                new Result.ConversationInfo("#general", 41, 39),
                new Result.ConversationInfo("@bob", 3, 3))))),
        new Fixture("{\"type\":\"ok\",\"re\":\"11\",\"conv\":\"#general\",\"messages\":["
            + MESSAGE_EXAMPLE + "],\"more\":true}",
            new Event.Ok("11", new Result.History("#general", List.of(message), true))),
        new Fixture("""
            {"type":"ok","re":"11","conv":"#general","messages":[],"more":false}""",
            new Event.Ok("11", new Result.History("#general", List.of(), false))),
        new Fixture("""
            {"type":"read","conv":"#general","user":"alice","seq":41}""",
            new Event.Read("#general", "alice", 41)),
        new Fixture("""
            {"type":"typing","conv":"@alice","user":"alice"}""",
            new Event.Typing("@alice", "alice")),
        new Fixture("""
            {"type":"ok","re":"12","ts":1732400000123}""",
            new Event.Ok("12", new Result.Pong(1_732_400_000_123L))),
        new Fixture("""
            {"type":"presence","user":"bob","online":true}""",
            new Event.Presence("bob", true)),
        new Fixture("""
            {"type":"presence","user":"bob","online":false}""",
            new Event.Presence("bob", false))));
    for (String action : List.of("join", "leave", "invite", "kick", "ban", "unban", "deleted")) {
      fixtures.add(new Fixture(
          "{\"type\":\"member\",\"conv\":\"#general\",\"user\":\"carol\",\"action\":\"" + action
              + "\"}",
          new Event.Member("#general", "carol", action)));
    }
    return fixtures;
  }

  /** The server decodes each request example of the document to the record it describes. */
  @ParameterizedTest
  @MethodSource("requestExamples")
  void requestExampleDecodes(Fixture fixture) {
    DecodeResult result = codec.decodeRequest(fixture.json());

    DecodeResult.Valid valid = assertInstanceOf(DecodeResult.Valid.class, result);
    assertEquals(fixture.expected(), valid.request());
  }

  /** The request encoder writes exactly the fields and values of the document's example. */
  @ParameterizedTest
  @MethodSource("requestExamples")
  void requestEncodesLikeTheExample(Fixture fixture) {
    String encoded = codec.encode((Request) fixture.expected());

    assertEquals(JsonParser.parseString(fixture.json()), JsonParser.parseString(encoded), encoded);
  }

  /** The client decodes each server example of the document to the record it describes. */
  @ParameterizedTest
  @MethodSource("serverExamples")
  void serverExampleDecodes(Fixture fixture) {
    assertEquals(fixture.expected(), codec.decodeEvent(fixture.json()));
  }

  /** The server encoder writes exactly the fields and values of the document's example. */
  @ParameterizedTest
  @MethodSource("serverExamples")
  void eventEncodesLikeTheExample(Fixture fixture) {
    String encoded = codec.encode((Event) fixture.expected());

    assertEquals(JsonParser.parseString(fixture.json()), JsonParser.parseString(encoded), encoded);
  }

  /**
   * The password reply as the document writes it, without {@code user}: decoded as an auth
   * result whose user is left empty (the client knows who it is).
   */
  @Test
  void passwordReplyWithoutUserDecodes() {
    assertEquals(new Event.Ok("12", new Result.Auth("", "<new token>", 1_735_000_000_000L)),
        codec.decodeEvent("""
            {"type":"ok","re":"12","token":"<new token>","expiresAt":1735000000000}"""));
  }

  /** The document has an example of every request, event and result type. */
  @Test
  void examplesCoverEveryType() {
    List<Request> requests = requestExamples().stream()
        .map(f -> (Request) f.expected()).collect(Collectors.toList());
    List<Event> events = serverExamples().stream()
        .map(f -> (Event) f.expected()).collect(Collectors.toList());

    assertEquals(List.of(), List.copyOf(Samples.missingRequestTypes(requests)));
    assertEquals(List.of(), List.copyOf(Samples.missingEventTypes(events)));
    assertEquals(List.of(), List.copyOf(Samples.missingResultTypes(events)));
  }

  /** The default limits are those the document's hello example advertises. */
  @Test
  void defaultLimitsAreTheDocumentedOnes() {
    assertEquals(new Limits(65536, 4000, 200, 10, 30, 10000), Limits.DEFAULTS);
    assertEquals(1, Event.PROTOCOL_VERSION);
  }

  /** The error codes are exactly the table of the document, in wire spelling. */
  @Test
  void errorCodesAreTheDocumentedOnes() {
    List<String> documented = List.of("bad_request", "unauthorized", "forbidden", "not_found",
        "conflict", "rate_limited", "too_large", "internal");

    List<String> wire = Arrays.stream(ErrorCode.values())
        .map(ErrorCode::wireName).collect(Collectors.toList());

    assertEquals(documented, wire);
    for (ErrorCode code : ErrorCode.values()) {
      assertEquals(code, ErrorCode.fromWire(code.wireName()));
      assertEquals(code.name().toLowerCase(Locale.ROOT), code.wireName());
    }
  }

  /** A code from a later protocol version reads as internal rather than failing the frame. */
  @Test
  void unknownErrorCodeReadsAsInternal() {
    Event event = codec.decodeEvent(
        "{\"type\":\"error\",\"re\":\"1\",\"code\":\"teapot\",\"message\":\"?\"}");

    assertEquals(new Event.Error("1", ErrorCode.INTERNAL, "?"), event);
    assertEquals(ErrorCode.INTERNAL, ErrorCode.fromWire(null));
  }
}
