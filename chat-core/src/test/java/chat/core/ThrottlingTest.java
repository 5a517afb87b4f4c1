package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits that keep one client from locking others out (PROTOCOL.md "Account", "Details of
 * the additions"; issue 13): failed logins, registrations, typing, room creation. In-process
 * clients all share one address, as behind one NAT.
 */
class ThrottlingTest {
  private static final ChatConfig.Safety SMALL =
      new ChatConfig.Safety(3, 6, Duration.ofMinutes(15), 4, 3, 60, 2, 3, 5, 60, 10, 1_000);
  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().safety(SMALL));

  private Event login(String user, String password) {
    return chat.connect().call(new Request.Login(TestClient.nextId(), user, password));
  }

  private static long retryAfter(Event e) {
    Event.Error error = (Event.Error) e;
    assertEquals(ErrorCode.RATE_LIMITED, error.code(), error.message());
    assertNotNull(error.retryAfterMs());
    return error.retryAfterMs();
  }

  /**
   * Password sign-ins that succeed: 30 per account, then one every 2 s. Wrong passwords do not
   * use them up (the failure throttles count those), and other accounts have their own.
   */
  @Test
  void successfulPasswordSignInsAreBoundedPerAccount() {
    chat.user("alice");
    chat.user("bob");
    for (int i = 0; i < 2; i++) { // under the failure limit of 3 for a name
      assertEquals(ErrorCode.UNAUTHORIZED, ((Event.Error) login("alice", "wrong!")).code());
    }
    for (int i = 0; i < ChatConfig.PasswordLimits.DEFAULTS.signInsPerMinute(); i++) {
      assertTrue(login("alice", TestChat.PASSWORD) instanceof Event.Ok, "sign-in " + i);
    }

    assertEquals(2_000L, retryAfter(login("alice", TestChat.PASSWORD)));
    assertTrue(login("bob", TestChat.PASSWORD) instanceof Event.Ok);
    chat.ticker.advance(Duration.ofSeconds(2));
    assertTrue(login("alice", TestChat.PASSWORD) instanceof Event.Ok);
    retryAfter(login("alice", TestChat.PASSWORD));
  }

  @Test
  void passwordLimitsAreTheConfiguredOnes() {
    chat.close();
    TestChat roomy = new TestChat(ChatConfig.builder().safety(SMALL)
        .passwordLimits(new ChatConfig.PasswordLimits(40, 7, 60)));
    try {
      TestClient alice = roomy.user("alice");
      for (int i = 0; i < 40; i++) {
        assertTrue(roomy.connect().call(new Request.Login(TestClient.nextId(), "alice",
            TestChat.PASSWORD)) instanceof Event.Ok, "sign-in " + i);
      }
      assertEquals(1_500L, retryAfter(roomy.connect().call(new Request.Login(
          TestClient.nextId(), "alice", TestChat.PASSWORD))), "40 a minute: one every 1.5 s");

      for (int i = 0; i < 7; i++) {
        alice.error(new Request.ChangePassword(TestClient.nextId(), "guess number " + i,
            "a new password"), ErrorCode.UNAUTHORIZED);
      }
      assertEquals(60_000L, alice.error(new Request.ChangePassword(TestClient.nextId(),
          TestChat.PASSWORD, "a new password"), ErrorCode.RATE_LIMITED).retryAfterMs(),
          "60 an hour: one a minute");
    } finally {
      roomy.close();
    }
  }

  @Test
  void failedLoginsForOneNameAreSlowedWithGrowingDelaysEvenWithTheRightPassword() {
    TestClient alice = chat.user("alice");
    for (int i = 0; i < 3; i++) {
      assertEquals(ErrorCode.UNAUTHORIZED, ((Event.Error) login("alice", "guess " + i)).code());
    }
    long first = retryAfter(login("alice", TestChat.PASSWORD));
    long second = retryAfter(login("alice", TestChat.PASSWORD));
    long third = retryAfter(login("alice", "guess again"));
    assertTrue(first >= 1_000 && second > first && third > second,
        first + ", " + second + ", " + third);

    // a token login is never refused for password failures
    chat.connect().loginWithToken(alice.token);
    // another name from the same address is not slowed by alice's failures (under 6)
    chat.user("bob");
    assertEquals(ErrorCode.UNAUTHORIZED, ((Event.Error) login("bob", "nope nope")).code());

    chat.ticker.advance(Duration.ofMillis(third));
    Event probe = login("alice", TestChat.PASSWORD);
    assertTrue(probe instanceof Event.Ok, probe.toString()); // the delay has passed
    assertTrue(login("alice", TestChat.PASSWORD) instanceof Event.Ok); // and was forgotten
  }

  @Test
  void failedLoginsFromOneAddressAreSlowedAcrossNames() {
    for (int i = 0; i < 6; i++) {
      assertEquals(ErrorCode.UNAUTHORIZED,
          ((Event.Error) login("user" + i, "wrong password")).code());
    }
    retryAfter(login("someone", "wrong password"));
    chat.ticker.advance(Duration.ofMinutes(16)); // the window passes: forgotten
    assertEquals(ErrorCode.UNAUTHORIZED,
        ((Event.Error) login("someone", "wrong password")).code());
  }

  @Test
  void registrationsPerAddressAreLimitedPerHour() {
    for (int i = 0; i < 4; i++) {
      chat.user("new" + i);
    }
    long wait = retryAfter(chat.connect().call(
        new Request.Register(TestClient.nextId(), "new9", TestChat.PASSWORD)));
    assertTrue(wait > 59 * 60_000, "about an hour: " + wait);
    chat.ticker.advance(Duration.ofMinutes(61));
    chat.user("new9");
  }

  @Test
  void typingNoticesBeyondTheLimitAreRefusedAndNotDelivered() {
    TestClient mallory = chat.user("mallory");
    TestClient stranger = chat.user("stranger");
    stranger.settle();
    int delivered = 0;
    int refused = 0;
    for (int i = 0; i < 50; i++) {
      Event reply = mallory.call(new Request.Typing(TestClient.nextId(), "@stranger"));
      if (reply instanceof Event.Ok) {
        delivered++;
      } else {
        retryAfter(reply);
        refused++;
      }
    }
    assertEquals(5, delivered);
    assertEquals(45, refused);
    for (int i = 0; i < 5; i++) {
      stranger.events.next(Event.Typing.class);
    }
    stranger.assertQuiet();
  }

  @Test
  void roomCreationIsLimitedInRateAndCount() {
    TestClient alice = chat.user("alice");
    alice.createRoom("one", false);
    alice.createRoom("two", false);
    retryAfter(alice.call(new Request.Create(TestClient.nextId(), "three", "", false)));
    chat.ticker.advance(Duration.ofMinutes(1));
    alice.createRoom("three", false);
    chat.ticker.advance(Duration.ofMinutes(5));
    alice.error(new Request.Create(TestClient.nextId(), "four", "", false), ErrorCode.FORBIDDEN);
    alice.ok(new Request.DeleteRoom(TestClient.nextId(), "one"));
    alice.createRoom("four", false);
    alice.error(new Request.Create(TestClient.nextId(), "five", "ctl \u0001", false),
        ErrorCode.BAD_REQUEST);
  }

  @Test
  void theDirectoryIsPagedSearchedAndNeverOversized() {
    TestChat big = new TestChat(ChatConfig.builder().historyMax(3));
    try {
      TestClient alice = big.user("alice");
      for (String name : new String[] {"alpha", "beta", "gamma", "delta", "epsilon"}) {
        alice.ok(new Request.Create(TestClient.nextId(), name, "Topic of " + name + " Room",
            false), Result.Created.class);
      }
      alice.ok(new Request.Create(TestClient.nextId(), "hidden", "", true), Result.Created.class);
      TestClient bob = big.user("bob");

      Result.Rooms first = bob.ok(new Request.ListRooms(TestClient.nextId()), Result.Rooms.class);
      assertEquals(java.util.List.of("#alpha", "#beta", "#delta"),
          first.rooms().stream().map(Result.RoomInfo::room).toList());
      assertTrue(first.more());
      Result.Rooms second = bob.ok(new Request.ListRooms(TestClient.nextId(), null, "#delta", 10),
          Result.Rooms.class);
      assertEquals(java.util.List.of("#epsilon", "#gamma"), // hidden is private: not bob's
          second.rooms().stream().map(Result.RoomInfo::room).toList());
      assertTrue(!second.more());

      Result.Rooms byName = bob.ok(new Request.ListRooms(TestClient.nextId(), "#EP", null, null),
          Result.Rooms.class);
      assertEquals("#epsilon", byName.rooms().get(0).room());
      Result.Rooms byTopic = bob.ok(
          new Request.ListRooms(TestClient.nextId(), "room top", null, null), Result.Rooms.class);
      assertEquals(3, byTopic.rooms().size());
      assertTrue(byTopic.more());
      Result.Rooms none = bob.ok(
          new Request.ListRooms(TestClient.nextId(), "top%", null, null), Result.Rooms.class);
      assertEquals(0, none.rooms().size());
      bob.error(new Request.ListRooms(TestClient.nextId(), null, "Not A Room!", null),
          ErrorCode.BAD_REQUEST);
    } finally {
      big.close();
    }
  }
}
