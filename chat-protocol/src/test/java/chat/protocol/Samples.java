package chat.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sample frames of every type, shared by the round-trip and fuzz tests. Each list holds at least
 * one instance of every record type; {@link #missingRequestTypes()} and friends name the types a
 * newly added record left without a sample, so a new frame type cannot slip past the tests.
 */
final class Samples {

  /** Text that exercises JSON escaping: quotes, backslash, controls, line separators, non-BMP. */
  static final String TRICKY_TEXT =
      "quote \" backslash \\ slash / nl \n tab \t cr \r ctl \u0001 nul \u0000 del \u007f"
          + " ls \u2028 ps \u2029 html </script><!-- & ' emoji \uD83D\uDE00 accents åéü 中文";

  private Samples() {}

  static List<Request> requests() {
    return List.of(
        new Request.Register("1", "alice", "correct horse"),
        new Request.Register(null, "Alice.B_c-d", TRICKY_TEXT),
        new Request.Login("1", "alice", "correct horse"),
        new Request.Login(null, "bob", "p4ssw0rd!"),
        new Request.TokenLogin("1", "tok-abc123_XYZ=="),
        new Request.TokenLogin(null, "t"),
        new Request.Logout("9"),
        new Request.Logout(null),
        new Request.Send("7", "@bob", "hi", "c-1"),
        new Request.Send(null, "#general", TRICKY_TEXT, "x".repeat(64)),
        new Request.Send("8", "#general", "", ""),
        new Request.Create("2", "general", "Anything", false),
        new Request.Create("2", "secret", "", true),
        new Request.Create(null, "r", TRICKY_TEXT, true),
        new Request.Join("3", "general"),
        new Request.Join(null, "#General"),
        new Request.Leave("4", "general"),
        new Request.Invite("5", "secret", "carol"),
        new Request.Kick("6", "secret", "carol"),
        new Request.ListRooms("8"),
        new Request.ListRooms(null),
        new Request.ListRooms("8", "gen words", "#games", 50),
        new Request.ListRooms("8", TRICKY_TEXT, null, null),
        new Request.Logout("13", true),
        new Request.ChangePassword("12", "correct horse", TRICKY_TEXT),
        new Request.DeleteAccount("14", "correct horse"),
        new Request.Block("6", "mallory"),
        new Request.Unblock(null, "Mallory"),
        new Request.ListBlocked("7"),
        new Request.Ban("8", "general", "mallory"),
        new Request.Unban("8", "#general", "mallory"),
        new Request.ListBans("8", "general"),
        new Request.SetRole("9", "general", "bob", "owner"),
        new Request.SetTopic("10", "general", TRICKY_TEXT),
        new Request.SetTopic(null, "general", ""),
        new Request.DeleteRoom("11", "general"),
        new Request.Send("7", "#general", "answering", "c-2", 12L),
        new Request.Send("7", "#general", "", "c-3", null, List.of("f1", TRICKY_TEXT)),
        new Request.Edit("1", "@bob", 12, "fixed typo"),
        new Request.Edit(null, "#general", Long.MAX_VALUE, TRICKY_TEXT),
        new Request.DeleteMessage("2", "#general", 12),
        new Request.React("3", "#general", 12, "\uD83D\uDC4D", true),
        new Request.React(null, "@bob", 1, "\u2764\uFE0F", false),
        new Request.Updates("4", "#general", 3, 200),
        new Request.Updates("4", "@bob", 0, null),
        new Request.Members("9", "general"),
        new Request.ListConversations("10"),
        new Request.Search("5", "release notes", "#general", 20, "c2VxOjEy"),
        new Request.Search("5", TRICKY_TEXT, null, null, null),
        new Request.History("11", "#general", 39L, null, 50),
        new Request.History("11", "#general", null, 20L, 50),
        new Request.History("11", "#general", null, null, null),
        new Request.History(null, "@bob", 0L, null, Integer.MAX_VALUE),
        new Request.History("x", "#general", null, Long.MAX_VALUE, 1),
        new Request.MarkRead(null, "#general", 41),
        new Request.MarkRead("r", "@bob", 0),
        new Request.MarkRead("r", "@bob", Long.MAX_VALUE),
        new Request.Typing(null, "@bob"),
        new Request.Typing("t", "#general"),
        new Request.Ping("12"),
        new Request.Ping(null),
        new Request.Ping("i".repeat(Request.MAX_ID_CHARS)),
        new Request.Ping(""));
  }

  static List<Event.Message> messages() {
    return List.of(
        new Event.Message("#general", 12, "alice", "hi", 1_732_400_000_123L, "c-1"),
        new Event.Message("#general", 13, "bob", "@alice yes", 5, "c-9", 12L, List.of("alice"),
            7L, false, java.util.Map.of("\uD83D\uDC4D", List.of("alice", "bob"))),
        new Event.Message("#general", 14, "carol", "", 5, "c-8", null, List.of(), null, true,
            java.util.Map.of()),
        new Event.Message("@bob", 1, "bob", TRICKY_TEXT, 0, "x".repeat(64)),
        new Event.Message("#r", Long.MAX_VALUE, "carol", "", Long.MAX_VALUE, ""),
        new Event.Message("@alice", 2, "bob", "", 9, "c-f", null, List.of(), null, false,
            java.util.Map.of(), List.of(new FileInfo("f1", TRICKY_TEXT, 0, "image/png",
                "/files/f1"), new FileInfo("f2", "a.txt", Long.MAX_VALUE, "text/plain",
                "https://chat.example.org/files/f2"))));
  }

  static List<Result> results() {
    return List.of(
        Result.EMPTY,
        new Result.Auth("alice", "tok-abc123_XYZ==", 1_735_000_000_000L),
        new Result.Sent("@bob", 12, 1_732_400_000_123L, "c-1"),
        new Result.Sent("#general", Long.MAX_VALUE, 0, TRICKY_TEXT),
        new Result.Created("#general"),
        new Result.Joined("#general", "Anything", 41),
        new Result.Joined("#new", "", 0),
        new Result.Rooms(List.of()),
        new Result.Rooms(List.of(
            new Result.RoomInfo("#general", "Anything", false, 3, true),
            new Result.RoomInfo("#secret", TRICKY_TEXT, true, Integer.MAX_VALUE, false))),
        new Result.Rooms(List.of(new Result.RoomInfo("#a", "", false, 1, false)), true),
        new Result.Users(List.of()),
        new Result.Users(List.of("mallory", "zed")),
        new Result.Members(List.of()),
        new Result.Members(List.of(
            new Result.MemberInfo("alice", "owner", true),
            new Result.MemberInfo("bob", "member", false))),
        new Result.Conversations(List.of()),
        new Result.Conversations(List.of(
            new Result.ConversationInfo("#general", 41, 39),
            new Result.ConversationInfo("@bob", 3, 3))),
        new Result.History("#general", List.of(), false),
        new Result.History("#general", messages(), true),
        new Result.Changed("#general", 12, 5),
        new Result.Updates("#general", List.of(), false),
        new Result.Updates("#general", List.of(new Event.Update("#general", 12, 5, "carol",
            "react", messages().get(1))), true),
        new Result.Conversations(List.of(new Result.ConversationInfo("#general", 41, 39, 7))),
        new Result.Search(List.of(), false, null),
        new Result.Search(List.of(new Result.SearchHit("#general", messages().get(0)),
            new Result.SearchHit("@bob", messages().get(1))), true, "c2VxOjEy"),
        new Result.Pong(1_732_400_000_123L),
        new Result.Pong(0));
  }

  static List<Event> events() {
    List<Event> events = new ArrayList<>();
    events.add(new Event.Hello(1, "chat/0.1.0", "epoch-1", Limits.DEFAULTS));
    events.add(new Event.Hello(1, TRICKY_TEXT, "", new Limits(1, 2, 3, 4, 5, Long.MAX_VALUE)));
    events.add(new Event.Hello(1, "s", "e", new Limits(1, 2, 3, 4, 5, 6, 7, 8),
        List.of("block", "moderation", "account")));
    for (Result result : results()) {
      events.add(new Event.Ok("1", result));
    }
    events.add(new Event.Ok(null, Result.EMPTY));
    events.add(new Event.Ok("i".repeat(64), new Result.Pong(5)));
    for (ErrorCode code : ErrorCode.values()) {
      events.add(new Event.Error("3", code, "because " + code));
    }
    events.add(new Event.Error(null, ErrorCode.BAD_REQUEST, "not valid JSON"));
    events.add(new Event.Error("7", ErrorCode.RATE_LIMITED, "slow down", 250L));
    events.add(new Event.Error("7", ErrorCode.RATE_LIMITED, TRICKY_TEXT, 0L));
    events.addAll(messages());
    for (String action : List.of("join", "leave", "invite", "kick", "ban", "unban", "deleted")) {
      events.add(new Event.Member("#general", "carol", action));
    }
    events.add(new Event.Member("#general", "bob", "role", "moderator"));
    events.add(new Event.RoomChanged("#general", TRICKY_TEXT));
    events.add(new Event.RoomChanged("#general", ""));
    for (String action : List.of("edit", "delete", "react")) {
      events.add(new Event.Update("#general", 13, 5, "carol", action, messages().get(1)));
    }
    events.add(new Event.Read("#general", "alice", 41));
    events.add(new Event.Read("@alice", "bob", 0));
    events.add(new Event.Typing("@alice", "alice"));
    events.add(new Event.Presence("bob", true));
    events.add(new Event.Presence("bob", false));
    return events;
  }

  /** Request record types without a sample in {@link #requests()}. */
  static Set<String> missingRequestTypes(List<? extends Request> samples) {
    return missing(
        Request.class, samples.stream().map(Object::getClass).collect(Collectors.toSet()));
  }

  /** Event record types without a sample in the given events. */
  static Set<String> missingEventTypes(List<? extends Event> samples) {
    return missing(
        Event.class, samples.stream().map(Object::getClass).collect(Collectors.toSet()));
  }

  /** Result record types not carried by any {@code ok} among the given events. */
  static Set<String> missingResultTypes(List<? extends Event> samples) {
    Set<Class<?>> seen = samples.stream()
        .filter(e -> e instanceof Event.Ok)
        .map(e -> ((Event.Ok) e).result().getClass())
        .collect(Collectors.toSet());
    return missing(Result.class, seen);
  }

  private static Set<String> missing(Class<?> sealed, Set<Class<?>> seen) {
    Class<?>[] permitted = sealed.getPermittedSubclasses();
    if (permitted == null || permitted.length == 0) {
      throw new AssertionError(sealed + " is no longer a sealed interface with subtypes");
    }
    return Arrays.stream(permitted)
        .filter(c -> !seen.contains(c))
        .map(Class::getName)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }
}
