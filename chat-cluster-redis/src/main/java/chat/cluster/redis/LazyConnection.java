package chat.cluster.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A command connection opened in the background, for users that must never wait for Redis or
 * fail without it. Once open, Lettuce keeps it reconnecting by itself; until then (Redis was
 * down when it was first needed) an attempt is made at most every {@value #RETRY_MS} ms.
 */
final class LazyConnection implements AutoCloseable {
  static final long RETRY_MS = 1_000;

  private final Redis redis;
  private final AtomicBoolean connecting = new AtomicBoolean();
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile long lastAttemptNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private volatile boolean closed;

  LazyConnection(Redis redis) {
    this.redis = redis;
  }

  /** The connection's commands, or null while there is none (an attempt is then under way). */
  RedisAsyncCommands<String, String> commands() {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      return c.async();
    }
    long now = System.nanoTime();
    if (!closed && now - lastAttemptNanos >= TimeUnit.MILLISECONDS.toNanos(RETRY_MS)
        && connecting.compareAndSet(false, true)) {
      lastAttemptNanos = now;
      redis.client().connectAsync(StringCodec.UTF8, redis.uri()).whenComplete((opened, e) -> {
        if (opened != null) {
          if (closed) {
            opened.closeAsync();
          } else {
            connection = opened;
          }
        }
        connecting.set(false);
      });
    }
    return null;
  }

  /** Opens the connection now, waiting for it at most the command timeout; false if it failed. */
  boolean open() {
    if (connection != null) {
      return true;
    }
    CompletableFuture<StatefulRedisConnection<String, String>> opening =
        redis.client().connectAsync(StringCodec.UTF8, redis.uri()).toCompletableFuture();
    try {
      connection = opening.get(redis.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // commands() tries again later
    }
    opening.thenAccept(StatefulRedisConnection::closeAsync); // if it opens after all
    return false;
  }

  @Override
  public void close() {
    closed = true;
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      c.close();
    }
  }
}
