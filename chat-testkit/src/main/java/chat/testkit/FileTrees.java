package chat.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deletes a private server's temporary folder, with all it holds. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Deletes {@code root} and everything below it (deepest first; links are deleted, never
   * followed); nothing if it is null or does not exist.
   *
   * @throws IOException at the first file that cannot be deleted (the rest stays)
   */
  public static void delete(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }
}
