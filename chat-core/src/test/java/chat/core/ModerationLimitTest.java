package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/protocol.md, "Limits and overload": an owner's or moderator's changes to a room, each an
 * event to every member, are limited per user (here 60 a minute, a burst of 3); requests refused
 * for another reason do not count.
 */
class ModerationLimitTest {
  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().userLimits(
      ChatConfig.UserLimits.DEFAULTS.withModeration(60, 3)));

  @Test
  void changesBeyondTheBurstAreRefusedAndToldToNobody() {
    TestClient alice = chat.user("alice");
    alice.createRoom("r", true);
    TestClient bob = chat.user("bob");
    chat.user("carol");
    chat.user("dave");
    alice.ok(new Request.SetTopic(TestClient.nextId(), "r", "plans"));
    alice.invite("r", "bob");
    alice.error(new Request.Invite(TestClient.nextId(), "r", "nobody"), ErrorCode.NOT_FOUND);
    bob.error(new Request.Kick(TestClient.nextId(), "r", "alice"), ErrorCode.FORBIDDEN);
    alice.invite("r", "carol"); // the third: refused ones above took no token
    bob.settle();

    Event.Error refused = alice.error(new Request.Invite(TestClient.nextId(), "r", "dave"),
        ErrorCode.RATE_LIMITED);
    assertEquals(1_000L, refused.retryAfterMs(), "one token a second at 60 a minute");
    alice.error(new Request.Kick(TestClient.nextId(), "r", "bob"), ErrorCode.RATE_LIMITED);
    alice.error(new Request.Ban(TestClient.nextId(), "r", "carol"), ErrorCode.RATE_LIMITED);
    alice.error(new Request.SetTopic(TestClient.nextId(), "r", "later"), ErrorCode.RATE_LIMITED);
    bob.assertQuiet(); // no event for any of them
    assertEquals(3, alice.members("r").size(), "dave was not invited");

    chat.ticker.advance(Duration.ofSeconds(1));
    alice.kick("r", "carol");
    assertEquals(new Event.Member("#r", "carol", "kick", null),
        bob.events.next(Event.Member.class));
    alice.error(new Request.Invite(TestClient.nextId(), "r", "dave"), ErrorCode.RATE_LIMITED);
  }

  @Test
  void deletingOthersMessagesCountsAndLeavesTheModeratorsSendsAlone() {
    TestClient alice = chat.user("alice");
    alice.createRoom("r", false);
    TestClient bob = chat.user("bob");
    bob.join("r");
    long[] seqs = new long[4];
    for (int i = 0; i < seqs.length; i++) {
      seqs[i] = bob.send("#r", "spam " + i).seq();
    }
    alice.settle();
    for (int i = 0; i < 3; i++) {
      alice.ok(new Request.DeleteMessage(TestClient.nextId(), "#r", seqs[i]), Result.Changed.class);
    }
    bob.settle();

    alice.error(new Request.DeleteMessage(TestClient.nextId(), "#r", seqs[3]),
        ErrorCode.RATE_LIMITED);
    bob.assertQuiet();
    assertEquals(5, alice.send("#r", "cleaned up").seq(), "her sends have a bucket of their own");
    Event.Message left = bob.history("#r", null, null, null).messages().get(3);
    assertEquals(seqs[3], left.seq());
    assertEquals("spam 3", left.text());
  }
}
