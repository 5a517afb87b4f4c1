package chat.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What changes when the JVM runs as root (as in CI's containers): PostgreSQL refuses to run as
 * root, so its tools run as another user ({@code runuser}), in folders that user owns.
 */
public final class WhenRoot {
  private WhenRoot() {}

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** {@code runuser -u USER -- COMMAND} as root; {@code command} unchanged otherwise. */
  public static List<String> runAs(String user, List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", user, "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  /**
   * As root, makes {@code user} the owner of {@code path} (so that commands run as that user can
   * write there); otherwise nothing: the path is the caller's own already.
   */
  public static void giveTo(String user, Path path) throws IOException {
    if (isRoot()) {
      Files.setOwner(path, path.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName(user));
    }
  }
}
