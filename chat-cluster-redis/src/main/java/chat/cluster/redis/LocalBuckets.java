package chat.cluster.redis;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets in this node's memory: what {@link RedisSharedLimits} falls back to while Redis
 * is unreachable, with the same answers as its script. Forgotten all at once when there are too
 * many (a forgotten bucket is a full one: at worst one burst more) or when Redis is back.
 */
final class LocalBuckets {
  private static final int MAX_BUCKETS = 100_000;

  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  long tryTake(String key, double perSecond, int burst) {
    return bucket(key, burst).take(perSecond, burst, true);
  }

  long peek(String key, double perSecond, int burst) {
    return bucket(key, burst).take(perSecond, burst, false);
  }

  private Bucket bucket(String key, int burst) {
    if (buckets.size() >= MAX_BUCKETS) {
      buckets.clear();
    }
    return buckets.computeIfAbsent(key, k -> new Bucket(burst));
  }

  void clear() {
    buckets.clear();
  }

  private static final class Bucket {
    // Guarded by this.
    private double tokens;
    private long lastNanos = System.nanoTime();

    Bucket(int burst) {
      this.tokens = burst;
    }

    /** Takes a token if {@code take} and there is one; 0 if there is, else ms until one. */
    synchronized long take(double perSecond, int burst, boolean take) {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - lastNanos) * perSecond / 1e9);
      lastNanos = now;
      if (tokens >= 1) {
        if (take) {
          tokens -= 1;
        }
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) * 1000 / perSecond));
    }
  }
}
