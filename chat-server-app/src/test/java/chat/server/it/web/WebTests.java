package chat.server.it.web;

import chat.server.it.ServerProcess;
import java.nio.file.Path;

/** What the browser tests share: how they start the server. */
final class WebTests {
  static final String PASSWORD = "correct horse battery";

  private WebTests() {}

  /**
   * The packaged server on loopback, both ports chosen by the system; with no
   * --allowed-origins it allows its own page on the HTTP port it bound.
   */
  static ServerProcess startServer(Path dataDir, String... extraArgs) throws Exception {
    return ServerProcess.start(dataDir, extraArgs);
  }
}
