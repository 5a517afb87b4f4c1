package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md, "Receipts, typing, presence": users who share a conversation hear when a user's
 * first session opens and its last session closes.
 */
class PresenceTest {
  private TestChat chat;

  @BeforeEach
  void setUp() {
    chat = new TestChat();
  }

  @AfterEach
  void tearDown() {
    chat.close();
  }

  private static void drainAll(TestClient... clients) {
    for (TestClient c : clients) {
      c.barrier();
      c.events.drain();
    }
  }

  /** Closes {@code c} and waits until the server has handled the close. */
  private static void closeAndWait(TestClient c) {
    c.close();
    awaitClosed(c);
  }

  /** Skips events until {@code c}'s close has been recorded (after the server handled it). */
  private static void awaitClosed(TestClient c) {
    while (!(c.events.nextObject() instanceof EventRecorder.Closed)) {
      // each wait is bounded by EventRecorder.TIMEOUT_SECONDS
    }
  }

  private static List<Result.MemberInfo> members(TestClient c, String room) {
    return c.ok(new Request.Members(TestClient.nextId(), room), Result.Members.class).members();
  }

  private static Result.MemberInfo member(TestClient c, String room, String user) {
    return members(c, room).stream().filter(m -> m.user().equals(user)).findFirst()
        .orElseThrow(() -> new AssertionError(user + " is not a member of " + room));
  }

  @Test
  void aRoomMatesFirstSessionOpeningIsAnnouncedOnline() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    closeAndWait(bob); // bob is now a member with no session
    drainAll(alice);

    TestClient bobAgain = chat.secondSession(bob);

    assertEquals(new Event.Presence("bob", true), alice.events.next(Event.Presence.class));
    alice.assertQuiet();
    bobAgain.assertQuiet(); // no presence of bob himself
  }

  @Test
  void aSecondSessionOfAnOnlineUserIsNotAnnounced() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    drainAll(alice, bob);

    TestClient bobPhone = chat.secondSession(bob);

    alice.assertQuiet();
    bob.assertQuiet();
    bobPhone.assertQuiet();
  }

  @Test
  void closingOneOfTwoSessionsIsNotAnnouncedClosingTheLastIsAnnouncedOffline() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    TestClient bobPhone = chat.secondSession(bob);
    drainAll(alice, bob, bobPhone);

    closeAndWait(bobPhone);
    alice.assertQuiet();
    bob.assertQuiet();

    closeAndWait(bob);
    assertEquals(new Event.Presence("bob", false), alice.events.next(Event.Presence.class));
    alice.assertQuiet();
  }

  @Test
  void loggingOutTheLastSessionIsAnnouncedOffline() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    drainAll(alice, bob);

    bob.ok(new Request.Logout(TestClient.nextId()));
    awaitClosed(bob);

    assertEquals(new Event.Presence("bob", false), alice.events.next(Event.Presence.class));
    alice.assertQuiet();
  }

  @Test
  void aUserWhoSharesNoConversationHearsNoPresence() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient carol = chat.user("carol");
    carol.createRoom("carols", false);
    carol.send("@alice", "alice only");
    TestClient bob = chat.user("bob");
    bob.join("general");
    drainAll(carol);

    TestClient bobPhone = chat.secondSession(bob);
    closeAndWait(bobPhone);
    closeAndWait(bob);
    chat.secondSession(bob);

    // alice, who shares #general, heard bob go offline and come back
    assertEquals(new Event.Presence("bob", false), alice.events.skipTo(Event.Presence.class));
    assertEquals(new Event.Presence("bob", true), alice.events.skipTo(Event.Presence.class));
    carol.assertQuiet();
  }

  @Test
  void directConversationPeersWithAMessageHearPresencePeersWithoutOneDoNot() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    TestClient carol = chat.user("carol");
    alice.send("@bob", "hi bob");
    carol.history("@bob", null, null, null); // carol looked, but nobody wrote
    drainAll(alice, bob, carol);

    closeAndWait(bob);
    assertEquals(new Event.Presence("bob", false), alice.events.next(Event.Presence.class));

    TestClient bobAgain = chat.secondSession(bob);
    assertEquals(new Event.Presence("bob", true), alice.events.next(Event.Presence.class));
    alice.assertQuiet();
    carol.assertQuiet();

    closeAndWait(alice);
    assertEquals(new Event.Presence("alice", false), bobAgain.events.next(Event.Presence.class),
        "either party of the direct conversation hears the other");
    bobAgain.assertQuiet();
  }

  @Test
  void aMembersListShowsWhoIsOnline() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    TestClient bobPhone = chat.secondSession(bob);

    assertEquals(List.of(
            new Result.MemberInfo("alice", "owner", true),
            new Result.MemberInfo("bob", "member", true)),
        members(alice, "general").stream()
            .sorted(Comparator.comparing(Result.MemberInfo::user)).toList());

    closeAndWait(bobPhone);
    assertEquals(new Result.MemberInfo("bob", "member", true), member(alice, "general", "bob"),
        "bob still has a session");

    closeAndWait(bob);
    assertEquals(new Result.MemberInfo("bob", "member", false), member(alice, "general", "bob"));

    chat.secondSession(bob);
    assertEquals(new Result.MemberInfo("bob", "member", true), member(alice, "general", "bob"));
  }
}
