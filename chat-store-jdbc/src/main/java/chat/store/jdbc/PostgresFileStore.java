package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.store.FileStore;
import chat.core.store.StoredFile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files in PostgreSQL, metadata and bytes, so that any node serves any file (schema V2: a row
 * of {@code files} as in SQLite, see {@link FileRows}; the bytes as {@code file_chunks} of
 * {@link #CHUNK_BYTES}). An upload registers itself in {@code uploads}, writes each chunk as
 * soon as it is full (one short statement; no connection is held while the client is slow),
 * and at commit writes the last chunk and then, in one transaction, inserts its row and drops
 * its {@code uploads} entry: a file is visible only complete. A download reads one chunk at a
 * time, on demand. So an upload or a download holds at most one chunk in memory, whatever the
 * file's size.
 *
 * <p>Erasing (a deleted message or conversation, in {@link PostgresMessageStore}; expiry here)
 * deletes the row and its chunks in one transaction. A download already reading a file that is
 * erased fails at its next chunk. Attaching happens in the message store's append transaction
 * ({@link PostgresAppender}).
 */
final class PostgresFileStore implements FileStore {
  private static final Logger log = LoggerFactory.getLogger(PostgresFileStore.class);

  /** The size of every chunk but a file's last. */
  static final int CHUNK_BYTES = 256 * 1024;
  /** The tables whose deleted rows a vacuum erases after files were deleted. */
  private static final Set<PostgresVacuum.Table> CHUNKS =
      EnumSet.of(PostgresVacuum.Table.FILES, PostgresVacuum.Table.FILE_CHUNKS);

  private final PostgresDatabase database;

  @Inject
  PostgresFileStore(PostgresDatabase database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Upload create(String id, String owner, String name, String type, long createdAt) {
    database.write(c -> Sql.update(c,
        "INSERT INTO uploads (id, created_at) VALUES (?, ?)", id, createdAt));
    return new ChunkedUpload(id, owner, name, type, createdAt);
  }

  /** An upload, written chunk by chunk; see the class comment. */
  private final class ChunkedUpload implements Upload {
    private final String id;
    private final String owner;
    private final String name;
    private final String type;
    private final long createdAt;
    private final byte[] chunk = new byte[CHUNK_BYTES];
    private int filled;
    private int chunks;
    private long size;
    private boolean done;

    ChunkedUpload(String id, String owner, String name, String type, long createdAt) {
      this.id = id;
      this.owner = owner;
      this.name = name;
      this.type = type;
      this.createdAt = createdAt;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
      if (done) {
        throw new IllegalStateException("upload " + id + " is over");
      }
      while (bytes.hasRemaining()) {
        int n = Math.min(bytes.remaining(), CHUNK_BYTES - filled);
        bytes.get(chunk, filled, n);
        filled += n;
        size += n;
        if (filled == CHUNK_BYTES) {
          flush();
        }
      }
    }

    private void flush() throws IOException {
      byte[] bytes = filled == CHUNK_BYTES ? chunk : Arrays.copyOf(chunk, filled);
      try {
        database.write(c -> {
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO file_chunks (id, n, bytes) VALUES (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setInt(2, chunks);
            ps.setBytes(3, bytes);
            return ps.executeUpdate();
          }
        });
      } catch (StoreException e) {
        throw new IOException("storing a chunk of file " + id + " failed", e);
      }
      chunks++;
      filled = 0;
    }

    @Override
    public StoredFile commit() throws IOException {
      if (done) {
        throw new IllegalStateException("upload " + id + " is over");
      }
      if (filled > 0) {
        flush();
      }
      try {
        database.transaction(c -> {
          Sql.update(c, "INSERT INTO files (id, owner, name, size, type, created_at)"
              + " VALUES (?, ?, ?, ?, ?, ?)", id, owner, name, size, type, createdAt);
          return Sql.update(c, "DELETE FROM uploads WHERE id = ?", id);
        });
      } catch (StoreException e) {
        abort();
        throw new IOException("storing file " + id + " failed", e);
      }
      done = true;
      return new StoredFile(id, owner, name, size, type, createdAt, null, 0);
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      try {
        database.transaction(c -> {
          Sql.update(c, "DELETE FROM file_chunks WHERE id = ?", id);
          return Sql.update(c, "DELETE FROM uploads WHERE id = ?", id);
        });
        database.vacuumSoon(CHUNKS);
      } catch (StoreException e) {
        log.warn("cannot delete the chunks of aborted upload {}; expiry deletes them", id, e);
      }
    }
  }

  @Override
  public Optional<StoredFile> file(String id) {
    return database.read(c -> FileRows.one(c, id));
  }

  @Override
  public Optional<InputStream> open(String id) {
    Optional<Long> size = database.read(c -> {
      try (PreparedStatement ps = Sql.prepare(c, "SELECT size FROM files WHERE id = ?", id);
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    });
    return size.map(s -> new ChunkStream(id, s));
  }

  @Override
  public int pendingCount(String owner) {
    return database.read(c -> FileRows.pendingCount(c, owner));
  }

  @Override
  public long storedBytes(String owner) {
    return database.read(c -> FileRows.storedBytes(c, owner));
  }

  /**
   * Erases, in one transaction, the pending files stored before {@code createdBefore} with their
   * chunks, and the chunks of uploads started before it that never completed. A file attached
   * meanwhile stays: its row is locked by the append, and no longer pending once this may
   * delete it. Then asks for a vacuum, which erases the deleted bytes.
   */
  @Override
  public int expirePending(long createdBefore) {
    int[] deleted = new int[1];
    int count = database.transaction(c -> {
      List<String> expired = Sql.queryStrings(c, "DELETE FROM files"
          + " WHERE conv IS NULL AND created_at < ? RETURNING id", createdBefore);
      List<String> dead = Sql.queryStrings(c,
          "DELETE FROM uploads WHERE created_at < ? RETURNING id", createdBefore);
      List<String> ids = new ArrayList<>(expired);
      ids.addAll(dead);
      deleteChunks(c, ids);
      deleted[0] = ids.size();
      if (!dead.isEmpty()) {
        log.info("deleted the chunks of {} upload(s) that never completed", dead.size());
      }
      return expired.size();
    });
    if (deleted[0] > 0) {
      database.vacuumSoon(CHUNKS);
    }
    return count;
  }

  /** Deletes the chunks of these files. */
  static void deleteChunks(Connection c, List<String> ids) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM file_chunks WHERE id = ANY (?::text[])")) {
      ps.setArray(1, c.createArrayOf("text", ids.toArray(new String[0])));
      ps.executeUpdate();
    }
  }

  /** A file's bytes, read one chunk per query as the reader asks for them. */
  private final class ChunkStream extends InputStream {
    private final String id;
    private final long size;
    private byte[] chunk = new byte[0];
    private int position;
    private int next;
    private long read;
    private boolean closed;

    ChunkStream(String id, long size) {
      this.id = id;
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      return fill() ? chunk[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, chunk.length - position);
      System.arraycopy(chunk, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public int available() {
      return chunk.length - position;
    }

    /** Whether there is a byte to read, fetching the next chunk if needed. */
    private boolean fill() throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      if (position < chunk.length) {
        return true;
      }
      if (read == size) {
        return false;
      }
      byte[] bytes;
      try {
        bytes = database.read(c -> {
          try (PreparedStatement ps = Sql.prepare(c,
              "SELECT bytes FROM file_chunks WHERE id = ? AND n = ?", id, next);
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
          }
        });
      } catch (StoreException e) {
        throw new IOException("reading file " + id + " failed", e);
      }
      if (bytes == null || bytes.length == 0 || read + bytes.length > size) {
        throw new IOException("file " + id + " was erased while it was read");
      }
      chunk = bytes;
      position = 0;
      next++;
      read += bytes.length;
      return true;
    }

    @Override
    public void close() {
      closed = true;
      chunk = new byte[0];
    }
  }
}
