package chat.server.it;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EditDeleteContract}, edit and delete, with the default SQLite store. */
class SqliteEditDeleteIT extends EditDeleteContract {

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--registrations-per-ip-per-hour",
      "100000", "--send-per-second", "1000", "--send-burst", "1000",
      "--requests-per-second", "10000", "--request-burst", "10000");

  @Override
  SharedServer server() {
    return shared;
  }
}
