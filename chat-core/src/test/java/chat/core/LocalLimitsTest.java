package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalLimitsTest {
  private final ManualTicker ticker = new ManualTicker();
  private final LocalLimits limits = new LocalLimits(ticker);

  @Test
  void aSubjectHasOneBucketPerKind() {
    assertEquals(0, limits.tryTake("send", "ann", 1, 1));
    assertTrue(limits.tryTake("send", "ann", 1, 1) > 0, "ann's send bucket is empty");
    assertEquals(0, limits.tryTake("send", "bob", 1, 1), "bob has his own");
    assertEquals(0, limits.tryTake("login-fail-user", "ann", 1, 1), "another kind, another bucket");
    assertEquals(0, limits.peek("search", "ann", 1, 1));
    assertEquals(0, limits.peek("search", "ann", 1, 1), "peeking takes nothing");
    ticker.advance(Duration.ofSeconds(1));
    assertEquals(0, limits.tryTake("send", "ann", 1, 1), "refilled");
  }

  /** A budget of work: a take may cost several tokens, and waits until that many are back. */
  @Test
  void aTakeMayCostSeveralTokens() {
    assertEquals(0, limits.tryTake("work", "room", 10, 10, 4));
    assertEquals(0, limits.tryTake("work", "room", 10, 10, 4));
    assertEquals(200, limits.tryTake("work", "room", 10, 10, 4), "2 left, 2 more at 10 a second");
    assertEquals(0, limits.tryTake("work", "room", 10, 10, 1), "a cheaper take still fits");
    ticker.advance(Duration.ofMillis(300));
    assertEquals(0, limits.tryTake("work", "room", 10, 10, 4));
    assertThrows(IllegalArgumentException.class,
        () -> limits.tryTake("work", "room", 10, 10, 11), "more than the bucket ever holds");
  }

  @Test
  void theOneKeyFormIsItsOwnKind() {
    assertEquals(0, limits.tryTake("send:ann", 1, 1));
    assertTrue(limits.tryTake("send:ann", 1, 1) > 0);
    assertEquals(0, limits.tryTake("send", "ann", 1, 1));
  }

  @Test
  void fullBucketsAreForgottenOnceAKindGrows() {
    // Users seen once, long ago: their buckets are full again.
    for (int i = 0; i < LocalLimits.MIN_SWEEP - 2; i++) {
      limits.tryTake("send", "old" + i, 1, 5);
    }
    ticker.advance(Duration.ofMinutes(1));
    // Two users who just spent tokens: their buckets must survive the sweep.
    limits.tryTake("send", "busy", 1, 1);
    limits.tryTake("send", "also-busy", 1, 1);
    assertEquals(LocalLimits.MIN_SWEEP, limits.size());

    limits.tryTake("send", "newcomer", 1, 1); // past the threshold: sweeps, then adds

    assertEquals(3, limits.size(), "only the two empty buckets and the newcomer's are left");
    assertTrue(limits.tryTake("send", "busy", 1, 1) > 0, "a swept bucket would be full again");
    assertTrue(limits.tryTake("send", "also-busy", 1, 1) > 0);
  }
}
