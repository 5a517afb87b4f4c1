package chat.core.store;

import chat.core.memory.InMemoryStoreModule;
import com.google.inject.Guice;
import org.junit.jupiter.api.Assumptions;

/**
 * The in-memory {@link MessageStore}, bound by {@link InMemoryStoreModule}, held to the contract.
 */
class InMemoryMessageStoreTest extends MessageStoreContract {
  @Override
  protected MessageStore newStore() {
    return Guice.createInjector(new InMemoryStoreModule()).getInstance(MessageStore.class);
  }

  @Override
  protected MessageStore reopen() {
    return Assumptions.abort("the in-memory store keeps nothing across restarts");
  }
}
