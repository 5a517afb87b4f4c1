package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import chat.store.jdbc.PrivatePostgres;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged server jar in its own JVM, on loopback and free ports, with a data directory of
 * the test's. The ports are read from {@code --ports-file}; the output goes to a log file that
 * tests can inspect.
 */
public final class ServerProcess implements AutoCloseable {
  static final Path JAR = Path.of(System.getProperty("chat.server.jar",
      "target/chat-server.jar"));
  private static final long START_TIMEOUT_MS = 30_000;
  /**
   * {@code -Dchat.it.store=postgres} runs the black-box suite on PostgreSQL: every server a test
   * starts without a {@code --store} of its own gets {@code --store postgres} and a database of
   * its own on one private PostgreSQL for the JVM, the same database for the same data directory,
   * so a restart finds what it stored.
   */
  static final boolean ON_POSTGRES = "postgres".equals(System.getProperty("chat.it.store"));
  private static final Map<Path, String> DATABASES = new ConcurrentHashMap<>();

  final Path dataDir;
  final Path log;
  private final Process process;
  final int wsPort;
  final int httpPort;

  private ServerProcess(Path dataDir, Path log, Process process, int wsPort, int httpPort) {
    this.dataDir = dataDir;
    this.log = log;
    this.process = process;
    this.wsPort = wsPort;
    this.httpPort = httpPort;
  }

  /**
   * Starts the jar with cheap password hashing, loopback, port 0, registrations unlimited (every
   * test client comes from 127.0.0.1; ThrottlingIT sets the limit it tests), plus {@code
   * extraArgs}, which win over these.
   */
  public static ServerProcess start(Path dataDir, String... extraArgs) throws Exception {
    return start(dataDir, 0, extraArgs);
  }

  /**
   * Starts the server with at most {@code maxOpenFiles} file descriptors (through the shell's
   * {@code ulimit -n}), to see what it does when it runs out; 0 leaves the limit as it is.
   */
  public static ServerProcess start(Path dataDir, int maxOpenFiles, String... extraArgs)
      throws Exception {
    assertTrue(Files.isRegularFile(JAR), "no packaged jar at " + JAR + " (run mvn verify)");
    Files.createDirectories(dataDir);
    Path portsFile = dataDir.resolve("ports.json");
    Files.deleteIfExists(portsFile);
    Path log = Files.createTempFile(dataDir.getParent(), "server-", ".log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", JAR.toString(),
        "--host", "127.0.0.1", "--port", "0", "--http-port", "0",
        "--data-dir", dataDir.toString(), "--ports-file", portsFile.toString(),
        "--password-iterations", "1000", "--registrations-per-ip-per-hour", "1000000"));
    command.addAll(storeArgs(dataDir, extraArgs));
    command.addAll(List.of(extraArgs));
    if (maxOpenFiles > 0) {
      command.addAll(0, List.of("/bin/sh", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$@\"",
          "sh"));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (!Files.exists(portsFile)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("server exited " + process.exitValue() + ":\n"
            + Files.readString(log));
      }
      if (System.currentTimeMillis() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("server did not start:\n" + Files.readString(log));
      }
      process.waitFor(20, TimeUnit.MILLISECONDS);
    }
    JsonObject ports = JsonParser.parseString(Files.readString(portsFile)).getAsJsonObject();
    return new ServerProcess(dataDir, log, process, ports.get("ws").getAsInt(),
        ports.get("http").getAsInt());
  }

  /**
   * The store flags {@link #ON_POSTGRES} adds for a server on {@code dataDir}; none when off or
   * when the test chose a store itself.
   */
  static List<String> storeArgs(Path dataDir, String... extraArgs) throws Exception {
    if (!ON_POSTGRES || Stream.of(extraArgs)
        .anyMatch(a -> a.equals("--store") || a.startsWith("--store="))) {
      return List.of();
    }
    Path key = dataDir.toAbsolutePath().normalize();
    String url = DATABASES.get(key);
    if (url == null) {
      url = PrivatePostgres.shared().newDatabase();
      String raced = DATABASES.putIfAbsent(key, url);
      url = raced == null ? url : raced;
    }
    return List.of("--store", "postgres", "--postgres-url", url);
  }

  public URI wsUri() {
    return URI.create("ws://127.0.0.1:" + wsPort + "/ws");
  }

  public URI httpUri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code (bounded wait). */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("server did not exit within 20 s of SIGTERM");
    }
    return process.exitValue();
  }

  public String output() throws IOException {
    return Files.readString(log);
  }

  /** Whether the server's output (its log) contains {@code text} yet. */
  boolean logged(String text) throws IOException {
    return output().contains(text);
  }

  /** Whether one line of the server's output (its log) contains all of {@code parts} yet. */
  boolean loggedLine(String... parts) throws IOException {
    return output().lines().anyMatch(line -> {
      for (String part : parts) {
        if (!line.contains(part)) {
          return false;
        }
      }
      return true;
    });
  }

  /**
   * Kills this server (SIGKILL, if still running) and starts it again on the same data
   * directory and WebSocket port, so clients reconnect to the same URI; {@code extraArgs} as for
   * {@link #start}. For a fresh store on the same port, use {@link #startOnPort}.
   */
  public ServerProcess restart(String... extraArgs) throws Exception {
    kill9();
    return startOnPort(dataDir, wsPort, extraArgs);
  }

  /**
   * Kills this server (SIGKILL, if still running) and starts it again on the same data
   * directory, WebSocket port and HTTP port, so a page it served reconnects from the same
   * origin.
   */
  public ServerProcess restartOnSamePorts(String... extraArgs) throws Exception {
    kill9();
    List<String> args = new ArrayList<>(List.of(extraArgs));
    args.addAll(List.of("--http-port", String.valueOf(httpPort)));
    return startOnPort(dataDir, wsPort, args.toArray(new String[0]));
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Like {@link #start}, with the WebSocket port fixed instead of any free one. */
  public static ServerProcess startOnPort(Path dataDir, int wsPort, String... extraArgs)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(extraArgs));
    args.addAll(List.of("--port", String.valueOf(wsPort))); // the last --port wins
    return start(dataDir, args.toArray(new String[0]));
  }

  public int wsPort() {
    return wsPort;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Runs the jar with arguments that make it exit by itself; returns exit code and output. */
  static Result run(Path workDir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(workDir, "run-", ".log");
    Process p = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("did not exit: " + command);
    }
    return new Result(p.exitValue(), Files.readString(out));
  }

  record Result(int exitCode, String output) {}
}
