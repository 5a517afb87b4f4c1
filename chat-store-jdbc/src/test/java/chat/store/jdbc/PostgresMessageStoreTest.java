package chat.store.jdbc;

import chat.core.store.MessageStore;
import chat.core.store.MessageStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL {@link MessageStore}, on a private server, held to the shared contract
 * (appends, paging, changes, search, restarts), on databases with ICU's English collation.
 */
class PostgresMessageStoreTest extends MessageStoreContract {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  private final List<OpenPostgres> opened = new ArrayList<>();

  @Override
  protected MessageStore newStore() throws Exception {
    OpenPostgres s = OpenPostgres.open(postgres.newDatabase(PrivatePostgres.ENGLISH_COLLATION));
    opened.add(s);
    return s.messages;
  }

  @Override
  protected MessageStore reopen() throws Exception {
    OpenPostgres current =
        opened.stream().filter(s -> s.messages == store).findFirst().orElseThrow();
    current.close();
    OpenPostgres again = OpenPostgres.open(current.url);
    opened.add(again);
    return again.messages;
  }

  @AfterEach
  void closeAll() {
    opened.forEach(OpenPostgres::close);
  }
}
