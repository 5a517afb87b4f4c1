package chat.store.jdbc;

import chat.core.store.AccountStore;
import chat.core.store.AccountStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite {@link AccountStore}, on a real database file, held to the shared contract. */
class SqliteAccountStoreTest extends AccountStoreContract {
  @TempDir
  Path tmp;
  private final List<OpenStore> opened = new ArrayList<>();

  @Override
  protected AccountStore newAccountStore() throws Exception {
    OpenStore s = OpenStore.open(tmp.resolve("db" + opened.size()));
    opened.add(s);
    return s.accounts;
  }

  @Override
  protected AccountStore reopenAccountStore() throws Exception {
    OpenStore current =
        opened.stream().filter(s -> s.accounts == accounts).findFirst().orElseThrow();
    current.close();
    OpenStore again = OpenStore.open(current.dir);
    opened.add(again);
    return again.accounts;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (OpenStore s : opened) {
      s.close();
    }
  }
}
