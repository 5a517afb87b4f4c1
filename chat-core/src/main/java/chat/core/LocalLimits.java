package chat.core;

import chat.core.cluster.SharedLimits;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets in this process: the limits of a single server. Buckets are found by kind, then
 * by subject, so a send builds no key. A full bucket holds nothing worth keeping: when a kind has
 * grown past twice its size after the last sweep (and past {@link #MIN_SWEEP}), its full buckets
 * are dropped, so users and addresses seen once do not stay in memory for ever.
 */
final class LocalLimits implements SharedLimits {
  static final int MIN_SWEEP = 4096;

  private final Ticker ticker;
  private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();

  @Inject
  LocalLimits(Ticker ticker) {
    this.ticker = ticker;
  }

  @Override
  public long tryTake(String key, double perSecond, int burst) {
    return tryTake("", key, perSecond, burst);
  }

  @Override
  public long peek(String key, double perSecond, int burst) {
    return peek("", key, perSecond, burst);
  }

  @Override
  public long tryTake(String kind, String subject, double perSecond, int burst) {
    return bucket(kind, subject, perSecond, burst).tryTake();
  }

  /**
   * Like {@link #tryTake(String, String, double, int)}, taking {@code cost} tokens at once (at
   * most {@code burst}): for budgets of work rather than of requests.
   */
  long tryTake(String kind, String subject, double perSecond, int burst, double cost) {
    return bucket(kind, subject, perSecond, burst).tryTake(cost);
  }

  @Override
  public long peek(String kind, String subject, double perSecond, int burst) {
    return bucket(kind, subject, perSecond, burst).peek();
  }

  /** How many buckets are held, over all kinds (for tests). */
  int size() {
    return kinds.values().stream().mapToInt(k -> k.buckets.size()).sum();
  }

  private TokenBucket bucket(String kind, String subject, double perSecond, int burst) {
    Kind k = kinds.get(kind);
    if (k == null) {
      k = kinds.computeIfAbsent(kind, name -> new Kind());
    }
    TokenBucket bucket = k.buckets.get(subject);
    if (bucket == null) {
      k.sweepIfLarge();
      bucket = k.buckets.computeIfAbsent(subject, s -> new TokenBucket(ticker, perSecond, burst));
    }
    return bucket;
  }

  private static final class Kind {
    final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private volatile int sweepAt = MIN_SWEEP;

    void sweepIfLarge() {
      if (buckets.size() < sweepAt) {
        return;
      }
      synchronized (this) {
        if (buckets.size() < sweepAt) {
          return; // another thread just swept
        }
        for (Iterator<TokenBucket> it = buckets.values().iterator(); it.hasNext(); ) {
          if (it.next().isFull()) {
            it.remove();
          }
        }
        sweepAt = Math.max(MIN_SWEEP, 2 * buckets.size());
      }
    }
  }
}
