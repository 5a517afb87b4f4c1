package chat.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stand-ins for redis-server that never answer PING; the real one is used by PrivateRedis. */
class RedisServersTest {
  @TempDir Path dir;

  @Test
  void aServerThatExitsFailsWithWhatItPrinted() {
    // echo prints the command line it was given, then exits: as a server that refused its flags.
    IOException e = assertThrows(IOException.class, () -> RedisServers.launch(
        Path.of("/bin/echo"), dir, FreePort.onLoopback(), Duration.ofSeconds(10)));
    assertTrue(e.getMessage().startsWith("redis-server exited with 0"), e.getMessage());
    assertTrue(e.getMessage().contains("--save  --appendonly no"), e.getMessage());
  }

  @Test
  void aServerThatNeverAnswersIsKilledAfterTheTimeout() throws Exception {
    // A script that ignores redis-server's flags and never listens.
    Path silent = dir.resolve("silent.sh");
    Files.writeString(silent, "#!/bin/sh\nexec sleep 60\n");
    assertTrue(silent.toFile().setExecutable(true));
    IOException e = assertThrows(IOException.class, () -> RedisServers.launch(
        silent, dir, FreePort.onLoopback(), Duration.ofMillis(300)));
    assertTrue(e.getMessage().startsWith("redis-server did not answer PING"), e.getMessage());
  }
}
