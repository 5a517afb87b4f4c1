package chat.store.jdbc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of uploaded files: {@code <data dir>/files/<id>}, each named by its id (never by
 * the name its uploader gave it), written first as {@code <id>.part} and renamed once complete
 * and synced. The database's {@code files} table says which exist; the bytes are unlinked after
 * the row is gone, so a crash in between leaves bytes without a row, which {@link #sweep}
 * removes when the store opens.
 */
final class FileDir {
  private static final Logger log = LoggerFactory.getLogger(FileDir.class);
  static final String NAME = "files";
  private static final String PART = ".part";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final Path dir;

  FileDir(Path dataDir) {
    this.dir = dataDir.resolve(NAME);
  }

  Path dir() {
    return dir;
  }

  /** Whether {@code name} is a file id (the name of complete bytes, not of a part file). */
  static boolean isId(String name) {
    return ID.matcher(name).matches();
  }

  /** Where the bytes of file {@code id} are once complete. */
  Path path(String id) {
    if (!isId(id)) {
      throw new IllegalArgumentException("not a file id: " + id);
    }
    return dir.resolve(id);
  }

  /** Where the bytes of file {@code id} are while being written. */
  Path partPath(String id) {
    return dir.resolve(path(id).getFileName() + PART);
  }

  void create() throws IOException {
    Files.createDirectories(dir);
  }

  /** Makes renames and unlinks in the directory durable. */
  void sync() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Unlinks the bytes of these files; a failure is logged (the next open sweeps them). */
  void delete(Collection<String> ids) {
    for (String id : ids) {
      try {
        Files.deleteIfExists(path(id));
      } catch (IOException e) {
        log.warn("cannot delete the bytes of file {}; they go when the store next opens", id, e);
      }
    }
  }

  /**
   * Deletes everything in the directory that is not the complete bytes of a file in {@code
   * known}: left-over {@code .part} files and the bytes of files whose row is gone. Only while
   * nothing is being uploaded (when the store opens). Returns how many it deleted.
   */
  int sweep(Set<String> known) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int deleted = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (!known.contains(entry.getFileName().toString())) {
          try {
            Files.delete(entry);
            deleted++;
          } catch (NoSuchFileException e) {
            // gone already
          }
        }
      }
    }
    if (deleted > 0) {
      sync();
    }
    return deleted;
  }
}
