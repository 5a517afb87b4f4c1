package chat.core.memory;

import chat.core.store.AccountStore;
import chat.core.store.FileStore;
import chat.core.store.MessageStore;
import com.google.inject.AbstractModule;
import com.google.inject.Singleton;

/**
 * Binds {@link MessageStore}, {@link FileStore} and {@link AccountStore} to in-memory
 * implementations: nothing is kept when the JVM exits. For embedding, tests, and {@code --store
 * memory}.
 */
public final class InMemoryStoreModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(MessageStore.class).to(InMemoryMessageStore.class).in(Singleton.class);
    bind(InMemoryFileStore.class).in(Singleton.class); // shared by the two stores
    bind(FileStore.class).to(InMemoryFileStore.class);
    bind(AccountStore.class).to(InMemoryAccountStore.class).in(Singleton.class);
  }
}
