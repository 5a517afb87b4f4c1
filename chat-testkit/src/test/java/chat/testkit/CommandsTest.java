package chat.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  @Test
  void aCommandThatSucceedsReturnsWhatItPrinted() throws Exception {
    assertEquals("out\nerr\n", Commands.run(LONG, List.of("sh", "-c", "echo out; echo err >&2")));
  }

  @Test
  void aCommandThatFailsShowsItsStatusAndOutput() {
    IOException e = assertThrows(IOException.class,
        () -> Commands.run(LONG, List.of("sh", "-c", "echo no such table >&2; exit 3")));
    assertEquals("exit 3: sh -c echo no such table >&2; exit 3\nno such table\n", e.getMessage());
  }

  @Test
  void attemptReturnsAFailureInsteadOfThrowing() throws Exception {
    assertEquals(new Commands.Result(1, "gone\n"),
        Commands.attempt(LONG, List.of("sh", "-c", "echo gone; exit 1")));
  }

  @Test
  void aCommandThatOutlivesItsTimeoutIsKilledWithWhatItStarted(@TempDir Path dir)
      throws Exception {
    Path pidFile = dir.resolve("child.pid");
    // the shell starts a child and waits for it, as runuser does
    List<String> command = List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; wait");
    long start = System.nanoTime();

    IOException e = assertThrows(IOException.class,
        () -> Commands.run(Duration.ofMillis(500), command));

    assertEquals("timed out: " + String.join(" ", command), e.getMessage());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "returned in time");
    long child = Long.parseLong(Files.readString(pidFile).trim());
    ProcessHandle.of(child).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void aCommandThatCannotStartFails() {
    assertThrows(IOException.class, () -> Commands.run(LONG, List.of("/nonexistent/tool")));
  }
}
