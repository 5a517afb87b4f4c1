package chat.store.jdbc;

import chat.core.store.FileStore;
import chat.core.store.StoredFile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files in SQLite and on disk: a row of {@code files} (schema V5, see {@link FileRows}) per
 * file, its bytes in a {@link FileDir}. An upload is written to a part file, synced, renamed to
 * its id, the directory synced, and only then is its row inserted, so a row always has its
 * bytes. Erasing deletes the row, commits, then unlinks the bytes. Attaching happens in the
 * message store's append transaction ({@link SqliteBatchAppender}).
 */
final class SqliteFileStore implements FileStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteFileStore.class);

  private final SqliteDatabase database;
  private final FileDir dir;

  @Inject
  SqliteFileStore(SqliteDatabase database) {
    this.database = database;
    this.dir = new FileDir(database.file().getParent());
  }

  /** Removes bytes that have no row (a crash between a commit and an unlink). At open only. */
  void sweepOrphans() throws IOException {
    List<String> ids = database.read(c -> Sql.queryStrings(c, "SELECT id FROM files"));
    int deleted = dir.sweep(new HashSet<>(ids));
    if (deleted > 0) {
      log.info("deleted {} file(s) in {} that no row names", deleted, dir.dir());
    }
  }

  @Override
  public Upload create(String id, String owner, String name, String type, long createdAt)
      throws IOException {
    dir.create();
    Path part = dir.partPath(id);
    FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    return new Upload() {
      private long size;
      private boolean open = true;

      @Override
      public void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
          size += channel.write(bytes);
        }
      }

      @Override
      public StoredFile commit() throws IOException {
        channel.force(true);
        channel.close();
        open = false;
        Path complete = dir.path(id);
        Files.move(part, complete, StandardCopyOption.ATOMIC_MOVE);
        dir.sync();
        try {
          database.transaction(c -> Sql.update(c, "INSERT INTO files"
              + " (id, owner, name, size, type, created_at) VALUES (?, ?, ?, ?, ?, ?)",
              id, owner, name, size, type, createdAt));
        } catch (RuntimeException e) {
          Files.deleteIfExists(complete);
          throw e;
        }
        return new StoredFile(id, owner, name, size, type, createdAt, null, 0);
      }

      @Override
      public void abort() {
        try {
          if (open) {
            open = false;
            channel.close();
          }
          Files.deleteIfExists(part);
        } catch (IOException e) {
          log.warn("cannot delete the part file of upload {}; it goes at the next open", id, e);
        }
      }
    };
  }

  @Override
  public Optional<StoredFile> file(String id) {
    return database.read(c -> FileRows.one(c, id));
  }

  @Override
  public Optional<InputStream> open(String id) throws IOException {
    try {
      return Optional.of(Files.newInputStream(dir.path(id)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public int pendingCount(String owner) {
    return database.read(c -> FileRows.pendingCount(c, owner));
  }

  @Override
  public long storedBytes(String owner) {
    return database.read(c -> FileRows.storedBytes(c, owner));
  }

  /** In one transaction, so a file attached meanwhile (under the same write lock) stays. */
  @Override
  public int expirePending(long createdBefore) {
    List<String> erased = database.transaction(c -> {
      List<String> ids = Sql.queryStrings(c,
          "SELECT id FROM files WHERE conv IS NULL AND created_at < ?", createdBefore);
      Sql.update(c, "DELETE FROM files WHERE conv IS NULL AND created_at < ?", createdBefore);
      return ids;
    });
    dir.delete(erased);
    return erased.size();
  }

  /** The usable space of the data directory's disk, where the files and the database are. */
  @Override
  public long freeBytes() {
    try {
      return Files.getFileStore(database.file().getParent()).getUsableSpace();
    } catch (IOException e) {
      log.warn("cannot read the free space of {}: {}", database.file().getParent(), e.toString());
      return Long.MAX_VALUE;
    }
  }
}
