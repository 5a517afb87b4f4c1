package chat.client;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: a random delay in [min, min(max, base * 2^attempt)]. */
final class Backoff {
  private final long baseMs;
  private final long maxMs;

  Backoff(long baseMs, long maxMs) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  long delayMs(int attempt) {
    long ceiling = Math.min(maxMs, baseMs << Math.min(attempt, 20));
    long floor = Math.min(baseMs / 2, ceiling);
    return floor + ThreadLocalRandom.current().nextLong(ceiling - floor + 1);
  }
}
