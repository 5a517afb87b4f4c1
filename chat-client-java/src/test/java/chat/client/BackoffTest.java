package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reconnect delays: doubling ceilings, capped, with the jitter in the upper half. */
class BackoffTest {

  @Test
  void lowestRandomValueGivesHalfTheCeilingHighestGivesTheCeiling() {
    Backoff low = new Backoff(100, 10_000, bound -> 0);
    Backoff high = new Backoff(100, 10_000, bound -> bound - 1);

    assertEquals(50, low.delayMs(0));
    assertEquals(100, high.delayMs(0));
    assertEquals(100, low.delayMs(1));
    assertEquals(200, high.delayMs(1));
    assertEquals(400, low.delayMs(3));
    assertEquals(800, high.delayMs(3));
  }

  @Test
  void ceilingStopsAtMaxAndLargeAttemptsDoNotOverflow() {
    Backoff high = new Backoff(250, 30_000, bound -> bound - 1);
    Backoff low = new Backoff(250, 30_000, bound -> 0);

    assertEquals(30_000, high.delayMs(7)); // 250 * 128 = 32,000 > max
    assertEquals(15_000, low.delayMs(7));
    assertEquals(30_000, high.delayMs(63));
    assertEquals(30_000, high.delayMs(Integer.MAX_VALUE));
    assertEquals(15_000, low.delayMs(1_000));
  }

  @Test
  void realRandomDelaysStayWithinBoundsAndVary() {
    Backoff backoff = new Backoff(250, 30_000);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      long d = backoff.delayMs(2); // ceiling 1,000
      assertTrue(d >= 500 && d <= 1_000, "delay " + d);
      seen.add(d);
    }
    assertTrue(seen.size() > 100, "jitter spreads delays: " + seen.size() + " distinct values");
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 10));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 100).delayMs(-1));
  }
}
