package chat.server.it.sdk;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.server.it.ServerProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Shared settings of the SDK integration tests. */
final class Sdk {
  /** Server flags that keep rate limits out of the way of tests that are not about them. */
  static final String[] FAST = {"--send-per-second", "100000", "--send-burst", "100000",
      "--requests-per-second", "100000", "--request-burst", "100000"};

  private Sdk() {}

  /** {@link #FAST} and then {@code extra}, whose flags win. */
  static String[] fast(String... extra) {
    String[] args = new String[FAST.length + extra.length];
    System.arraycopy(FAST, 0, args, 0, FAST.length);
    System.arraycopy(extra, 0, args, FAST.length, extra.length);
    return args;
  }

  static ServerProcess fastServer(Path dataDir, String... extra) throws Exception {
    return ServerProcess.start(dataDir, fast(extra));
  }

  static String password(String user) {
    return "password-of-" + user;
  }

  /** A client that registers (or logs in as) {@code user}, reconnects fast, paces loosely. */
  static ChatClient.Builder client(URI uri, String user, Recorder inbox) {
    return ChatClient.builder(uri).register(user, password(user)).listener(inbox)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .requestRate(100_000, 100_000);
  }

  /** Builds, connects and waits until connected. */
  static ChatClient connected(URI uri, String user, Recorder inbox) throws Exception {
    ChatClient c = client(uri, user, inbox).build();
    await(c.connect());
    return c;
  }

  static <T> T await(Future<T> f)
      throws InterruptedException, ExecutionException, TimeoutException {
    return f.get(Recorder.WAIT_S, TimeUnit.SECONDS);
  }
}
