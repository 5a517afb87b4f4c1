package chat.store.jdbc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * A consistent copy of an SQLite store, taken while a server may be writing to it: a new
 * directory holding {@code chat.db} and {@code files/}, which a server can be started on as its
 * data directory.
 *
 * <p>The database is copied with {@code VACUUM INTO}: one statement, so one read transaction, so
 * one snapshot, however busy the writer is (WAL lets it go on committing meanwhile). SQLite's
 * online backup API, as sqlite-jdbc drives it ({@code backup to}), copies 100 pages per step and
 * starts over whenever another connection commits between two steps: under a server that writes
 * all the time it need never finish.
 *
 * <p>The files' bytes are not in the database. They never change once complete, but a message
 * deleted during the backup unlinks its files, so they are copied in two passes around the
 * database copy: every complete file before it (a file deleted afterwards is still copied), then
 * whatever the copied database names that the first pass did not see (uploaded meanwhile).
 * Copied bytes that the copied database does not name are left out. Should a file named by the
 * copy have been uploaded and deleted again within the backup, the backup fails: run it again.
 *
 * <p>Everything is written to a {@code .TARGET.partial} directory beside the target, synced, and
 * renamed to the target only when complete: a directory with the target's name is always a
 * whole backup, which only its owner may enter. An existing target is never overwritten.
 */
public final class SqliteBackup {
  private static final String PARTIAL = ".partial";

  /** What a backup copied. */
  public record Report(Path target, String epoch, long databaseBytes, int files,
      long fileBytes) {}

  private SqliteBackup() {}

  /**
   * Copies the store in {@code dataDir} (or whose {@code chat.db} it names) to the new directory
   * {@code target}.
   *
   * @throws FileAlreadyExistsException if {@code target} exists (nothing was written)
   * @throws IllegalArgumentException if there is no SQLite store at {@code dataDir}
   * @throws IOException or SQLException if the copy failed (nothing is left behind)
   */
  public static Report backup(Path dataDir, Path target) throws IOException, SQLException {
    Path source = SqliteToPostgres.dataDir(dataDir);
    Path to = target.toAbsolutePath().normalize();
    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(to.toString(), null, "the target exists");
    }
    Path parent = to.getParent();
    Files.createDirectories(parent);
    Path staging = parent.resolve("." + to.getFileName() + PARTIAL);
    try {
      createPrivateDirectory(staging);
    } catch (FileAlreadyExistsException e) {
      throw new IOException(staging + " exists: another backup to " + to + " is running, or"
          + " one was interrupted (then delete it)", e);
    }
    try {
      Report report = copy(source, staging, to);
      // Not ATOMIC_MOVE: that would replace a target created meanwhile; this refuses it.
      Files.move(staging, to);
      syncDirectory(parent);
      return report;
    } catch (IOException | SQLException | RuntimeException e) {
      deleteTree(staging);
      throw e;
    }
  }

  private static Report copy(Path source, Path staging, Path target)
      throws IOException, SQLException {
    FileDir from = new FileDir(source);
    FileDir into = new FileDir(staging);
    into.create();
    Set<String> copied = new HashSet<>(); // first pass: every complete file, before the snapshot
    for (String id : completeFiles(from)) {
      if (copyFile(from, into, id)) {
        copied.add(id);
      }
    }
    Path database = staging.resolve(SqliteDatabase.FILE_NAME);
    String epoch;
    try (Connection c = connect(source.resolve(SqliteDatabase.FILE_NAME))) {
      epoch = Sql.queryString(c, "SELECT value FROM meta WHERE key = 'epoch'")
          .orElseThrow(() -> new SQLException("not a chat store: no epoch"));
      try (PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
        vacuum.setString(1, database.toString());
        vacuum.execute();
      }
    }
    Set<String> named;
    try (Connection c = connect(database)) {
      List<String> check = Sql.queryStrings(c, "PRAGMA quick_check");
      if (!check.equals(List.of("ok"))) {
        throw new SQLException("the copy fails SQLite's quick_check: " + check);
      }
      named = new HashSet<>(Sql.queryStrings(c, "SELECT id FROM files"));
    }
    List<String> lost = new ArrayList<>(); // second pass: what the copy names and pass one missed
    for (String id : named) {
      if (!copied.contains(id)) {
        if (copyFile(from, into, id)) {
          copied.add(id);
        } else {
          lost.add(id);
        }
      }
    }
    if (!lost.isEmpty()) {
      throw new IOException(lost.size() + " file(s) were uploaded and deleted again during the"
          + " backup, before they could be copied; run it again");
    }
    long fileBytes = 0;
    for (String id : copied) {
      if (named.contains(id)) {
        fileBytes += Files.size(into.path(id));
      } else {
        Files.delete(into.path(id)); // deleted before the snapshot: the copy has no row for it
      }
    }
    into.sync();
    sync(database);
    syncDirectory(staging);
    return new Report(target, epoch, Files.size(database), named.size(), fileBytes);
  }

  /**
   * A plain connection. It only reads: a SELECT, and VACUUM INTO, which writes the copy, not this
   * file ({@code PRAGMA query_only} would refuse VACUUM INTO all the same).
   */
  private static Connection connect(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(SqliteDatabase.BUSY_TIMEOUT_MS);
    Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try {
      SqliteSearchWords.register(c); // the search index's content, should a check read it
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** The ids of the complete files in {@code dir} (not the part files of uploads under way). */
  private static List<String> completeFiles(FileDir dir) throws IOException {
    List<String> ids = new ArrayList<>();
    if (!Files.isDirectory(dir.dir())) {
      return ids;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir.dir())) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (FileDir.isId(name)) {
          ids.add(name);
        }
      }
    }
    return ids;
  }

  /** Copies and syncs file {@code id}; false if it is gone (deleted meanwhile). */
  private static boolean copyFile(FileDir from, FileDir into, String id) throws IOException {
    Path original = from.path(id);
    Path copy = into.path(id);
    try {
      Files.copy(original, copy);
    } catch (NoSuchFileException e) {
      if (!original.toString().equals(e.getFile())) {
        throw e; // not the original that was missing
      }
      return false;
    }
    sync(copy);
    return true;
  }

  private static void sync(Path file) throws IOException {
    try (FileChannel f = FileChannel.open(file, StandardOpenOption.WRITE)) {
      f.force(true);
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /**
   * A directory only its owner may enter, as the server's own data directory should be: the
   * copy holds password hashes and every message.
   */
  private static void createPrivateDirectory(Path dir) throws IOException {
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectory(dir);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Best effort: the next backup to the same target names what is left.
    }
  }
}
