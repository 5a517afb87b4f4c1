package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

/** Checks on a server's log that several test classes make. */
final class ServerLogs {
  private ServerLogs() {}

  /**
   * No line of the server's log is at ERROR: whatever clients did, it was their doing, which the
   * server answers but does not report as its own fault.
   */
  static void assertNoErrors(ServerProcess server) throws IOException {
    List<String> errors = server.output().lines().filter(l -> l.contains(" ERROR ")).toList();
    assertTrue(errors.isEmpty(), "the server logged ERROR for clients' doing: " + errors);
  }
}
