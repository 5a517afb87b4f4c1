package chat.core;

/**
 * A token bucket: {@code capacity} tokens, refilled at {@code perSecond}. Thread-safe.
 */
final class TokenBucket {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Ticker ticker;
  private final double capacity;
  private final double perNano;
  // Guarded by this.
  private double tokens;
  private long lastRefill;

  TokenBucket(Ticker ticker, double perSecond, int capacity) {
    this.ticker = ticker;
    this.capacity = capacity;
    this.perNano = (double) perSecond / NANOS_PER_SECOND;
    this.tokens = capacity;
    this.lastRefill = ticker.nanos();
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 if taken, else how many milliseconds until one will be there (at least 1)
   */
  synchronized long tryTake() {
    return tryTake(1);
  }

  /**
   * Takes {@code cost} tokens (at most the capacity) if there are that many.
   *
   * @return 0 if taken, else how many milliseconds until there will be (at least 1)
   */
  synchronized long tryTake(double cost) {
    long wait = peek(cost);
    if (wait == 0) {
      tokens -= cost;
    }
    return wait;
  }

  /** Whether the bucket has refilled completely: forgetting it changes nothing. */
  synchronized boolean isFull() {
    peek();
    return tokens >= capacity;
  }

  /** 0 if a token is there now (none is taken), else the milliseconds until one will be. */
  synchronized long peek() {
    return peek(1);
  }

  private long peek(double cost) {
    if (cost > capacity) {
      throw new IllegalArgumentException("cost " + cost + " over the capacity " + capacity);
    }
    long now = ticker.nanos();
    tokens = Math.min(capacity, tokens + (now - lastRefill) * perNano);
    lastRefill = now;
    if (tokens >= cost) {
      return 0;
    }
    double nanosToWait = (cost - tokens) / perNano;
    return Math.max(1, (long) Math.ceil(nanosToWait / 1_000_000));
  }
}
