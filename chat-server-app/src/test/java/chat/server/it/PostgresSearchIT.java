package chat.server.it;

import chat.store.jdbc.PrivatePostgres;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SearchContract}, full-text search, with the PostgreSQL store on a private server. */
class PostgresSearchIT extends SearchContract {

  @RegisterExtension
  @Order(1)
  static final PrivatePostgres postgres = PrivatePostgres.fast();

  @RegisterExtension
  @Order(2)
  static final SharedServer shared = new SharedServer(() -> new String[] {
      "--store", "postgres", "--postgres-url", postgres.newDatabase(),
      "--registrations-per-ip-per-hour", "100000", "--send-per-second", "1000",
      "--send-burst", "1000", "--requests-per-second", "10000", "--request-burst", "10000"});

  @Override
  SharedServer server() {
    return shared;
  }
}
