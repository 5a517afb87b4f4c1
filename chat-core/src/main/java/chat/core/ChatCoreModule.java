package chat.core;

import static java.util.Objects.requireNonNull;

import chat.core.local.LocalTransport;
import chat.core.store.StoreHealth;
import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import java.time.Clock;

/**
 * The whole core: {@link ConfigModule}, {@link AccountsModule}, {@link RoomsModule}, {@link
 * MessagingModule}, {@link FilesModule} and {@link SessionsModule}, {@link StoreHealth} by
 * default always available, {@link ChatMetrics} by default {@link ChatMetrics#NONE}, the in-JVM
 * {@link LocalTransport}, and the {@link Lifecycle} that starts and stops every {@link Managed}
 * the injector's modules add. Add one store module (e.g. {@code InMemoryStoreModule}) to get a
 * working {@link ChatService}.
 */
public final class ChatCoreModule extends AbstractModule {
  private final ConfigModule config;

  public ChatCoreModule(ChatConfig config) {
    this.config = new ConfigModule(config);
  }

  public ChatCoreModule(ChatConfig config, Clock clock, Ticker ticker) {
    this.config = new ConfigModule(requireNonNull(config, "config is null"), clock, ticker);
  }

  @Override
  protected void configure() {
    // A dependency cycle is a design error here, never something to paper over with a proxy.
    binder().disableCircularProxies();
    install(config);
    install(new AccountsModule());
    install(new RoomsModule());
    install(new MessagingModule());
    install(new FilesModule());
    install(new SessionsModule());
    Multibinder.newSetBinder(binder(), Managed.class).addBinding()
        .to(LocalTransportLifecycle.class);
    bind(LocalTransport.class).in(Singleton.class);
    bind(Lifecycle.class);
    // A store module with a server to lose (PostgreSQL) sets its own.
    OptionalBinder.newOptionalBinder(binder(), StoreHealth.class).setDefault()
        .toInstance(StoreHealth.ALWAYS);
    // The server app binds one that exports Prometheus metrics.
    OptionalBinder.newOptionalBinder(binder(), ChatMetrics.class).setDefault()
        .toInstance(ChatMetrics.NONE);
  }
}
