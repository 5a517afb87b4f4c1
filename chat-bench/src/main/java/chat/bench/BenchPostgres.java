package chat.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
    Path bin = binaries();
    Path dir = Files.createTempDirectory("chat-bench-pg-");
    BenchPostgres pg = new BenchPostgres(bin, dir, freePort());
    try {
      if (isRoot()) {
        Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByName(USER));
      }
      run(asPostgres(List.of(bin.resolve("initdb").toString(), "-D", pg.data.toString(),
          "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")));
      run(asPostgres(List.of(bin.resolve("pg_ctl").toString(), "-D", pg.data.toString(),
          "-t", String.valueOf(TIMEOUT_S), "-w", "-l", dir.resolve("server.log").toString(),
          "-o", "-p " + pg.port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start")));
      pg.running = true;
      run(asPostgres(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
          String.valueOf(pg.port), "-U", USER, "chat")));
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
        run(asPostgres(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
            "-t", String.valueOf(TIMEOUT_S), "-m", "immediate", "stop")));
      }
    } catch (IOException e) {
      System.err.println("PostgreSQL did not stop: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // a temp folder
      }
    }
  }

  private static Path binaries() {
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Path newest = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparingInt(BenchPostgres::majorVersion)).orElse(null);
        if (newest != null) {
          return newest;
        }
      } catch (IOException e) {
        // fall through to the PATH
      }
    }
    for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, "initdb"))) {
        return Path.of(folder);
      }
    }
    throw new IllegalStateException("--store postgres: PostgreSQL's initdb and pg_ctl were not"
        + " found in /usr/lib/postgresql/*/bin or the PATH (Debian: apt-get install postgresql)");
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static List<String> asPostgres(List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", USER, "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("chat-bench-pg-", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", command));
      }
      if (p.exitValue() != 0) {
        throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n"
            + Files.readString(out));
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
