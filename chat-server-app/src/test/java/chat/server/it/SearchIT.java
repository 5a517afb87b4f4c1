package chat.server.it;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link SearchContract}, full-text search, with the in-memory store. */
class SearchIT extends SearchContract {

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
      "--send-per-second", "1000", "--send-burst", "1000",
      "--requests-per-second", "10000", "--request-burst", "10000");

  @Override
  SharedServer server() {
    return shared;
  }
}
