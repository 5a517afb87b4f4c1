package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacer that keeps the client under the server's frame and send limits. */
class TokenBucketTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void startsFullThenSaysHowLongUntilTheNextToken() {
    TokenBucket bucket = new TokenBucket(10, 3, now::get);

    assertEquals(0, bucket.tryTake());
    assertEquals(0, bucket.tryTake());
    assertEquals(0, bucket.tryTake());
    assertEquals(TimeUnit.MILLISECONDS.toNanos(100), bucket.tryTake());

    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(40));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(60), bucket.tryTake(), 1.0);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(60));
    assertEquals(0, bucket.tryTake());
    assertEquals(TimeUnit.MILLISECONDS.toNanos(100), bucket.tryTake(), 1.0);
  }

  @Test
  void savesUpAtMostTheBurst() {
    TokenBucket bucket = new TokenBucket(100, 2, now::get);
    now.addAndGet(TimeUnit.SECONDS.toNanos(60));

    assertEquals(0, bucket.tryTake());
    assertEquals(0, bucket.tryTake());
    long wait = bucket.tryTake();
    assertEquals(TimeUnit.MILLISECONDS.toNanos(10), wait, 1.0);
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, now::get));
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, now::get));
  }
}
