package chat.core.store;

import chat.core.memory.InMemoryStoreModule;
import com.google.inject.Guice;
import org.junit.jupiter.api.Assumptions;

/**
 * The in-memory {@link AccountStore}, bound by {@link InMemoryStoreModule}, held to the contract.
 */
class InMemoryAccountStoreTest extends AccountStoreContract {
  @Override
  protected AccountStore newAccountStore() {
    return Guice.createInjector(new InMemoryStoreModule()).getInstance(AccountStore.class);
  }

  @Override
  protected AccountStore reopenAccountStore() {
    return Assumptions.abort("the in-memory store keeps nothing across restarts");
  }
}
