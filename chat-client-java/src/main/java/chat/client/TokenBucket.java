package chat.client;

import java.util.function.LongSupplier;

/**
 * A token bucket on a nanosecond clock: {@code perSecond} tokens a second, at most {@code burst}
 * saved up, full at the start. Used to stay under the server's limits rather than be refused by
 * them. Not thread-safe: only the client's state thread uses it.
 */
final class TokenBucket {
  private final double tokensPerNano;
  private final double capacity;
  private final LongSupplier nanoClock;
  private double tokens;
  private long last;

  TokenBucket(double perSecond, double burst, LongSupplier nanoClock) {
    if (!(perSecond > 0) || !(burst >= 1)) {
      throw new IllegalArgumentException(
          "need perSecond > 0 and burst >= 1, not " + perSecond + " and " + burst);
    }
    this.tokensPerNano = perSecond / 1e9;
    this.capacity = burst;
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.last = nanoClock.getAsLong();
  }

  /** Takes a token and returns 0, or takes nothing and returns the nanoseconds until one is due. */
  long tryTake() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) * tokensPerNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano));
  }
}
