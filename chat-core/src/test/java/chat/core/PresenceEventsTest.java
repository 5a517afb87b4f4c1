package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.Event;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/protocol.md, "presence": a user's online and offline changes are announced at most at a
 * rate (here 2 a second, a burst of 3); beyond it a change waits, and once a token is back the
 * user's state as it then is is announced once. Time is the test's ticker.
 */
class PresenceEventsTest {
  private static final ChatConfig.UserLimits TWO_A_SECOND =
      ChatConfig.UserLimits.DEFAULTS.withPresenceChanges(120, 3);
  private static final Duration ONE_TOKEN = Duration.ofMillis(500);

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().userLimits(TWO_A_SECOND));

  /** Closes {@code c} and waits until the server has handled the close. */
  private static void closeAndWait(TestClient c) {
    c.close();
    while (!(c.events.nextObject() instanceof EventRecorder.Closed)) {
      // each wait is bounded by EventRecorder.TIMEOUT_SECONDS
    }
  }

  /** Alice, and a user {@code name} in her room, online; everything so far drained. */
  private TestClient roomMate(TestClient alice, String name) {
    TestClient mate = chat.user(name); // its first sign-in: one of its tokens
    mate.join("general");
    alice.barrier();
    alice.events.drain();
    return mate;
  }

  @Test
  void flapsBeyondTheBurstAreAnnouncedOnceWithTheStateAsItThenIs() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = roomMate(alice, "bob");

    closeAndWait(bob);
    TestClient bob2 = chat.secondSession(bob); // the burst of three is spent here
    assertEquals(new Event.Presence("bob", false), alice.events.next(Event.Presence.class));
    assertEquals(new Event.Presence("bob", true), alice.events.next(Event.Presence.class));

    closeAndWait(bob2);
    TestClient bob3 = chat.secondSession(bob);
    closeAndWait(bob3);
    TestClient bob4 = chat.secondSession(bob);
    alice.assertQuiet(); // three changes wait, none announced

    chat.ticker.advance(ONE_TOKEN);
    assertEquals(new Event.Presence("bob", true), alice.events.next(Event.Presence.class));
    alice.assertQuiet(); // one announcement for the three: bob is online now

    closeAndWait(bob4);
    alice.assertQuiet();
    chat.ticker.advance(ONE_TOKEN);
    assertEquals(new Event.Presence("bob", false), alice.events.next(Event.Presence.class));
    alice.assertQuiet();
    assertEquals(0, chat.core.instance(PresenceEvents.class).waitingUsers());
  }

  @Test
  void oneUsersWaitingChangeDoesNotHoldBackAnothers() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = roomMate(alice, "bob");
    TestClient carol = roomMate(alice, "carol");
    closeAndWait(bob);
    TestClient bob2 = chat.secondSession(bob);
    closeAndWait(bob2); // waits
    alice.barrier();
    alice.events.drain();

    closeAndWait(carol);

    assertEquals(new Event.Presence("carol", false), alice.events.next(Event.Presence.class));
    alice.assertQuiet();
    assertEquals(1, chat.core.instance(PresenceEvents.class).waitingUsers());
  }
}
