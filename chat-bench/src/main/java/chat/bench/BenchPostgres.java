package chat.bench;

import chat.testkit.Commands;
import chat.testkit.FileTrees;
import chat.testkit.FreePort;
import chat.testkit.PostgresBinaries;
import chat.testkit.WhenRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A private PostgreSQL server for {@code --store postgres}: Debian's {@code initdb} and
 * {@code pg_ctl} (as the {@code postgres} user when the generator runs as root) in a temporary
 * directory, on a free loopback port, with PostgreSQL's durable defaults ({@code fsync} and
 * {@code synchronous_commit} on: every acknowledged send is on disk), trust authentication on
 * loopback only. Stopped and deleted by {@link #close}.
 */
final class BenchPostgres implements AutoCloseable {
  private static final String USER = "postgres";
  private static final long TIMEOUT_S = 120;
  private static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_S);

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;
  private boolean running;

  private BenchPostgres(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
  }

  /** initdb, start, and create the database {@code chat}. */
  static BenchPostgres start() throws IOException, InterruptedException {
    Path bin = PostgresBinaries.installed().orElseThrow(() -> new IllegalStateException(
        "--store postgres: PostgreSQL's initdb and pg_ctl were not found in"
            + " /usr/lib/postgresql/*/bin or the PATH (Debian: apt-get install postgresql)"));
    Path dir = Files.createTempDirectory("chat-bench-pg-");
    BenchPostgres pg = new BenchPostgres(bin, dir, FreePort.onLoopback());
    try {
      WhenRoot.giveTo(USER, dir);
      run(List.of(bin.resolve("initdb").toString(), "-D", pg.data.toString(),
          "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"));
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", pg.data.toString(),
          "-t", String.valueOf(TIMEOUT_S), "-w", "-l", dir.resolve("server.log").toString(),
          "-o", "-p " + pg.port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start"));
      pg.running = true;
      run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
          String.valueOf(pg.port), "-U", USER, "chat"));
      return pg;
    } catch (IOException | InterruptedException | RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  /** The JDBC URL of the database {@code chat}. */
  String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/chat?user=" + USER;
  }

  @Override
  public void close() {
    try {
      if (running) {
        running = false;
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
            "-t", String.valueOf(TIMEOUT_S), "-m", "immediate", "stop"));
      }
    } catch (IOException e) {
      System.err.println("PostgreSQL did not stop: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        FileTrees.delete(dir);
      } catch (IOException ignored) {
        // a temp folder
      }
    }
  }

  /** Runs a PostgreSQL tool to its end, as the postgres user under root. */
  private static void run(List<String> command) throws IOException, InterruptedException {
    Commands.run(TIMEOUT, WhenRoot.runAs(USER, command));
  }
}
