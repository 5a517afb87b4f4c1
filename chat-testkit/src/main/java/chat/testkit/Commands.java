package chat.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command (initdb, pg_ctl, cp, kill...) to its end, within a timeout, so that a stuck
 * tool fails the caller instead of hanging it; what the command printed goes into the exception,
 * since that is where the reason for a failure is.
 */
public final class Commands {
  private Commands() {}

  /** How a command ended: its exit status and all it printed (stdout and stderr, in order). */
  public record Result(int exitCode, String output) {}

  /**
   * Runs {@code command} to its end and returns what it printed.
   *
   * @throws IOException if it exits non-zero ({@code "exit N: COMMAND"}, then its output), does
   *     not end within {@code timeout} ({@code "timed out: COMMAND"}; it is killed), or cannot
   *     start
   */
  public static String run(Duration timeout, List<String> command)
      throws IOException, InterruptedException {
    Result result = attempt(timeout, command);
    if (result.exitCode() != 0) {
      throw new IOException("exit " + result.exitCode() + ": " + String.join(" ", command) + "\n"
          + result.output());
    }
    return result.output();
  }

  /**
   * Runs {@code command} to its end, whatever its exit status: for a caller that accepts some
   * failures (kill, for a process that has exited already).
   *
   * @throws IOException if it does not end within {@code timeout} ({@code "timed out: COMMAND"};
   *     it is killed, with whatever it started) or cannot start
   */
  public static Result attempt(Duration timeout, List<String> command)
      throws IOException, InterruptedException {
    // A file, not a pipe: a chatty command never blocks on a full pipe that nobody reads.
    Path out = Files.createTempFile("chat-cmd-", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly); // e.g. what runuser started
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
