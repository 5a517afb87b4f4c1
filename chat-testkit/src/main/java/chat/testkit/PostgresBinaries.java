package chat.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the folder of PostgreSQL's server tools ({@code initdb}, {@code pg_ctl} and, beside them,
 * {@code createdb}). Debian keeps them off the {@code PATH}, in {@code /usr/lib/postgresql/N/bin},
 * one folder per installed major version.
 */
public final class PostgresBinaries {
  /** What a private server needs; a folder counts only if it holds both. */
  public static final List<String> TOOLS = List.of("initdb", "pg_ctl");
  private static final Path DEBIAN = Path.of("/usr/lib/postgresql");

  private PostgresBinaries() {}

  /**
   * The folder {@code -Dproperty} names when it is set: nothing if it lacks the tools (a wrong
   * setting is reported as missing, never replaced by another version). Unset: {@link
   * #installed()}.
   */
  public static Optional<Path> find(String property) {
    Optional<Path> configured = Binaries.configured(property);
    if (configured.isPresent()) {
      return configured.filter(folder -> Binaries.holdAll(folder, TOOLS));
    }
    return installed();
  }

  /**
   * The newest {@code /usr/lib/postgresql/N/bin} that holds the tools, else the first folder on
   * the {@code PATH} that does.
   */
  public static Optional<Path> installed() {
    return newestIn(DEBIAN).or(() -> Binaries.folderOnPath(TOOLS));
  }

  /** The {@code N/bin} below {@code versions} with the tools and the highest major version N. */
  static Optional<Path> newestIn(Path versions) {
    if (!Files.isDirectory(versions)) {
      return Optional.empty();
    }
    try (Stream<Path> each = Files.list(versions)) {
      return each.map(version -> version.resolve("bin"))
          .filter(bin -> Binaries.holdAll(bin, TOOLS))
          .max(Comparator.comparingInt(PostgresBinaries::majorVersion));
    } catch (IOException e) {
      return Optional.empty(); // unreadable: the PATH may still have them
    }
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1; // not a version folder: chosen only if nothing else has the tools
    }
  }
}
