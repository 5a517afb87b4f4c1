package chat.store.jdbc;

import chat.testkit.Commands;
import chat.testkit.FileTrees;
import chat.testkit.FreePort;
import chat.testkit.PostgresBinaries;
import chat.testkit.Prerequisite;
import chat.testkit.WhenRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private PostgreSQL server for one test class: Debian's {@code initdb} and {@code pg_ctl}
 * (run as the {@code postgres} user when the tests run as root, since PostgreSQL refuses root)
 * start it in a temporary directory, on a free loopback port, with its Unix socket in that
 * directory too, so it shares nothing with any other server on the machine. Register it as a
 * static field; it starts before the first test and is stopped and deleted after the last:
 * <pre>{@code @RegisterExtension static final PrivatePostgres postgres = PrivatePostgres.fast();}</pre>
 *
 * <p>{@link #durable()} keeps PostgreSQL's defaults ({@code fsync} and {@code synchronous_commit}
 * on): for tests of what survives a crash or a restart. {@link #fast()} turns both off (and
 * {@code full_page_writes}): for tests of logic only, where a lost commit after an OS crash does
 * not matter. Each test takes a fresh database from {@link #newDatabase}; {@link #stop},
 * {@link #crash} and {@link #start} restart the server on the same port and data;
 * {@link #pause} and {@link #resume} freeze it and let it go on, as a hung machine would.
 *
 * <p>{@code initdb} runs once per JVM, into a template directory that each server copies (it
 * takes seconds; the copy does not).
 *
 * <p>Without the binaries the tests are skipped by an assumption that says so, unless the system
 * property {@code chat.postgres.required} is true (CI sets it): then they fail. The binaries are
 * looked for in {@code -Dchat.postgres.bin}, else the newest {@code /usr/lib/postgresql/N/bin},
 * else the folder of {@code initdb} on the {@code PATH}.
 */
public final class PrivatePostgres implements BeforeAllCallback, AfterAllCallback {
  /** The superuser initdb creates; tests connect as it, without a password (trust, loopback). */
  public static final String USER = "postgres";
  /**
   * Options for {@link #newDatabase(String)}: ICU's English collation by default, where "a-b"
   * sorts before "ab" and "B" after both, so a test sees whatever compares by the database's
   * collation instead of by code point. (The server itself is initdb'd with C.UTF-8.)
   */
  public static final String ENGLISH_COLLATION =
      "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'";
  private static final long COMMAND_TIMEOUT_S = 60;
  /** pg_ctl's own timeout is COMMAND_TIMEOUT_S: a little more, so that it reports first. */
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(COMMAND_TIMEOUT_S + 10);
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static Path template; // guarded by PrivatePostgres.class
  private static PrivatePostgres shared; // guarded by PrivatePostgres.class

  private final Map<String, String> settings;
  private Path dir;
  private Path data;
  private int port;
  private boolean running;
  private List<Long> paused = List.of(); // the processes pause() stopped, postmaster first

  private PrivatePostgres(Map<String, String> settings) {
    this.settings = settings;
  }

  /** PostgreSQL's durable defaults: every commit is on disk before it returns. */
  public static PrivatePostgres durable() {
    return new PrivatePostgres(new TreeMap<>());
  }

  /** No fsync at all: for tests of logic only, never of durability. */
  public static PrivatePostgres fast() {
    Map<String, String> settings = new TreeMap<>();
    settings.put("fsync", "off");
    settings.put("synchronous_commit", "off");
    settings.put("full_page_writes", "off");
    return new PrivatePostgres(settings);
  }

  /**
   * One {@link #fast()} server for the whole JVM, started on first use and stopped when the JVM
   * exits: for test helpers that outlive a test class (the black-box suite run on PostgreSQL),
   * where each caller takes its own database. Missing binaries skip or fail as for any other.
   */
  public static synchronized PrivatePostgres shared() throws Exception {
    if (shared == null) {
      PrivatePostgres server = fast();
      server.beforeAll(null);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.afterAll(null);
        } catch (Exception e) {
          System.err.println("PrivatePostgres: could not stop the shared server: " + e);
        }
      }, "pg-shared-stop"));
      shared = server;
    }
    return shared;
  }

  /** Adds a server setting ({@code -c name=value}); before the server starts. */
  public PrivatePostgres with(String name, String value) {
    settings.put(name, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path bin = binaries();
    dir = Files.createTempDirectory("chat-pg-");
    try {
      WhenRoot.giveTo(USER, dir);
      data = dir.resolve("data");
      Commands.run(RUN_TIMEOUT, List.of("cp", "-a", template(bin).toString(), data.toString()));
      startOnFreePort();
    } catch (Exception | Error e) {
      delete(dir);
      dir = null;
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (dir == null) {
      return;
    }
    try {
      resume(); // a stopped postmaster would not stop
      if (running) {
        pgCtl("stop", "-m", "immediate"); // the data is deleted next: no need for a checkpoint
        running = false;
      }
    } finally {
      delete(dir);
      dir = null;
    }
  }

  /** The port the server listens on (127.0.0.1); the same across restarts. */
  public int port() {
    return port;
  }

  /**
   * The server's data directory, for a test that reads a table's files
   * ({@code pg_relation_filepath} is relative to it); owned by {@link #USER}.
   */
  public Path dataDir() {
    return data;
  }

  /** Creates an empty database; returns its JDBC URL (user {@link #USER}, no password). */
  public String newDatabase() throws SQLException {
    return newDatabase("");
  }

  /**
   * Creates an empty database with {@code options} for {@code CREATE DATABASE} (e.g.
   * {@link #ENGLISH_COLLATION}); returns its JDBC URL.
   */
  public String newDatabase(String options) throws SQLException {
    String name = "t" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " " + options);
    }
    return url(name);
  }

  /** The JDBC URL of {@code database} on this server. */
  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
  }

  /** Shuts the server down cleanly (PostgreSQL's fast mode: sessions are disconnected). */
  public void stop() throws IOException, InterruptedException {
    pgCtl("stop", "-m", "fast");
    running = false;
  }

  /**
   * Stops the server as a crash would: PostgreSQL's immediate mode, every process exits at once,
   * without a checkpoint, so the next start recovers from the write-ahead log.
   */
  public void crash() throws IOException, InterruptedException {
    pgCtl("stop", "-m", "immediate");
    running = false;
  }

  /** Starts the stopped server again, on the same port and data; returns once it accepts. */
  public void start() throws IOException, InterruptedException {
    List<String> options = new ArrayList<>(List.of("-p", String.valueOf(port), "-k",
        dir.toString(), "-c", "listen_addresses=127.0.0.1"));
    settings.forEach((name, value) -> options.addAll(List.of("-c", name + "=" + value)));
    pgCtl("start", "-w", "-l", dir.resolve("server.log").toString(), "-o",
        String.join(" ", options));
    running = true;
  }

  /**
   * Freezes the server without ending it, as a hung machine or a partitioned network would
   * look: SIGSTOP to the postmaster first (stopped, it forks nothing more), then to each process
   * it forked (backends, checkpointer, walwriter...), until all are stopped. Open connections
   * stay open and new TCP connections are still accepted by the kernel, but nothing answers.
   * Returns once every process is stopped; {@link #resume} (or the end of the class) undoes it.
   */
  public void pause() throws IOException, InterruptedException {
    if (!paused.isEmpty()) {
      throw new IllegalStateException("already paused");
    }
    long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0)
        .trim());
    List<Long> stopped = new ArrayList<>();
    paused = stopped;
    stopped.add(postmaster); // resume() undoes whatever was done, should this fail midway
    signal("STOP", List.of(postmaster));
    awaitStopped(postmaster);
    List<Long> children = ProcessHandle.of(postmaster).orElseThrow(
        () -> new IOException("no postmaster " + postmaster)).children()
        .map(ProcessHandle::pid).toList();
    stopped.addAll(children);
    signal("STOP", children); // one command, so that pausing takes milliseconds, not seconds
    for (long child : children) {
      awaitStopped(child);
    }
  }

  /** Lets a {@link #pause paused} server go on (children first); nothing if it is not paused. */
  public void resume() throws IOException, InterruptedException {
    List<Long> stopped = paused;
    paused = List.of();
    if (!stopped.isEmpty()) {
      signal("CONT", stopped.subList(1, stopped.size())); // children first
      signal("CONT", stopped.subList(0, 1));
    }
  }

  /** Waits (bounded) until the kernel shows {@code pid} stopped, or exited. */
  private static void awaitStopped(long pid) throws IOException, InterruptedException {
    Path stat = Path.of("/proc", String.valueOf(pid), "stat");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_TIMEOUT_S);
    while (System.nanoTime() < deadline) {
      String line;
      try {
        line = Files.readString(stat);
      } catch (IOException e) {
        return; // it exited
      }
      // pid (comm) STATE ...: the state follows the last ')', since comm may hold one
      char state = line.charAt(line.lastIndexOf(')') + 2);
      if ("TtZX".indexOf(state) >= 0) { // stopped; or exited, unreaped by the postmaster
        return;
      }
      Thread.sleep(5); // polling the kernel's view of a signal being delivered
    }
    throw new IOException("process " + pid + " did not stop");
  }

  /** kill -SIG PIDS; a process that is gone already (it may have exited) is no failure. */
  private static void signal(String signal, List<Long> pids)
      throws IOException, InterruptedException {
    if (pids.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(pid -> command.add(String.valueOf(pid)));
    Commands.Result result = Commands.attempt(Duration.ofSeconds(COMMAND_TIMEOUT_S), command);
    if (result.exitCode() != 0
        && !result.output().lines().allMatch(l -> l.contains("No such process"))) {
      throw new IOException(String.join(" ", command) + " failed: " + result.output());
    }
  }

  public boolean isRunning() {
    return running;
  }

  /** The server's log so far, for a failing test's message. */
  public String log() throws IOException {
    Path log = dir.resolve("server.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private void startOnFreePort() throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) { // another process may take the port first
      port = FreePort.onLoopback();
      try {
        start();
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private void pgCtl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binaries().resolve("pg_ctl").toString(),
        "-D", data.toString(), "-t", String.valueOf(COMMAND_TIMEOUT_S)));
    command.addAll(List.of(args));
    try {
      Commands.run(RUN_TIMEOUT, WhenRoot.runAs(USER, command));
    } catch (IOException e) {
      throw new IOException(e.getMessage() + "\nserver log:\n" + log(), e);
    }
  }

  /** The initdb'd data directory every server of this JVM copies; made on first use. */
  private static synchronized Path template(Path bin) throws IOException, InterruptedException {
    if (template != null) {
      return template;
    }
    Path root = Files.createTempDirectory("chat-pg-template-");
    WhenRoot.giveTo(USER, root);
    Path made = root.resolve("data");
    // trust: the server listens on loopback and a private socket folder only, for tests.
    Commands.run(RUN_TIMEOUT, WhenRoot.runAs(USER, List.of(bin.resolve("initdb").toString(),
        "-D", made.toString(), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
        "--no-sync")));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root), "pg-template-cleanup"));
    template = made;
    return template;
  }

  /**
   * The folder of initdb and pg_ctl. Missing: a failure when chat.postgres.required is true,
   * else an assumption that skips the test and says why.
   */
  static Path binaries() {
    return Prerequisite.require(PostgresBinaries.find("chat.postgres.bin"),
        "PostgreSQL's initdb and pg_ctl were not found (in -Dchat.postgres.bin, "
            + "/usr/lib/postgresql/*/bin or the PATH; Debian: apt-get install postgresql)",
        "PostgreSQL", "chat.postgres.required");
  }

  private static void delete(Path root) {
    try {
      FileTrees.delete(root);
    } catch (IOException e) {
      System.err.println("PrivatePostgres: could not delete " + root + ": " + e);
    }
  }
}
