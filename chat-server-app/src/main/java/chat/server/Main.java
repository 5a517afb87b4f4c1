package chat.server;

import chat.server.log.JsonLogProvider;
import chat.store.jdbc.SchemaTooNewException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar chat-server.jar [--option value]...}, see {@code --help}; or {@code
 * java -jar chat-server.jar admin COMMAND}, see {@code admin --help}; or {@code java -jar
 * chat-server.jar migrate --from-sqlite PATH --to-postgres URL}, see {@code migrate --help}; or
 * {@code java -jar chat-server.jar backup --to PATH}, see {@code backup --help}.
 */
public final class Main {
  private Main() {}

  /** Not a static field: SLF4J picks its binding with the first logger, after the arguments. */
  private static Logger log() {
    return LoggerFactory.getLogger(Main.class);
  }

  /** The store's refusal of a schema newer than this release, among the causes of {@code e}. */
  private static SchemaTooNewException tooNew(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaTooNewException found) {
        return found;
      }
    }
    return null;
  }

  public static void main(String[] args) {
    JsonLogProvider.selectIfAsked(args, System.getenv());
    if (args.length > 0 && args[0].equals("backup")) {
      System.exit(Backup.run(java.util.Arrays.copyOfRange(args, 1, args.length),
          System.getenv(), System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("migrate")) {
      System.exit(Migrate.run(java.util.Arrays.copyOfRange(args, 1, args.length),
          System.getenv(), System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("admin")) {
      System.exit(Admin.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.getenv(),
          System.out, System.err));
      return;
    }
    if (ServerOptions.wantsHelp(args)) {
      System.out.print(ServerOptions.help());
      return;
    }
    ChatServer server;
    try {
      server = new ChatServer(ServerOptions.parse(args, System.getenv()));
    } catch (OptionsException e) {
      System.err.println("chat-server: " + e.getMessage());
      System.err.println("Run with --help for the options.");
      System.exit(2);
      return;
    } catch (Exception e) {
      System.err.println("chat-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      server.start();
    } catch (Exception e) {
      log().error("cannot start: {}", e.getMessage());
      SchemaTooNewException tooNew = tooNew(e);
      if (tooNew != null) {
        // Exit 2 (systemd's RestartPreventExitStatus): restarting cannot fix this.
        log().error("{}: this is an older release than the one that last ran on this store; run"
            + " that release again, or restore the backup taken before it (docs/deploy.md)",
            tooNew.getMessage());
        System.exit(2);
        return;
      }
      System.exit(1);
      return;
    }
    log().info("chat server ready: web client on http://localhost:{}/ , WebSocket on port {}",
        server.httpPort(), server.wsPort());
    installShutdown(server);
    // The main thread holds the process up until a signal (or System.exit) ends it: the
    // transport's and core's threads are daemons, and Jetty's need not keep it alive either.
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM and SIGINT: stop accepting, close sessions with 1001, close the store, exit 0. */
  private static void installShutdown(ChatServer server) {
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable shutdown = () -> {
      if (stopping.compareAndSet(false, true)) {
        log().info("shutting down");
        server.stop();
        log().info("stopped");
      }
    };
    // The stop runs in the shutdown hook, which the JVM waits for. Run in the signal handler it
    // could be cut short: the handler's thread is a daemon, so once stop() had ended the last
    // non-daemon threads the JVM exited, and the hook, finding the stop begun, returned at once,
    // before the store was closed.
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "chat-shutdown"));
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        Signal.handle(new Signal(name), signal -> System.exit(0)); // runs the hook; exit code 0
      }
    } catch (IllegalArgumentException e) {
      log().debug("signal handlers unavailable ({}); relying on the shutdown hook", e.getMessage());
    }
  }
}
