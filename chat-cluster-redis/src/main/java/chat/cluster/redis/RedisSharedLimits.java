package chat.cluster.redis;

import chat.core.cluster.SharedLimits;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets in Redis, shared by every node: one hash per bucket ({@code tokens} and the
 * time of the last refill {@code at}, in Redis' own clock, so the nodes' clocks do not matter),
 * taken by one atomic script and expiring once it would be full again.
 *
 * <p>Never throws and never waits long: while Redis is unreachable or slower than
 * {@link #DEFAULT_TIMEOUT}, buckets are kept in this node's memory instead (so a user on three
 * nodes may briefly get three budgets), logged once at WARN; after a failure Redis is asked
 * again after {@value #RETRY_MS} ms.
 */
public final class RedisSharedLimits implements SharedLimits, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisSharedLimits.class);
  /** How long one take may wait for Redis before the local bucket answers. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
  static final long RETRY_MS = 1_000;

  /**
   * KEYS[1] the bucket; ARGV: tokens per second, burst, 1 to take a token or 0 only to look.
   * Returns 0 if a token was there (and, taking, was taken), else the milliseconds until one
   * will be (at least 1).
   */
  private static final Script TAKE = new Script("""
      local time = redis.call('TIME')
      local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
      local perMs = tonumber(ARGV[1]) / 1000
      local burst = tonumber(ARGV[2])
      local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
      local tokens = tonumber(state[1]) or burst
      local at = tonumber(state[2]) or now
      if now > at then
        tokens = math.min(burst, tokens + (now - at) * perMs)
        at = now
      end
      local wait = 0
      if tokens >= 1 then
        tokens = tokens - tonumber(ARGV[3])
      else
        wait = math.max(1, math.ceil((1 - tokens) / perMs))
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
      redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / perMs) + 1000)
      return wait
      """, ScriptOutputType.INTEGER);

  private final Redis redis;
  private final String prefix;
  private final long timeoutMs;
  private final LazyConnection connection;
  private final LocalBuckets local = new LocalBuckets();
  private final OutageLog outage = new OutageLog(log, "Shared rate limits",
      "each node limits on its own until it is back");
  private volatile long retryAtNanos = System.nanoTime();

  /** Buckets under {@code prefix} (e.g. {@code chat:limit:}) of {@code redis}. */
  public RedisSharedLimits(Redis redis, String prefix) {
    this(redis, prefix, DEFAULT_TIMEOUT);
  }

  /** As above, waiting for Redis at most {@code timeout} per take. */
  public RedisSharedLimits(Redis redis, String prefix, Duration timeout) {
    this.redis = Objects.requireNonNull(redis, "redis is null");
    this.prefix = Objects.requireNonNull(prefix, "prefix is null");
    this.timeoutMs = Objects.requireNonNull(timeout, "timeout is null").toMillis();
    this.connection = new LazyConnection(redis);
    connection.open(); // a failure is the fallback's business at the first take
  }

  @Override
  public long tryTake(String key, double perSecond, int burst) {
    return take(key, perSecond, burst, true);
  }

  @Override
  public long peek(String key, double perSecond, int burst) {
    return take(key, perSecond, burst, false);
  }

  private long take(String key, double perSecond, int burst, boolean take) {
    Objects.requireNonNull(key, "key is null");
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("perSecond must be > 0 and burst >= 1: " + perSecond
          + ", " + burst);
    }
    if (System.nanoTime() - retryAtNanos >= 0) {
      RedisAsyncCommands<String, String> commands = connection.commands();
      try {
        if (commands == null) {
          throw new IllegalStateException("no connection");
        }
        Long wait = TAKE.<Long>run(commands, new String[] {prefix + key},
            Double.toString(perSecond), Integer.toString(burst), take ? "1" : "0")
            .get(timeoutMs, TimeUnit.MILLISECONDS);
        if (outage.isDown()) {
          local.clear();
        }
        outage.succeeded(redis);
        return wait;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed(e);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        failed(e);
      }
    }
    return take ? local.tryTake(key, perSecond, burst) : local.peek(key, perSecond, burst);
  }

  @Override
  public void close() {
    connection.close();
  }

  private void failed(Exception e) {
    retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MS);
    outage.failed(redis, e);
  }
}
