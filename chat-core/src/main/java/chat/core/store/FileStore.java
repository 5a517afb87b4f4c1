package chat.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Uploaded files: each one's bytes and a row of metadata ({@link StoredFile}). A file is
 * pending from its upload until a message is appended with it ({@link NewMessage#files()}, which
 * the {@link MessageStore} attaches atomically with the append: each file to at most one
 * message). Deleting that message or its conversation erases the file, row and bytes. Pending
 * files nobody sent are erased by {@link #expirePending}. Implementations are thread-safe.
 */
public interface FileStore {

  /**
   * Starts storing a new file's bytes under {@code id} (url-safe, at least 128 random bits,
   * never reused). Nothing of it is visible until {@link Upload#commit}.
   */
  Upload create(String id, String owner, String name, String type, long createdAt)
      throws IOException;

  /** A file being written. Not thread-safe: one writer calls it, in order. */
  interface Upload {
    /** Appends the buffer's remaining bytes. */
    void write(ByteBuffer bytes) throws IOException;

    /** Makes the file durable and pending; returns it as stored. */
    StoredFile commit() throws IOException;

    /** Drops what was written. Does nothing after {@link #commit}; may be called twice. */
    void abort();
  }

  /** The file with this id, pending or attached; empty if there is none (or no longer). */
  Optional<StoredFile> file(String id);

  /**
   * The bytes of the file with this id, to be closed by the caller; empty if there is none.
   * A stream opened before the file is erased may still read it to the end.
   */
  Optional<InputStream> open(String id) throws IOException;

  /** How many pending files {@code owner} has. */
  int pendingCount(String owner);

  /** The bytes of every file {@code owner} uploaded that the store holds, pending or sent. */
  long storedBytes(String owner);

  /** Erases the pending files stored before {@code createdBefore} (ms); returns how many. */
  int expirePending(long createdBefore);

  /**
   * Bytes still free for this store's files on the disk that holds them (as much as this
   * process may use), or {@link Long#MAX_VALUE} where the store cannot tell: its files are in
   * memory, or on another machine's disk (a database server's).
   */
  default long freeBytes() {
    return Long.MAX_VALUE;
  }
}
