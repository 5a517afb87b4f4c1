package chat.server.it;

import chat.store.jdbc.PrivatePostgres;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ChangesContract}, rev order and the updates catch-up, with the PostgreSQL store on a private server. */
class PostgresChangesIT extends ChangesContract {

  @RegisterExtension
  @Order(1)
  static final PrivatePostgres postgres = PrivatePostgres.fast();

  @RegisterExtension
  @Order(2)
  static final SharedServer shared = SharedServer.onPostgres(postgres);

  @Override
  SharedServer server() {
    return shared;
  }
}
