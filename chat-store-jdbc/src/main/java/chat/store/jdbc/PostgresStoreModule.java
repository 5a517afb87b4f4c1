package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.Managed;
import chat.core.store.AccountStore;
import chat.core.store.FileStore;
import chat.core.store.MessageStore;
import chat.core.store.StoreHealth;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;

/**
 * The store on PostgreSQL, for one node or several sharing a database: binds
 * {@link MessageStore}, {@link FileStore} (files' bytes too live in the database) and
 * {@link AccountStore} to it, {@link StoreHealth} to a check that the
 * server answers, and adds a {@link Managed} (phase {@link Managed#PHASE_STORE}) that connects
 * and migrates the schema on start, and commits queued messages and closes the pool on stop.
 * Building the injector opens no connection.
 */
public final class PostgresStoreModule extends AbstractModule {
  private final String url;
  private final String password;
  private final int poolSize;

  /**
   * @param url {@code jdbc:postgresql://HOST:PORT/DB?user=USER}
   * @param password null when the server asks for none
   * @param poolSize connections to keep open
   */
  public PostgresStoreModule(String url, String password, int poolSize) {
    this.url = requireNonNull(url, "url is null");
    this.password = password;
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be positive: " + poolSize);
    }
    this.poolSize = poolSize;
  }

  @Override
  protected void configure() {
    bind(PostgresMessageStore.class).in(Singleton.class);
    bind(MessageStore.class).to(PostgresMessageStore.class);
    bind(PostgresAccountStore.class).in(Singleton.class); // the lifecycle stops its marker writer
    bind(AccountStore.class).to(PostgresAccountStore.class);
    bind(FileStore.class).to(PostgresFileStore.class).in(Singleton.class);
    bind(PostgresStoreLifecycle.class).in(Singleton.class);
    bind(PostgresPool.class).in(Singleton.class);
    Multibinder.newSetBinder(binder(), Managed.class).addBinding()
        .to(PostgresStoreLifecycle.class);
    OptionalBinder.newOptionalBinder(binder(), StoreHealth.class).setBinding()
        .to(PostgresHealth.class).in(Singleton.class);
  }

  @Provides
  @Singleton
  PostgresDatabase database() {
    return new PostgresDatabase(url, password, poolSize);
  }
}
