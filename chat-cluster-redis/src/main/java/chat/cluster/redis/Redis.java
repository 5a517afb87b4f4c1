package chat.cluster.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One node's client of one Redis server, shared by {@link RedisNodeBus}, {@link RedisPresence}
 * and {@link RedisSharedLimits}: one small set of I/O threads, one reconnect policy, one command
 * timeout. Creating it connects nothing; each user opens its own connections. Close it after
 * stopping them.
 *
 * <p>While Redis is unreachable, commands fail at once instead of queueing (a queue would replay
 * stale publishes and hold callers), and Lettuce reconnects in the background, first after
 * {@value #RECONNECT_MIN_MS} ms and then at most every {@value #RECONNECT_MAX_MS} ms. Lettuce's
 * own reconnect lines (INFO and WARN, at most one pair per connection every 5 s) can be turned
 * off with the logger {@code io.lettuce.core.protocol.ConnectionWatchdog} at {@code error}: the
 * users of this class log each outage once, at WARN, and its end at INFO.
 */
public final class Redis implements AutoCloseable {
  /** How long a command may take before it fails, unless given. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  static final long RECONNECT_MIN_MS = 100;
  static final long RECONNECT_MAX_MS = 2_000;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Commands in flight per connection beyond which new ones fail at once (Redis stalled). */
  private static final int REQUEST_QUEUE_SIZE = 65_536;

  private final String url;
  private final RedisURI uri;
  private final ClientResources resources;
  private final RedisClient client;
  private final Duration commandTimeout;

  private Redis(String url, RedisURI uri, Duration commandTimeout) {
    this.url = url;
    this.uri = uri;
    this.commandTimeout = commandTimeout;
    this.resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(RECONNECT_MIN_MS),
            Duration.ofMillis(RECONNECT_MAX_MS), 2, TimeUnit.MILLISECONDS))
        .build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(REQUEST_QUEUE_SIZE)
        .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true)
            .tcpNoDelay(true).build())
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
        .build());
  }

  /**
   * A client of the Redis at {@code url} ({@code redis://HOST:PORT[/DB]}, or {@code rediss://}
   * for TLS; a password as {@code redis://:PASSWORD@HOST:PORT}).
   *
   * @throws IllegalArgumentException if {@code url} is not such a URL
   */
  public static Redis create(String url) {
    return create(url, DEFAULT_COMMAND_TIMEOUT);
  }

  /** As {@link #create(String)}, with the time a command may take before it fails. */
  public static Redis create(String url, Duration commandTimeout) {
    return create(url, null, commandTimeout);
  }

  /**
   * As {@link #create(String, Duration)}, signing in with {@code password} (Redis' {@code
   * requirepass}, ElastiCache's AUTH token), which then wins over one in the URL; null: the
   * URL's, if any. Kept out of the URL, the password never shows in {@link #toString}.
   */
  public static Redis create(String url, String password, Duration commandTimeout) {
    Objects.requireNonNull(url, "url is null");
    Objects.requireNonNull(commandTimeout, "commandTimeout is null");
    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new IllegalArgumentException("not a Redis URL (redis://HOST:PORT): " + redacted(url));
    }
    RedisURI uri;
    try {
      uri = RedisURI.create(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a Redis URL (redis://HOST:PORT): " + redacted(url),
          e);
    }
    uri.setTimeout(commandTimeout);
    if (password != null) {
      uri.setAuthentication((CharSequence) password);
    }
    return new Redis(url, uri, commandTimeout);
  }

  RedisClient client() {
    return client;
  }

  RedisURI uri() {
    return uri;
  }

  Duration commandTimeout() {
    return commandTimeout;
  }

  /** The URL without its password, for logs and messages. */
  @Override
  public String toString() {
    return redacted(url);
  }

  /** Shuts the client and its threads down; connections still open are closed. */
  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** {@code url} with the user information (which may hold a password) replaced by "***". */
  static String redacted(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return url;
    }
    return url.substring(0, scheme + 3) + "***" + url.substring(at);
  }
}
