package chat.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir Path temp;

  @Test
  void aTreeIsDeletedWithAllItHolds() throws Exception {
    Path root = temp.resolve("server");
    Files.createDirectories(root.resolve("data/base/1"));
    Files.writeString(root.resolve("server.log"), "log");
    Files.writeString(root.resolve("data/base/1/table"), "rows");

    FileTrees.delete(root);

    assertFalse(Files.exists(root));
    assertTrue(Files.isDirectory(temp), "only the tree itself goes");
  }

  @Test
  void aLinkIsDeletedButWhatItPointsToIsKept() throws Exception {
    Path kept = Files.writeString(temp.resolve("kept"), "mine");
    Path root = Files.createDirectory(temp.resolve("server"));
    Files.createSymbolicLink(root.resolve("link"), kept);

    FileTrees.delete(root);

    assertFalse(Files.exists(root));
    assertTrue(Files.exists(kept));
  }

  @Test
  void aMissingTreeOrNoneIsNothingToDo() throws Exception {
    FileTrees.delete(temp.resolve("never-made"));
    FileTrees.delete(null);
    assertTrue(Files.isDirectory(temp));
  }
}
