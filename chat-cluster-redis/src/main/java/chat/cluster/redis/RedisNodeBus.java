package chat.cluster.redis;

import chat.core.ChatMetrics;
import chat.core.cluster.NodeBus;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node bus on Redis pub/sub: every node subscribes to one channel and publishes to it.
 *
 * <p>Two connections: one subscribed, one for {@code PUBLISH} (a subscribed connection takes no
 * other commands). Lettuce reconnects both by itself and subscribes again; the bus watches the
 * subscribed connection: a disconnect marks it down (logged once, at WARN), and the
 * confirmation of the subscription afterwards makes the listener hear
 * {@link Listener#resubscribed()}, after which every message published reaches it again. A
 * connection that is back but not subscribed (a resubscription that failed) is subscribed
 * again by a check every {@value #CHECK_MS} ms.
 *
 * <p>A publish that fails (Redis down, or slower than the command timeout) is lost: logged once
 * per outage, and this node's listener hears {@code resubscribed()} once its subscription is up.
 *
 * <p>Lifecycle: {@link #start} once, then {@link #stop} once; not restartable.
 */
public final class RedisNodeBus implements NodeBus {
  private static final Logger log = LoggerFactory.getLogger(RedisNodeBus.class);
  static final long CHECK_MS = 1_000;
  /** Messages waiting for a slow listener before they are dropped (and repaired). */
  private static final int DELIVERY_CAPACITY = 100_000;

  private final Redis redis;
  private final String channel;
  private final ChatMetrics metrics;
  private final ScheduledExecutorService checker;
  private final OutageLog publishing = new OutageLog(log, "Node bus publish",
      "events are lost until it is back; nodes repair from the store");
  private final Object lock = new Object();
  // Guarded by lock.
  private boolean subscribed;
  private boolean broken;
  private long brokenSinceNanos;
  private long lastResubscribeNanos;
  // Set by start, read by every thread afterwards.
  private volatile StatefulRedisPubSubConnection<String, String> subscriber;
  private volatile StatefulRedisConnection<String, String> publisher;
  private volatile Delivery delivery;
  private volatile boolean stopped;

  /**
   * A bus on {@code channel} (e.g. {@code chat:events}) of {@code redis}; every node of one chat
   * uses the same channel. Connects nothing before {@link #start}.
   */
  public RedisNodeBus(Redis redis, String channel) {
    this(redis, channel, ChatMetrics.NONE);
  }

  /** As {@link #RedisNodeBus(Redis, String)}, reporting each publish Redis took to {@code metrics}. */
  public RedisNodeBus(Redis redis, String channel, ChatMetrics metrics) {
    this.redis = Objects.requireNonNull(redis, "redis is null");
    this.metrics = Objects.requireNonNull(metrics, "metrics is null");
    this.channel = Objects.requireNonNull(channel, "channel is null");
    if (channel.isEmpty()) {
      throw new IllegalArgumentException("channel is empty");
    }
    this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "redis-bus-check");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Connects, subscribes and returns once Redis confirmed the subscription.
   *
   * @throws IllegalStateException if Redis cannot be reached or does not confirm in time
   */
  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener is null");
    if (delivery != null) {
      throw new IllegalStateException("already started");
    }
    delivery = new Delivery(listener, DELIVERY_CAPACITY, "redis-bus-delivery");
    try {
      subscriber = redis.client().connectPubSub();
      subscriber.addListener(new Subscription());
      subscriber.addListener(new ConnectionState());
      subscriber.async().subscribe(channel).get(redis.commandTimeout().toMillis(),
          TimeUnit.MILLISECONDS);
      publisher = redis.client().connect();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      stop();
      throw new IllegalStateException("cannot subscribe to " + channel + " on Redis at "
          + redis + ": " + OutageLog.describe(e), e);
    }
    synchronized (lock) {
      subscribed = true;
    }
    checker.scheduleWithFixedDelay(this::check, CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
    log.info("Node bus subscribed to {} on Redis at {}", channel, redis);
  }

  @Override
  public void publish(String message) {
    Objects.requireNonNull(message, "message is null");
    StatefulRedisConnection<String, String> connection = publisher;
    if (connection == null || stopped) {
      return;
    }
    long start = System.nanoTime();
    try {
      connection.async().publish(channel, message).whenComplete((receivers, failure) -> {
        if (failure == null) {
          metrics.busPublished(System.nanoTime() - start);
          publishing.succeeded(redis);
        } else {
          publishFailed(failure);
        }
      });
    } catch (RuntimeException e) { // Lettuce reports failures in the future; this is a guard
      publishFailed(e);
    }
  }

  @Override
  public boolean connected() {
    StatefulRedisPubSubConnection<String, String> connection = subscriber;
    synchronized (lock) {
      return subscribed && connection != null && connection.isOpen();
    }
  }

  @Override
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    checker.shutdownNow();
    StatefulRedisPubSubConnection<String, String> sub = subscriber;
    if (sub != null) {
      sub.close(); // Redis drops the subscription with the connection
    }
    StatefulRedisConnection<String, String> pub = publisher;
    if (pub != null) {
      pub.close();
    }
    Delivery d = delivery;
    if (d != null) {
      try {
        d.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void publishFailed(Throwable failure) {
    if (stopped) {
      return;
    }
    publishing.failed(redis, failure);
    synchronized (lock) {
      if (subscribed) {
        delivery.gap(); // else the coming resubscription reports the gap
      }
    }
  }

  /** Subscribes again when the connection is back but its resubscription did not happen. */
  private void check() {
    StatefulRedisPubSubConnection<String, String> sub = subscriber;
    synchronized (lock) {
      long now = System.nanoTime();
      if (stopped || subscribed || !sub.isOpen()
          || now - lastResubscribeNanos < TimeUnit.MILLISECONDS.toNanos(CHECK_MS * 2)) {
        return;
      }
      lastResubscribeNanos = now;
    }
    sub.async().subscribe(channel); // its confirmation arrives at Subscription.subscribed
  }

  /** Lettuce's pub/sub callbacks, on its I/O thread. */
  private final class Subscription extends RedisPubSubAdapter<String, String> {
    @Override
    public void message(String from, String message) {
      if (channel.equals(from) && !stopped) {
        delivery.message(message);
      }
    }

    @Override
    public void subscribed(String to, long count) {
      if (!channel.equals(to) || stopped) {
        return;
      }
      long downMs;
      synchronized (lock) {
        if (subscribed) {
          return; // a repeated confirmation (the check raced Lettuce's resubscription)
        }
        subscribed = true;
        if (!broken) {
          return; // the first subscription: start() waits for it
        }
        broken = false;
        downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - brokenSinceNanos);
        delivery.gap();
      }
      log.info("Node bus subscribed to {} on Redis at {} again after {} ms; repairing what was "
          + "missed", channel, redis, downMs);
    }
  }

  /** Lettuce's connection events for the subscribed connection. */
  private final class ConnectionState implements RedisConnectionStateListener {
    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
      if (stopped) {
        return;
      }
      synchronized (lock) {
        if (!subscribed && broken) {
          return; // still down: logged already
        }
        subscribed = false;
        broken = true;
        brokenSinceNanos = System.nanoTime();
        lastResubscribeNanos = brokenSinceNanos;
      }
      log.warn("Node bus lost its subscription to {} on Redis at {}: reconnecting; events "
          + "published meanwhile are repaired from the store", channel, redis);
    }
  }
}
