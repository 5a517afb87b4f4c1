package chat.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks whichever case the build runs in: as root (CI's containers) or as a user. */
class WhenRootTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String OTHER = "nobody";

  @Test
  void aCommandRunsAsTheOtherUserOnlyUnderRoot() throws Exception {
    String me = Commands.run(TIMEOUT, List.of("id", "-un")).trim();
    String expected = WhenRoot.isRoot() ? OTHER : me;
    assertEquals(expected,
        Commands.run(TIMEOUT, WhenRoot.runAs(OTHER, List.of("id", "-un"))).trim());
  }

  @Test
  void aFolderIsGivenToTheOtherUserOnlyUnderRoot(@TempDir Path temp) throws Exception {
    Path dir = Files.createDirectory(temp.resolve("data"));
    String before = Files.getOwner(dir).getName();

    WhenRoot.giveTo(OTHER, dir);

    assertEquals(WhenRoot.isRoot() ? OTHER : before, Files.getOwner(dir).getName());
  }

  @Test
  void isRootAgreesWithTheSystem() throws Exception {
    String uid = Commands.run(TIMEOUT, List.of("id", "-u")).trim();
    assertEquals("0".equals(uid), WhenRoot.isRoot());
  }
}
