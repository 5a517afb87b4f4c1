package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthTest {
  @RegisterExtension
  final TestChat chat = new TestChat();

  @Test
  void registerLogsInAndReturnsAnOpaqueRandomToken() {
    TestClient alice = chat.connect();

    Result.Auth auth = alice.register("Alice");

    assertEquals("alice", auth.user(), "names are case-folded");
    assertTrue(Base64.getUrlDecoder().decode(auth.token()).length >= 16, "at least 128 bits");
    assertEquals(chat.clock.millis() + Duration.ofDays(30).toMillis(), auth.expiresAt());
    assertNotEquals(auth.token(), chat.user("bob").token);
    alice.ok(new Request.ListRooms("2"), Result.Rooms.class); // logged in
  }

  @Test
  void registeringATakenNameIsAConflictWhateverItsCase() {
    chat.user("alice");

    chat.connect().error(new Request.Register("1", "ALICE", TestChat.PASSWORD), ErrorCode.CONFLICT);
  }

  @Test
  void invalidNamesAndPasswordsAreBadRequests() {
    TestClient c = chat.connect();
    for (String bad : new String[] {"ab", "_alice", "al ice", "a".repeat(33), "alice!", ""}) {
      c.error(new Request.Register(TestClient.nextId(), bad, TestChat.PASSWORD),
          ErrorCode.BAD_REQUEST);
    }
    c.error(new Request.Register(TestClient.nextId(), "alice", "short"), ErrorCode.BAD_REQUEST);
    c.error(new Request.Register(TestClient.nextId(), "alice", "x".repeat(257)),
        ErrorCode.BAD_REQUEST);
    assertEquals("alice", c.register("alice").user(), "still not logged in: may register");
  }

  @Test
  void loginWithPasswordWorksAndWrongCredentialsAreUnauthorized() {
    chat.user("alice");
    TestClient c = chat.connect();

    Event.Error wrongPassword = c.error(new Request.Login("1", "alice", "wrong password"),
        ErrorCode.UNAUTHORIZED);
    Event.Error unknownUser = c.error(new Request.Login("2", "nobody", TestChat.PASSWORD),
        ErrorCode.UNAUTHORIZED);
    assertEquals(wrongPassword.message(), unknownUser.message(), "no hint which names exist");

    Result.Auth auth = c.ok(new Request.Login("3", "Alice", TestChat.PASSWORD), Result.Auth.class);
    assertEquals("alice", auth.user());
  }

  @Test
  void tokenLoginWorksUntilItExpires() {
    TestClient alice = chat.user("alice");

    TestClient again = chat.connect();
    assertEquals("alice", again.loginWithToken(alice.token).user());

    chat.clock.advance(Duration.ofDays(30));
    chat.connect().error(new Request.TokenLogin("1", alice.token), ErrorCode.UNAUTHORIZED);
  }

  @Test
  void unknownTokenIsUnauthorized() {
    chat.connect().error(new Request.TokenLogin("1", "not-a-token"), ErrorCode.UNAUTHORIZED);
  }

  @Test
  void logoutRevokesTheTokenAndClosesEverySessionUsingIt() {
    TestClient alice = chat.user("alice");
    TestClient aliceTab = chat.secondSession(alice);
    TestClient aliceOtherLogin = chat.connect();
    aliceOtherLogin.ok(new Request.Login("1", "alice", TestChat.PASSWORD), Result.Auth.class);

    alice.call(new Request.Logout("2"));

    assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "logged out"),
        alice.events.nextClose());
    assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "logged out"),
        aliceTab.events.nextClose());
    aliceOtherLogin.assertQuiet(); // a session on another token stays
    chat.connect().error(new Request.TokenLogin("3", alice.token), ErrorCode.UNAUTHORIZED);
  }

  @Test
  void logginInTwiceOnOneConnectionIsABadRequest() {
    TestClient alice = chat.user("alice");

    alice.error(new Request.Login("1", "alice", TestChat.PASSWORD), ErrorCode.BAD_REQUEST);
    alice.error(new Request.TokenLogin("2", alice.token), ErrorCode.BAD_REQUEST);
  }

  @Test
  void requestsSentRightAfterLoginWaitForItInOrder() {
    chat.user("bob");
    TestClient alice = chat.connect();
    alice.register("alice"); // make the account; log in again on a fresh connection
    TestClient pipelined = chat.connect();

    pipelined.client.send(new Request.Login("1", "alice", TestChat.PASSWORD));
    pipelined.client.send(new Request.Send("2", "@bob", "sent before the login reply", "c1"));

    Event.Ok login = pipelined.events.next(Event.Ok.class);
    assertEquals("1", login.re());
    Event.Ok sent = pipelined.events.next(Event.Ok.class);
    assertEquals("2", sent.re());
    assertEquals(1, ((Result.Sent) sent.result()).seq());
  }

  @Test
  void authTimeoutClosesAnUnauthenticatedConnection() {
    TestChat quick = new TestChat(ChatConfig.builder().authTimeoutMs(50));
    try {
      TestClient idle = quick.connect();
      assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "authentication timeout"),
          idle.events.nextClose());

      TestClient prompt = quick.connect();
      prompt.register("alice");
      prompt.assertQuiet();
      assertTrue(prompt.client.isOpen());
    } finally {
      quick.close();
    }
  }

  @Test
  void passwordHashesAreSaltedAndCarryTheirCost() {
    Pbkdf2PasswordHasher hasher = new Pbkdf2PasswordHasher(1_000);
    String a = hasher.hash("correct horse");
    String b = hasher.hash("correct horse");

    assertNotEquals(a, b, "random salt");
    assertTrue(a.startsWith("pbkdf2-sha256$1000$"), a);
    assertTrue(hasher.verify("correct horse", a));
    assertTrue(new Pbkdf2PasswordHasher(2_000).verify("correct horse", a), "cost read from hash");
    assertEquals(false, hasher.verify("correct horsf", a));
    assertEquals(false, hasher.verify("correct horse", "garbage"));
  }

  @Test
  void defaultPasswordCostIsSixHundredThousandIterations() {
    assertEquals(600_000, ChatConfig.defaults().passwordIterations());
  }
}
