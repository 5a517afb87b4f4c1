package chat.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinariesTest {
  private static final String PROPERTY = "chat.testkit.test.binary";
  @TempDir Path temp;

  @AfterEach
  void clearProperty() {
    System.clearProperty(PROPERTY);
  }

  @Test
  void aBinaryOnThePathIsFound() {
    Path sh = Binaries.onPath("sh").orElseThrow();
    assertEquals("sh", sh.getFileName().toString());
    assertTrue(Files.isExecutable(sh));
    assertEquals(Optional.empty(), Binaries.onPath("chat-testkit-no-such-binary"));
  }

  @Test
  void theFirstFolderOfThePathWithEveryNameWins() throws Exception {
    Path onlyInitdb = folderWith("a", "initdb");
    Path both = folderWith("b", "initdb", "pg_ctl");
    Path alsoBoth = folderWith("c", "initdb", "pg_ctl");
    String path = String.join(File.pathSeparator, "", onlyInitdb.toString(), both.toString(),
        alsoBoth.toString());

    assertEquals(Optional.of(both), Binaries.folderOn(path, List.of("initdb", "pg_ctl")));
    assertEquals(Optional.of(onlyInitdb), Binaries.folderOn(path, List.of("initdb")));
    assertEquals(Optional.empty(), Binaries.folderOn(path, List.of("createdb")));
  }

  @Test
  void aFileThatIsNotExecutableDoesNotCount() throws Exception {
    Path folder = folderWith("a", "initdb");
    Files.writeString(folder.resolve("pg_ctl"), "#!/bin/sh\n"); // no x bit
    assertFalse(Binaries.holdAll(folder, List.of("initdb", "pg_ctl")));
  }

  @Test
  void aPropertyNamesTheBinaryInsteadOfThePath() throws Exception {
    Path mine = folderWith("mine", "sh").resolve("sh");
    System.setProperty(PROPERTY, mine.toString());
    assertEquals(Optional.of(mine), Binaries.find(PROPERTY, "sh"));
  }

  @Test
  void aPropertyNamingNoBinaryFindsNothingRatherThanThePathsOne() {
    System.setProperty(PROPERTY, temp.resolve("missing").toString());
    assertEquals(Optional.empty(), Binaries.find(PROPERTY, "sh"));
  }

  @Test
  void withoutThePropertyThePathIsSearched() {
    System.setProperty(PROPERTY, ""); // as a build passes an empty property
    assertEquals(Binaries.onPath("sh"), Binaries.find(PROPERTY, "sh"));
    assertTrue(Binaries.find(PROPERTY, "sh").isPresent());
  }

  private Path folderWith(String name, String... executables) throws Exception {
    return Executables.in(temp.resolve(name), executables);
  }
}
