package chat.server.it;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ReactionsContract}, react, with the default SQLite store. */
class SqliteReactionsIT extends ReactionsContract {

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--registrations-per-ip-per-hour",
      "100000", "--send-per-second", "1000", "--send-burst", "1000",
      "--requests-per-second", "10000", "--request-burst", "10000");

  @Override
  SharedServer server() {
    return shared;
  }
}
