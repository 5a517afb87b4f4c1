package chat.store.jdbc;

import chat.core.store.MessageStore;
import chat.core.store.MessageStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite {@link MessageStore}, on a real database file, held to the shared contract. */
class SqliteMessageStoreTest extends MessageStoreContract {
  @TempDir
  Path tmp;
  private final List<OpenStore> opened = new ArrayList<>();

  @Override
  protected MessageStore newStore() throws Exception {
    OpenStore s = OpenStore.open(tmp.resolve("db" + opened.size()));
    opened.add(s);
    return s.messages;
  }

  @Override
  protected MessageStore reopen() throws Exception {
    OpenStore current = opened.stream().filter(s -> s.messages == store).findFirst().orElseThrow();
    current.close();
    OpenStore again = OpenStore.open(current.dir);
    opened.add(again);
    return again.messages;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (OpenStore s : opened) {
      s.close();
    }
  }
}
