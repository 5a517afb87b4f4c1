package chat.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Stand-ins for installed binaries: empty files with the execute bit, for the finders. */
final class Executables {
  private Executables() {}

  /** Creates {@code folder} (and its parents) holding an executable file per name. */
  static Path in(Path folder, String... names) throws IOException {
    Files.createDirectories(folder);
    for (String name : names) {
      Files.createFile(folder.resolve(name),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
    return folder;
  }
}
