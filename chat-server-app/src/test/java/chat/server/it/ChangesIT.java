package chat.server.it;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ChangesContract}, the updates catch-up and what every change shares, with the in-memory store. */
class ChangesIT extends ChangesContract {

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory", "--registrations-per-ip-per-hour",
      "100000", "--send-per-second", "1000", "--send-burst", "1000",
      "--requests-per-second", "10000", "--request-burst", "10000");

  @Override
  SharedServer server() {
    return shared;
  }
}
