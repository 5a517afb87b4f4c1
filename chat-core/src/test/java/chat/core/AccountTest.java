package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PROTOCOL.md, "Account": password change, logout everywhere, account deletion. */
class AccountTest {
  private static final String NEW_PASSWORD = "battery staple";
  @RegisterExtension
  final TestChat chat = new TestChat();

  @Test
  void passwordChangeRotatesTheTokenAndClosesTheOtherSessions() {
    TestClient alice = chat.user("alice");
    TestClient phone = chat.secondSession(alice);
    chat.user("bob");

    alice.error(new Request.ChangePassword(TestClient.nextId(), "wrong password", NEW_PASSWORD),
        ErrorCode.UNAUTHORIZED);
    alice.error(new Request.ChangePassword(TestClient.nextId(), TestChat.PASSWORD, "short"),
        ErrorCode.BAD_REQUEST);
    Result.Auth fresh = alice.ok(
        new Request.ChangePassword(TestClient.nextId(), TestChat.PASSWORD, NEW_PASSWORD),
        Result.Auth.class);

    assertNotEquals(alice.token, fresh.token());
    assertEquals("alice", fresh.user());
    assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "password changed"),
        phone.events.nextClose());
    assertEquals(1, alice.send("@bob", "still signed in").seq()); // this session carries on
    chat.connect().error(new Request.TokenLogin(TestClient.nextId(), alice.token),
        ErrorCode.UNAUTHORIZED);
    chat.connect().error(new Request.Login(TestClient.nextId(), "alice", TestChat.PASSWORD),
        ErrorCode.UNAUTHORIZED);
    chat.connect().loginWithToken(fresh.token());
    chat.connect().ok(new Request.Login(TestClient.nextId(), "alice", NEW_PASSWORD),
        Result.Auth.class);
  }

  @Test
  void checksOfTheSignedInUsersPasswordAreBoundedPerAccount() {
    TestClient alice = chat.user("alice");
    TestClient phone = chat.secondSession(alice);
    for (int i = 0; i < ChatConfig.PasswordLimits.DEFAULTS.checkBurst(); i++) {
      (i % 2 == 0 ? alice : phone).error(new Request.ChangePassword(TestClient.nextId(),
          "guess number " + i, NEW_PASSWORD), ErrorCode.UNAUTHORIZED);
    }

    Event.Error limited = phone.error(
        new Request.DeleteAccount(TestClient.nextId(), TestChat.PASSWORD), ErrorCode.RATE_LIMITED);
    assertEquals(360_000L, limited.retryAfterMs(), "one check every 6 minutes at 10 an hour");
    alice.error(new Request.ChangePassword(TestClient.nextId(), TestChat.PASSWORD, NEW_PASSWORD),
        ErrorCode.RATE_LIMITED);
    chat.user("bob").ok(new Request.ChangePassword(TestClient.nextId(), TestChat.PASSWORD,
        NEW_PASSWORD), Result.Auth.class); // another account has its own

    chat.ticker.advance(Duration.ofMinutes(6));
    alice.ok(new Request.ChangePassword(TestClient.nextId(), TestChat.PASSWORD, NEW_PASSWORD),
        Result.Auth.class);
  }

  @Test
  void logoutEverywhereRevokesEveryTokenAndClosesEverySession() {
    TestClient alice = chat.user("alice");
    TestClient phone = chat.secondSession(alice);
    TestClient other = chat.connect();
    Result.Auth third = other.ok(new Request.Login(TestClient.nextId(), "alice",
        TestChat.PASSWORD), Result.Auth.class);

    alice.ok(new Request.Logout(TestClient.nextId(), true));

    for (TestClient c : List.of(alice, phone, other)) {
      assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "logged out"),
          c.events.nextClose());
    }
    for (String token : List.of(alice.token, third.token())) {
      chat.connect().error(new Request.TokenLogin(TestClient.nextId(), token),
          ErrorCode.UNAUTHORIZED);
    }
  }

  @Test
  void deletingTheAccountKeepsTheNameAndTheMessagesAndHandsRoomsOn() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    alice.createRoom("shared", false);
    alice.createRoom("lonely", false);
    bob.join("shared");
    TestClient carol = chat.user("carol");
    carol.join("shared");
    alice.send("@bob", "remember me");
    alice.send("#shared", "in the room");
    alice.settle();
    bob.settle();
    carol.settle();

    alice.error(new Request.DeleteAccount(TestClient.nextId(), "wrong password"),
        ErrorCode.UNAUTHORIZED);
    alice.ok(new Request.DeleteAccount(TestClient.nextId(), TestChat.PASSWORD));

    // alice's own session hears her rooms go before it is closed
    assertEquals(new Event.Member("#lonely", "alice", "deleted"),
        alice.events.next(Event.Member.class));
    assertEquals(new Event.Member("#shared", "alice", "leave"),
        alice.events.next(Event.Member.class));
    assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "account deleted"),
        alice.events.nextClose());
    assertEquals(new Event.Member("#shared", "alice", "leave"),
        carol.events.next(Event.Member.class));
    assertEquals(new Event.Member("#shared", "bob", "role", "owner"),
        carol.events.next(Event.Member.class));
    assertEquals("owner", bob.members("shared").stream()
        .filter(m -> m.user().equals("bob")).findFirst().orElseThrow().role());
    bob.error(new Request.Join(TestClient.nextId(), "lonely"), ErrorCode.NOT_FOUND);

    TestClient again = chat.connect();
    again.error(new Request.Register(TestClient.nextId(), "alice", TestChat.PASSWORD),
        ErrorCode.CONFLICT);
    again.error(new Request.Login(TestClient.nextId(), "alice", TestChat.PASSWORD),
        ErrorCode.UNAUTHORIZED);
    again.error(new Request.TokenLogin(TestClient.nextId(), alice.token), ErrorCode.UNAUTHORIZED);

    List<Event.Message> kept = bob.history("@alice", null, null, null).messages();
    assertEquals("remember me", kept.get(0).text());
    assertEquals("alice", kept.get(0).from());
    bob.error(new Request.Send(TestClient.nextId(), "@alice", "are you there?", "c"),
        ErrorCode.NOT_FOUND);
    assertTrue(bob.history("#shared", null, null, null).messages().stream()
        .anyMatch(m -> m.from().equals("alice")));
  }
}
