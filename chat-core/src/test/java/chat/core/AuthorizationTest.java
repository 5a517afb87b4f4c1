package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may do what. PROTOCOL.md, "Session start": before login a connection may only send
 * {@code register}, {@code login} and {@code ping}; anything else is {@code unauthorized}.
 * "Rooms", "Messages", "Catch-up and history": using a room one is not in is {@code forbidden}
 * (except listing a public room's members), a room or user that does not exist is {@code
 * not_found}, and direct conversations are named from the viewer's side, so no user can name
 * another pair's conversation. Every refusal is checked to leak nothing to anyone.
 */
class AuthorizationTest {
  /** The only requests PROTOCOL.md allows before login. */
  private static final Set<Class<?>> ALLOWED_BEFORE_LOGIN =
      Set.of(Request.Register.class, Request.Login.class, Request.TokenLogin.class,
          Request.Ping.class);

  @RegisterExtension
  final TestChat chat = new TestChat();

  private static void settleAll(TestClient... clients) {
    for (TestClient c : clients) {
      c.settle();
    }
  }

  private static List<String> texts(Result.History history) {
    return history.messages().stream().map(Event.Message::text).toList();
  }

  /** Values for the fields of requests, by record component name. */
  private static final Map<String, Object> FIELD_VALUES = Map.ofEntries(
      Map.entry("room", "general"),
      Map.entry("user", "bob"),
      Map.entry("to", "#general"),
      Map.entry("conv", "#general"),
      Map.entry("text", "sneaked in"),
      Map.entry("cid", "c1"),
      Map.entry("topic", "a topic"),
      Map.entry("isPrivate", false),
      Map.entry("seq", 1L),
      Map.entry("password", TestChat.PASSWORD),
      Map.entry("token", "not-a-token"),
      Map.entry("all", true),
      Map.entry("oldPassword", TestChat.PASSWORD),
      Map.entry("newPassword", TestChat.PASSWORD + "2"),
      Map.entry("role", "moderator"),
      Map.entry("emoji", "\uD83D\uDC4D"),
      Map.entry("on", true),
      Map.entry("afterRev", 0L),
      Map.entry("query", "release notes"),
      Map.entry("files", List.of()));

  /**
   * A request of {@code type} (a record implementing {@link Request}) built from its components,
   * so that a type added to {@link Request} later is covered without editing this test (unless it
   * has a field of a new name: that fails here until a value is chosen above).
   */
  private static Request build(Class<?> type, String id) {
    assertTrue(type.isRecord(), type + " is not a record: build it here by hand");
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      String name = components[i].getName();
      Class<?> componentType = components[i].getType();
      if (name.equals("id")) {
        args[i] = id;
      } else if (FIELD_VALUES.containsKey(name)) {
        args[i] = FIELD_VALUES.get(name);
      } else if (componentType == Long.class || componentType == Integer.class
          || (componentType == String.class && (name.equals("after") || name.equals("before")))) {
        args[i] = null; // optional numbers (after, before, limit) and cursors
      } else {
        fail("no test value for " + type.getSimpleName() + "." + name + ": add one above");
      }
    }
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
      return (Request) canonical.newInstance(args);
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
        | InvocationTargetException e) {
      throw new AssertionError("cannot build " + type.getSimpleName(), e);
    }
  }

  @Test
  void everyRequestButRegisterLoginAndPingIsUnauthorizedBeforeLogin() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    settleAll(alice, bob);
    TestClient anonymous = chat.connect();

    List<Class<?>> refused = Arrays.stream(Request.class.getPermittedSubclasses())
        .filter(type -> !ALLOWED_BEFORE_LOGIN.contains(type)).toList();
    assertTrue(Arrays.asList(Request.class.getPermittedSubclasses())
        .containsAll(ALLOWED_BEFORE_LOGIN), "the allowed types are request types");
    assertTrue(refused.size() >= 13, "every other request type is exercised: " + refused);
    for (Class<?> type : refused) {
      // With an id: an error reply echoing it.
      anonymous.error(build(type, TestClient.nextId()), ErrorCode.UNAUTHORIZED);
      // Without an id: still an error, with re null (PROTOCOL.md: failures are always answered).
      Request withoutId = build(type, null);
      anonymous.client.send(withoutId);
      Event.Error error = anonymous.events.next(Event.Error.class);
      assertEquals(ErrorCode.UNAUTHORIZED, error.code(), withoutId.type() + ": " + error.message());
      assertNull(error.re());
    }

    anonymous.assertQuiet();
    assertTrue(anonymous.client.isOpen(), "a refused request does not end the connection");
    alice.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of(), texts(alice.history("#general", null, null, null)));
    assertEquals(List.of(new Result.RoomInfo("#general", "topic of general", false, 2, true)),
        alice.rooms().rooms());
    assertEquals(List.of("alice", "bob"),
        alice.members("general").stream().map(Result.MemberInfo::user).toList());
    TestClient bobAgain = chat.connect();
    bobAgain.loginWithToken(bob.token); // the refused logout revoked nothing
    bobAgain.assertQuiet();
  }

  @Test
  void pingAnswersBeforeLoginAndTheConnectionMayThenLogIn() {
    chat.user("alice");
    TestClient anonymous = chat.connect();
    anonymous.error(new Request.ListRooms(TestClient.nextId()), ErrorCode.UNAUTHORIZED);

    Result.Pong pong = anonymous.ok(new Request.Ping(TestClient.nextId()), Result.Pong.class);
    assertEquals(chat.clock.millis(), pong.ts());

    anonymous.ok(new Request.Login(TestClient.nextId(), "alice", TestChat.PASSWORD),
        Result.Auth.class);
    assertEquals(List.of(), anonymous.rooms().rooms(), "logged in now");
  }

  @Test
  void everyConversationRequestIntoAPublicRoomOneIsNotInIsForbiddenAndLeaksNothing() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient carol = chat.user("carol");
    carol.join("general");
    alice.send("#general", "members only");
    TestClient bob = chat.user("bob");
    settleAll(alice, carol, bob);

    bob.error(new Request.Send(TestClient.nextId(), "#general", "hi", "c1"), ErrorCode.FORBIDDEN);
    bob.error(new Request.History(TestClient.nextId(), "#general", null, null, null),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.History(TestClient.nextId(), "#general", 0L, null, 50),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.History(TestClient.nextId(), "#general", null, 5L, 50),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.MarkRead(TestClient.nextId(), "#general", 1), ErrorCode.FORBIDDEN);
    bob.error(new Request.Typing(TestClient.nextId(), "#general"), ErrorCode.FORBIDDEN);
    bob.error(new Request.Invite(TestClient.nextId(), "general", "bob"), ErrorCode.FORBIDDEN);
    bob.error(new Request.Kick(TestClient.nextId(), "general", "carol"), ErrorCode.FORBIDDEN);
    // Allowed to a non-member: a public room's members list, and a leave that changes nothing.
    assertEquals(List.of("alice", "carol"),
        bob.members("general").stream().map(Result.MemberInfo::user).toList());
    bob.leave("general");

    alice.assertQuiet();
    carol.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of("members only"), texts(alice.history("#general", null, null, null)));
    assertEquals(List.of("alice", "carol"),
        alice.members("general").stream().map(Result.MemberInfo::user).toList());
  }

  @Test
  void everyRequestIntoAPrivateRoomOneIsNotInIsForbiddenAndLeaksNothing() {
    TestClient alice = chat.user("alice");
    alice.createRoom("secret", true);
    TestClient carol = chat.user("carol");
    alice.invite("secret", "carol");
    alice.send("#secret", "members only");
    TestClient bob = chat.user("bob");
    settleAll(alice, carol, bob);

    List<Function<String, Request>> requests = List.of(
        id -> new Request.Send(id, "#secret", "hi", "c1"),
        id -> new Request.History(id, "#secret", null, null, null),
        id -> new Request.History(id, "#secret", 0L, null, 50),
        id -> new Request.MarkRead(id, "#secret", 1),
        id -> new Request.Typing(id, "#secret"),
        id -> new Request.Join(id, "secret"),
        id -> new Request.Members(id, "secret"),
        id -> new Request.Invite(id, "secret", "bob"),
        id -> new Request.Kick(id, "secret", "carol"));
    for (Function<String, Request> request : requests) {
      Event.Error error = bob.error(request.apply(TestClient.nextId()), ErrorCode.FORBIDDEN);
      assertFalse(error.message().contains("members only") || error.message().contains("carol"),
          "the refusal reveals no content: " + error.message());
    }

    alice.assertQuiet();
    carol.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of(), bob.rooms().rooms());
    assertEquals(List.of("members only"), texts(alice.history("#secret", null, null, null)));
    assertEquals(List.of("alice", "carol"),
        alice.members("secret").stream().map(Result.MemberInfo::user).toList());
  }

  @Test
  void everyRequestNamingAnUnknownRoomOrUserIsNotFound() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    alice.settle();

    List<Request> requests = List.of(
        new Request.Send(TestClient.nextId(), "#nowhere", "hi", "c1"),
        new Request.History(TestClient.nextId(), "#nowhere", null, null, null),
        new Request.MarkRead(TestClient.nextId(), "#nowhere", 1),
        new Request.Typing(TestClient.nextId(), "#nowhere"),
        new Request.Join(TestClient.nextId(), "nowhere"),
        new Request.Leave(TestClient.nextId(), "nowhere"),
        new Request.Members(TestClient.nextId(), "nowhere"),
        new Request.Invite(TestClient.nextId(), "nowhere", "alice"),
        new Request.Kick(TestClient.nextId(), "nowhere", "alice"),
        new Request.Send(TestClient.nextId(), "@nobody", "hi", "c2"),
        new Request.History(TestClient.nextId(), "@nobody", null, null, null),
        new Request.MarkRead(TestClient.nextId(), "@nobody", 1),
        new Request.Typing(TestClient.nextId(), "@nobody"),
        new Request.Invite(TestClient.nextId(), "general", "nobody"),
        new Request.Kick(TestClient.nextId(), "general", "nobody"));
    for (Request request : requests) {
      alice.error(request, ErrorCode.NOT_FOUND);
    }

    alice.assertQuiet();
    assertEquals(List.of("#general"), alice.ok(new Request.ListConversations(TestClient.nextId()),
        Result.Conversations.class).conversations().stream()
        .map(Result.ConversationInfo::conv).toList(), "no conversation was created");
  }

  @Test
  void malformedConversationNamesAreBadRequests() {
    TestClient alice = chat.user("alice");
    chat.user("bob");
    alice.createRoom("general", false);
    alice.settle();

    for (String bad : List.of("bob", "general", "", "@", "#", "@alice:bob", "@alice/bob",
        "@alice,bob", "#gen eral", "@alice")) {
      alice.error(new Request.Send(TestClient.nextId(), bad, "hi", "c1"), ErrorCode.BAD_REQUEST);
      alice.error(new Request.History(TestClient.nextId(), bad, null, null, null),
          ErrorCode.BAD_REQUEST);
      alice.error(new Request.MarkRead(TestClient.nextId(), bad, 1), ErrorCode.BAD_REQUEST);
      alice.error(new Request.Typing(TestClient.nextId(), bad), ErrorCode.BAD_REQUEST);
    }
    alice.assertQuiet();
  }

  @Test
  void noUserCanNameAnotherPairsDirectConversation() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    alice.send("@bob", "just between us");
    bob.send("@alice", "indeed");
    // bob's ok may come before alice's copy of his message is queued: wait for that copy.
    while (!alice.events.skipTo(Event.Message.class).text().equals("indeed")) {
      // an earlier message event (alice's own): skip it
    }
    TestClient eve = chat.user("eve");
    settleAll(alice, bob, eve);

    // "@bob" is, for eve, her own conversation with bob: empty, whatever alice and bob said.
    Result.History withBob = eve.history("@bob", null, null, null);
    assertEquals(new Result.History("@bob", List.of(), false), withBob);
    assertEquals(new Result.History("@alice", List.of(), false),
        eve.history("@alice", 0L, null, null));
    assertEquals(List.of(), eve.ok(new Request.ListConversations(TestClient.nextId()),
        Result.Conversations.class).conversations());
    eve.error(new Request.MarkRead(TestClient.nextId(), "@bob", 1), ErrorCode.BAD_REQUEST);
    alice.assertQuiet();
    bob.assertQuiet();

    // Whatever eve writes or types lands in her own conversation, named @eve for its receiver.
    assertEquals(new Result.Sent("@bob", 1, chat.clock.millis(), "e1"),
        eve.ok(new Request.Send(TestClient.nextId(), "@bob", "hi bob", "e1"), Result.Sent.class));
    assertEquals(new Event.Message("@eve", 1, "eve", "hi bob", chat.clock.millis(), "e1"),
        bob.events.next(Event.Message.class));
    assertEquals("@bob", eve.events.next(Event.Message.class).conv());
    eve.ok(new Request.Typing(TestClient.nextId(), "@alice"));
    assertEquals(new Event.Typing("@eve", "eve"), alice.events.next(Event.Typing.class));
    alice.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of("just between us", "indeed"),
        texts(alice.history("@bob", null, null, null)),
        "alice and bob's conversation is untouched");
  }
}
