package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/protocol.md, "Limits and overload": joins and leaves that change a user's rooms, each an
 * event to every member, are limited per user (here 60 a minute, a burst of 3); those that change
 * nothing are free.
 */
class JoinLimitTest {
  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().userLimits(
      ChatConfig.UserLimits.DEFAULTS.withJoins(60, 3)));

  private static void leave(TestClient c, String room) {
    c.ok(new Request.Leave(TestClient.nextId(), room));
  }

  @Test
  void changesBeyondTheBurstAreRefusedAndToldToNobodyWhileNoChangeIsFree() {
    TestClient alice = chat.user("alice");
    for (String room : new String[] {"a", "b", "c", "d"}) {
      alice.createRoom(room, false);
    }
    TestClient bob = chat.user("bob");
    bob.join("a");
    bob.join("b");
    bob.join("c");
    alice.barrier();
    alice.events.drain();

    Event.Error refused = bob.error(new Request.Join(TestClient.nextId(), "d"),
        ErrorCode.RATE_LIMITED);
    assertEquals(1_000L, refused.retryAfterMs(), "one token a second at 60 a minute");
    bob.error(new Request.Leave(TestClient.nextId(), "a"), ErrorCode.RATE_LIMITED);
    bob.join("a"); // already a member: no change, no token
    leave(bob, "d"); // not a member: no change, no token
    alice.assertQuiet(); // no member event for any of these

    chat.ticker.advance(Duration.ofSeconds(1));
    leave(bob, "a");
    assertEquals(new Event.Member("#a", "bob", "leave", null),
        alice.events.next(Event.Member.class));
    bob.error(new Request.Join(TestClient.nextId(), "d"), ErrorCode.RATE_LIMITED);
    alice.assertQuiet();
  }
}
