package chat.core;

import chat.core.cluster.SharedLimits;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Token buckets in this process: the limits of a single server. */
final class LocalLimits implements SharedLimits {
  private final Ticker ticker;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  @Inject
  LocalLimits(Ticker ticker) {
    this.ticker = ticker;
  }

  @Override
  public long tryTake(String key, double perSecond, int burst) {
    return bucket(key, perSecond, burst).tryTake();
  }

  @Override
  public long peek(String key, double perSecond, int burst) {
    return bucket(key, perSecond, burst).peek();
  }

  private TokenBucket bucket(String key, double perSecond, int burst) {
    return buckets.computeIfAbsent(key, k -> new TokenBucket(ticker, perSecond, burst));
  }
}
