package chat.cluster.redis;

import chat.testkit.Binaries;
import chat.testkit.FileTrees;
import chat.testkit.FreePort;
import chat.testkit.Prerequisite;
import chat.testkit.RedisServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private Redis server for one test class: Debian's {@code redis-server} runs as a child
 * process on a free loopback port, in its own temporary directory, without persistence, so it
 * shares nothing with any other server on the machine and a restart starts empty (as a Redis
 * without persistence does). Register it as a static field; it starts before the first test and
 * is killed and deleted after the last:
 * <pre>{@code @RegisterExtension static final PrivateRedis redis = new PrivateRedis();}</pre>
 *
 * <p>{@link #kill} (SIGKILL, as a crash), {@link #stop} (SIGTERM) and {@link #start} restart it
 * on the same port, so clients reconnect to the same {@link #url}.
 *
 * <p>Without the binary the tests are skipped by an assumption that says so, unless the system
 * property {@code chat.cluster.required} is true (CI sets it): then they fail. The binary is
 * {@code -Dchat.redis.server}, else {@code redis-server} on the {@code PATH}.
 */
public final class PrivateRedis implements BeforeAllCallback, AfterAllCallback {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final long STOP_TIMEOUT_S = 10;

  private final String password; // null: none
  private Path dir;
  private int port;
  private Process process; // null while stopped

  /** A Redis that asks for no password. */
  public PrivateRedis() {
    this(null);
  }

  /**
   * A Redis that asks every client for {@code password} ({@code --requirepass}, letters and
   * digits), as ElastiCache's AUTH token does; also after a restart.
   */
  public PrivateRedis(String password) {
    this.password = password;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path binary = binary();
    dir = Files.createTempDirectory("chat-redis-");
    try {
      startOnFreePort(binary);
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
      if (isRunning()) {
        kill(); // nothing to save: the folder is deleted next
      }
    } finally {
      delete(dir);
      dir = null;
    }
  }

  /** {@code redis://127.0.0.1:PORT}; the same across restarts. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** The password it asks for, or null. */
  public String password() {
    return password;
  }

  /** The port the server listens on (127.0.0.1); the same across restarts. */
  public int port() {
    return port;
  }

  /** Kills the server with SIGKILL, as a crash would; returns once the process is gone. */
  public void kill() throws InterruptedException, IOException {
    end(true);
  }

  /** Shuts the server down with SIGTERM (Redis closes its clients); returns once it is gone. */
  public void stop() throws InterruptedException, IOException {
    end(false);
  }

  /** Starts the stopped server again, empty, on the same port; returns once it answers PING. */
  public void start() throws IOException, InterruptedException {
    if (isRunning()) {
      throw new IllegalStateException("Redis is already running on port " + port);
    }
    launch(binary());
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The server's log so far, for a failing test's message. */
  public String log() throws IOException {
    Path log = dir.resolve("server.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private void end(boolean forcibly) throws InterruptedException, IOException {
    if (process == null) {
      return;
    }
    Process p = process;
    process = null;
    if (forcibly) {
      p.destroyForcibly(); // SIGKILL on Linux
    } else {
      p.destroy(); // SIGTERM
    }
    if (!p.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("redis-server on port " + port + " did not exit within "
          + STOP_TIMEOUT_S + " s\n" + log());
    }
  }

  private void startOnFreePort(Path binary) throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) { // another process may take the port first
      port = FreePort.onLoopback();
      try {
        launch(binary);
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private void launch(Path binary) throws IOException, InterruptedException {
    process = RedisServers.launch(binary, dir, port, START_TIMEOUT, password);
  }

  /**
   * The redis-server binary. Missing: a failure when chat.cluster.required is true, else an
   * assumption that skips the test and says why.
   */
  static Path binary() {
    return Prerequisite.require(Binaries.find("chat.redis.server", "redis-server"),
        "redis-server was not found (in -Dchat.redis.server or the PATH; "
            + "Debian: apt-get install redis-server)",
        "Redis", "chat.cluster.required");
  }

  private static void delete(Path root) {
    try {
      FileTrees.delete(root);
    } catch (IOException e) {
      System.err.println("PrivateRedis: could not delete " + root + ": " + e);
    }
  }
}
