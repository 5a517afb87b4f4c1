package chat.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {
  private static final String PROPERTY = "chat.testkit.test.postgres.bin";
  @TempDir Path temp;

  @AfterEach
  void clearProperty() {
    System.clearProperty(PROPERTY);
  }

  @Test
  void theNewestMajorVersionWithBothToolsIsChosen() throws Exception {
    Executables.in(temp.resolve("9/bin"), "initdb", "pg_ctl");
    Path sixteen = Executables.in(temp.resolve("16/bin"), "initdb", "pg_ctl", "createdb");
    Executables.in(temp.resolve("13/bin"), "initdb", "pg_ctl");
    Executables.in(temp.resolve("17/bin"), "initdb"); // half removed: no pg_ctl
    Files.createDirectories(temp.resolve("18")); // no bin at all

    assertEquals(Optional.of(sixteen), PostgresBinaries.newestIn(temp));
  }

  @Test
  void aFolderThatIsNoVersionIsChosenOnlyWithoutAVersion() throws Exception {
    Path odd = Executables.in(temp.resolve("local/bin"), "initdb", "pg_ctl");
    assertEquals(Optional.of(odd), PostgresBinaries.newestIn(temp));
    Path twelve = Executables.in(temp.resolve("12/bin"), "initdb", "pg_ctl");
    assertEquals(Optional.of(twelve), PostgresBinaries.newestIn(temp));
  }

  @Test
  void noVersionsFolderFindsNothing() {
    assertEquals(Optional.empty(), PostgresBinaries.newestIn(temp.resolve("absent")));
  }

  @Test
  void aPropertyNamesTheFolder() throws Exception {
    Path mine = Executables.in(temp.resolve("mine"), "initdb", "pg_ctl");
    System.setProperty(PROPERTY, mine.toString());
    assertEquals(Optional.of(mine), PostgresBinaries.find(PROPERTY));
  }

  @Test
  void aPropertyNamingAFolderWithoutTheToolsFindsNothingRatherThanAnother() throws Exception {
    Path half = Executables.in(temp.resolve("half"), "initdb");
    System.setProperty(PROPERTY, half.toString());
    assertEquals(Optional.empty(), PostgresBinaries.find(PROPERTY));
  }

  @Test
  void withoutThePropertyTheInstalledOnesAreFound() {
    assertEquals(PostgresBinaries.installed(), PostgresBinaries.find(PROPERTY));
  }
}
