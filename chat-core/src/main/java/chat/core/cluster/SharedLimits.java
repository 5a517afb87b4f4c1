package chat.core.cluster;

/**
 * Token buckets that hold across nodes: a user connected to three nodes may send no faster than
 * on one. A single server keeps them in memory; a cluster in Redis, taken by one atomic script.
 */
public interface SharedLimits {
  /**
   * Takes one token from the bucket named {@code key} (refilled at {@code perSecond} up to
   * {@code burst}); returns 0 if taken, else the milliseconds until one will be there. A bucket
   * untouched for a while may be forgotten (it is full again by then anyway).
   */
  long tryTake(String key, double perSecond, int burst);

  /**
   * Like {@link #tryTake} but takes nothing: 0 if a token is there now, else the milliseconds
   * until one will be. For budgets spent only by failures (failed logins), checked before the
   * attempt and taken after it failed.
   */
  long peek(String key, double perSecond, int burst);

  /**
   * {@link #tryTake} of the bucket of {@code subject} (a user, an address) among the buckets of
   * {@code kind} ("send", "login-fail-ip"). Implementations that keep buckets in memory override
   * it to find the bucket without building a key string on every call (sends take one each).
   */
  default long tryTake(String kind, String subject, double perSecond, int burst) {
    return tryTake(kind + ":" + subject, perSecond, burst);
  }

  /** {@link #peek} of the bucket of {@code subject} among those of {@code kind}. */
  default long peek(String kind, String subject, double perSecond, int burst) {
    return peek(kind + ":" + subject, perSecond, burst);
  }
}
