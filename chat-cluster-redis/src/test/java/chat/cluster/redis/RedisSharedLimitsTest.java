package chat.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisSharedLimitsTest {
  @RegisterExtension static final PrivateRedis server = new PrivateRedis();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  /** Slow enough that no token comes back during a test. */
  private static final double NO_REFILL = 0.001;

  private Redis redis;
  private RedisSharedLimits one;
  private RedisSharedLimits two;
  private String prefix;

  @BeforeEach
  void setUp() throws Exception {
    if (!server.isRunning()) {
      server.start();
    }
    redis = Redis.create(server.url());
    prefix = "test:limit:" + PREFIXES.incrementAndGet() + ":";
    one = new RedisSharedLimits(redis, prefix);
    two = new RedisSharedLimits(redis, prefix);
  }

  @AfterEach
  void tearDown() {
    one.close();
    two.close();
    redis.close();
  }

  @Test
  void twoNodesShareOneBudget() {
    int taken = 0;
    for (int i = 0; i < 10; i++) {
      if ((i % 2 == 0 ? one : two).tryTake("sends:ann", NO_REFILL, 5) == 0) {
        taken++;
      }
    }
    assertEquals(5, taken, "a burst of 5 across both nodes");
    assertTrue(one.tryTake("sends:ann", NO_REFILL, 5) > 0);
    assertEquals(0, two.tryTake("sends:bob", NO_REFILL, 5), "another key has its own bucket");
  }

  @Test
  void aPeekTakesNothingAndSeesWhatTheOtherNodeTook() {
    assertEquals(0, one.peek("fails:ann", NO_REFILL, 2));
    assertEquals(0, one.peek("fails:ann", NO_REFILL, 2), "looking twice takes nothing");
    assertEquals(0, two.tryTake("fails:ann", NO_REFILL, 2));
    assertEquals(0, two.tryTake("fails:ann", NO_REFILL, 2));
    assertTrue(one.peek("fails:ann", NO_REFILL, 2) > 0, "node two spent the budget");
  }

  @Test
  void theBucketRefillsAtItsRateAndSaysHowLongToWait() {
    assertEquals(0, one.tryTake("k", 1, 1));
    long wait = two.tryTake("k", 1, 1);
    assertTrue(wait > 0 && wait <= 1_000, "about a second at 1/s: " + wait);
    assertTrue(one.tryTake("k", 1, 1) > 0, "still empty for the other node");
    Waits.until(WAIT, () -> one.tryTake("k", 1, 1) == 0, "a token after the refill");
  }

  @Test
  void anIdleBucketExpiresOnceFull() {
    one.tryTake("idle", 10, 2); // full again 100 ms later
    try (StatefulRedisConnection<String, String> c = redis.client().connect()) {
      long ttl = c.sync().pttl(prefix + "idle");
      assertTrue(ttl > 0 && ttl <= 1_100, "expires soon after it is full: " + ttl);
    }
  }

  @Test
  void withRedisDownEachNodeLimitsOnItsOwnWithoutWaiting() throws Exception {
    server.kill();
    long start = System.nanoTime();
    assertEquals(0, one.tryTake("cat", NO_REFILL, 2));
    assertEquals(0, one.tryTake("cat", NO_REFILL, 2));
    assertTrue(one.tryTake("cat", NO_REFILL, 2) > 0, "the local bucket is empty");
    assertEquals(0, two.tryTake("cat", NO_REFILL, 2), "another node's own bucket");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 2_000, "took " + tookMs + " ms");

    server.start();
    Waits.until(WAIT, () -> one.tryTake("dot", NO_REFILL, 1) == 0
        && two.tryTake("dot", NO_REFILL, 1) > 0, "shared again once Redis is back");
  }
}
