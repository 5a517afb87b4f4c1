package chat.server.it.web;

import chat.server.it.SharedServer;

/** What the browser tests share: how they start the server. */
final class WebTests {
  static final String PASSWORD = "correct horse battery";

  private WebTests() {}

  /**
   * The packaged server of one class of browser tests ({@link SharedServer}: its log checked for
   * ERROR at the end), on loopback, both ports chosen by the system; with no --allowed-origins it
   * allows its own page on the HTTP port it bound. Before the server starts, the class is
   * skipped if there is no browser, and the first {@code browsers} shared browsers start (if not
   * yet started for another class) while the server does.
   */
  static SharedServer server(int browsers, String... extraArgs) {
    String[] args = extraArgs.clone();
    return new SharedServer(() -> {
      Browser.assumeAvailable();
      for (int slot = 0; slot < browsers; slot++) {
        Browser.sharedAsync(slot);
      }
      return args;
    });
  }
}
