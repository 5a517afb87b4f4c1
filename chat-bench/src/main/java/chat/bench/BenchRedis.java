package chat.bench;

import chat.testkit.Binaries;
import chat.testkit.FileTrees;
import chat.testkit.FreePort;
import chat.testkit.RedisServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A private Redis server for a cluster target ({@code --nodes 2}): Debian's {@code redis-server}
 * as a child process in a temporary directory, on a free loopback port, without persistence
 * ({@code --save "" --appendonly no}: it only carries events between the nodes). Stopped and
 * deleted by {@link #close}, and killed with the generator on Ctrl-C.
 */
final class BenchRedis implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Path dir;
  private final int port;
  private final Process process;
  private final Thread killer;

  private BenchRedis(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.killer = new Thread(process::destroyForcibly);
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /** Starts it and returns once it answers PING. */
  static BenchRedis start() throws IOException, InterruptedException {
    Path binary = binary();
    Path dir = Files.createTempDirectory("chat-bench-redis-");
    int port = FreePort.onLoopback();
    Process p;
    try {
      p = RedisServers.launch(binary, dir, port, START_TIMEOUT);
    } catch (IOException e) {
      FileTrees.delete(dir);
      throw e;
    }
    return new BenchRedis(dir, port, p);
  }

  /** The URL the server nodes are given ({@code --redis-url}). */
  String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // already shutting down: the hook kills it
    }
    process.destroy(); // SIGTERM; nothing to save
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      FileTrees.delete(dir);
    } catch (IOException ignored) {
      // a temp folder
    }
  }

  private static Path binary() {
    Path debian = Path.of("/usr/bin/redis-server"); // where a stripped PATH still finds it
    return Binaries.onPath("redis-server")
        .or(() -> Optional.of(debian).filter(Files::isExecutable))
        .orElseThrow(() -> new IllegalStateException("--nodes: redis-server was not found in the"
            + " PATH (Debian: apt-get install redis-server)"));
  }
}
