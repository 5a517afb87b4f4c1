package chat.server.it;

import chat.store.jdbc.PrivatePostgres;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EditDeleteContract}, edit and delete, with the PostgreSQL store on a private server. */
class PostgresEditDeleteIT extends EditDeleteContract {

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
