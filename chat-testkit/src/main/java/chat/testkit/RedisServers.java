package chat.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a private {@code redis-server} for tests and benchmarks: on 127.0.0.1 only, in its own
 * folder, without persistence ({@code --save "" --appendonly no}: it only carries what the nodes
 * tell each other), its log in {@code server.log} and its output in {@code output.log} there.
 */
public final class RedisServers {
  private RedisServers() {}

  /**
   * Launches {@code binary} on {@code port} and returns it once it answers {@code PING}.
   *
   * @throws IOException if it exits, or does not answer within {@code startTimeout} (it is then
   *     killed); the message carries what it logged
   */
  public static Process launch(Path binary, Path dir, int port, Duration startTimeout)
      throws IOException, InterruptedException {
    return launch(binary, dir, port, startTimeout, null);
  }

  /**
   * As {@link #launch(Path, Path, int, Duration)}, asking clients for {@code password}
   * ({@code --requirepass}, letters and digits; null: none), as ElastiCache's AUTH token does.
   */
  public static Process launch(Path binary, Path dir, int port, Duration startTimeout,
      String password) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--bind", "127.0.0.1",
        "--port", String.valueOf(port), "--save", "", "--appendonly", "no",
        "--dir", dir.toString(), "--daemonize", "no", "--logfile", "server.log"));
    if (password != null) {
      command.addAll(List.of("--requirepass", password));
    }
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("output.log").toFile()))
        .start();
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("redis-server exited with " + p.exitValue() + " on port " + port
            + "\n" + logs(dir));
      }
      if (RedisPing.answers(port, password)) {
        return p;
      }
      p.waitFor(20, TimeUnit.MILLISECONDS); // polls the port; returns early if it exits
    }
    p.destroyForcibly();
    throw new IOException("redis-server did not answer PING on port " + port + " within "
        + startTimeout.toMillis() + " ms\n" + logs(dir));
  }

  /** What a server in {@code dir} logged and printed so far. */
  public static String logs(Path dir) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String name : List.of("server.log", "output.log")) {
      Path file = dir.resolve(name);
      if (Files.exists(file)) {
        text.append(Files.readString(file));
      }
    }
    return text.toString();
  }
}
