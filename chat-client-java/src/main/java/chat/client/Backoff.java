package chat.client;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with jitter: before reconnect attempt {@code n} (0 for the first after a
 * connection was lost) the client waits a random time in {@code [ceiling / 2, ceiling]}, where
 * {@code ceiling = min(max, base * 2^n)}. The randomness spreads the reconnects of many clients
 * after a server restart; the lower half keeps a delay from collapsing to zero.
 */
final class Backoff {
  private final long baseMs;
  private final long maxMs;
  private final LongUnaryOperator random; // bound -> a value in [0, bound)

  Backoff(long baseMs, long maxMs) {
    this(baseMs, maxMs, bound -> ThreadLocalRandom.current().nextLong(bound));
  }

  Backoff(long baseMs, long maxMs, LongUnaryOperator random) {
    if (baseMs < 1 || maxMs < baseMs) {
      throw new IllegalArgumentException(
          "need 1 <= base <= max, not base " + baseMs + " ms, max " + maxMs + " ms");
    }
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** The delay before attempt {@code attempt} (0-based), in ms. */
  long delayMs(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt is negative: " + attempt);
    }
    int doublings = Math.min(attempt, 40); // base * 2^40 overflows nothing below max anyway
    long ceiling = baseMs > (maxMs >> doublings) ? maxMs : Math.min(maxMs, baseMs << doublings);
    long floor = ceiling / 2;
    return floor + random.applyAsLong(ceiling - floor + 1);
  }
}
