package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.Managed;
import chat.core.store.AccountStore;
import chat.core.store.FileStore;
import chat.core.store.MessageStore;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import java.nio.file.Path;

/**
 * The durable store: binds {@link MessageStore}, {@link FileStore} and {@link AccountStore} to
 * one SQLite database file, {@code dataDir/chat.db} (with uploaded files' bytes in {@code
 * dataDir/files/}), and adds a {@link Managed} (phase
 * {@link Managed#PHASE_STORE}) that creates the directory and opens the database on start, and
 * commits queued messages and closes it on stop. Building the injector touches no disk.
 */
public final class SqliteStoreModule extends AbstractModule {
  private final Path dataDir;

  public SqliteStoreModule(Path dataDir) {
    this.dataDir = requireNonNull(dataDir, "dataDir is null");
  }

  @Override
  protected void configure() {
    bind(SqliteMessageStore.class).in(Singleton.class);
    bind(MessageStore.class).to(SqliteMessageStore.class);
    bind(SqliteAccountStore.class).in(Singleton.class); // the lifecycle stops its marker writer
    bind(AccountStore.class).to(SqliteAccountStore.class);
    bind(SqliteFileStore.class).in(Singleton.class);
    bind(FileStore.class).to(SqliteFileStore.class);
    bind(SqliteStoreLifecycle.class).in(Singleton.class);
    Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(SqliteStoreLifecycle.class);
  }

  @Provides
  @Singleton
  SqliteDatabase database() {
    return new SqliteDatabase(dataDir);
  }
}
