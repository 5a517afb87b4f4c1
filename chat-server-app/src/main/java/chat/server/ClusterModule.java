package chat.server;

import chat.cluster.redis.Redis;
import chat.cluster.redis.RedisNodeBus;
import chat.cluster.redis.RedisPresence;
import chat.cluster.redis.RedisSharedLimits;
import chat.core.ChatMetrics;
import chat.core.Managed;
import chat.core.cluster.NodeBus;
import chat.core.cluster.Presence;
import chat.core.cluster.SharedLimits;
import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;

/**
 * {@code --redis-url}: this server is one node of several on one PostgreSQL database. Core's
 * bus, presence and send limits are Redis' (chat-cluster-redis), under the {@code chat:} keys.
 * The Redis client is closed last, after the core has stopped its bus and presence.
 */
final class ClusterModule extends AbstractModule {
  static final String CHANNEL = "chat:events";

  private final String url;
  private final String password; // null: none, or the URL's
  private final String nodeId;
  private final ChatMetrics metrics;

  ClusterModule(String url, String password, String nodeId, ChatMetrics metrics) {
    this.url = url;
    this.password = password;
    this.nodeId = nodeId;
    this.metrics = metrics;
  }

  @Override
  protected void configure() {
    // Connects nothing yet: the core's start does.
    Redis redis = Redis.create(url, password, Redis.DEFAULT_COMMAND_TIMEOUT);
    RedisSharedLimits limits = new RedisSharedLimits(redis, "chat:limit:");
    OptionalBinder.newOptionalBinder(binder(), NodeBus.class).setBinding()
        .toInstance(new RedisNodeBus(redis, CHANNEL, metrics));
    OptionalBinder.newOptionalBinder(binder(), Presence.class).setBinding()
        .toInstance(new RedisPresence(redis, "chat:presence:", nodeId));
    OptionalBinder.newOptionalBinder(binder(), SharedLimits.class).setBinding()
        .toInstance(limits);
    Multibinder.newSetBinder(binder(), Managed.class).addBinding().toInstance(new Managed() {
      @Override
      public int phase() {
        return PHASE_STORE; // stopped last
      }

      @Override
      public void start() {}

      @Override
      public void stop() {
        limits.close();
        redis.close();
      }
    });
  }
}
