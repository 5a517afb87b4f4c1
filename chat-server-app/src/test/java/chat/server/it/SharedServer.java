package chat.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One server jar for a whole test class: started before the first test with the given flags,
 * each test's clients closed after it, and at the end the log checked for ERROR lines (clients'
 * misdeeds are never the server's fault) before the server stops. Register it as a static field:
 * {@code @RegisterExtension static final SharedServer shared = new SharedServer("--flag", "v");}
 */
public final class SharedServer implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private final ArgsSupplier args;
  private Path dir;
  private ServerProcess server;
  private WireClients wire;

  public SharedServer(String... args) {
    String[] copy = args.clone();
    this.args = () -> copy;
  }

  /**
   * A server whose flags are known only when it starts, after extensions registered before it
   * have run: {@code --postgres-url} of a database a {@code PrivatePostgres} made. The supplier
   * may also prepare what the class needs beside the server, or skip the class with an
   * assumption (the browser tests' {@code WebTests}).
   */
  public SharedServer(ArgsSupplier args) {
    this.args = args;
  }

  /**
   * A server on a new database of {@code postgres} (registered before it), with limits high
   * enough that only the rule a contract test checks speaks.
   */
  static SharedServer onPostgres(chat.store.jdbc.PrivatePostgres postgres) {
    return new SharedServer(() -> new String[] {
        "--store", "postgres", "--postgres-url", postgres.newDatabase(),
        "--registrations-per-ip-per-hour", "100000", "--send-per-second", "1000",
        "--send-burst", "1000", "--requests-per-second", "10000", "--request-burst", "10000"});
  }

  /**
   * Flags worked out at start; may fail (a database that cannot be made) or abort (no browser to
   * test with), and then no server starts.
   */
  public interface ArgsSupplier {
    String[] get() throws Exception;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    String[] flags = args.get();
    dir = Files.createTempDirectory("chat-it-");
    server = ServerProcess.start(dir.resolve("data"), flags);
    wire = new WireClients(server);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    wire.close();
    wire = new WireClients(server);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server == null) {
      return;
    }
    try {
      ServerLogs.assertNoErrors(server);
    } finally {
      server.close();
      delete(dir);
    }
  }

  public ServerProcess process() {
    return server;
  }

  /** This test's clients; closed after it. */
  WireClients wire() {
    return wire;
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
