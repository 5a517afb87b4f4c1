package chat.core.store;

import chat.core.memory.InMemoryStoreModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import org.junit.jupiter.api.Assumptions;

/** The in-memory stores, bound by {@link InMemoryStoreModule}, held to the files contract. */
class InMemoryFileStoreTest extends FileStoreContract {
  @Override
  protected Stores newStores() {
    Injector injector = Guice.createInjector(new InMemoryStoreModule());
    return new Stores(injector.getInstance(MessageStore.class),
        injector.getInstance(FileStore.class));
  }

  @Override
  protected Stores reopen() {
    return Assumptions.abort("the in-memory store keeps nothing across restarts");
  }
}
