package chat.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A started SQLite store in a directory, built with {@code new} as the module would wire it:
 * database, message store, account store, file store and their lifecycle. {@link #close} stops it cleanly.
 */
final class OpenStore implements AutoCloseable {
  final Path dir;
  final SqliteDatabase database;
  final SqliteMessageStore messages;
  final SqliteAccountStore accounts;
  final SqliteFileStore files;
  final SqliteStoreLifecycle lifecycle;

  private OpenStore(Path dir, SqliteDatabase database, SqliteMessageStore messages) {
    this.dir = dir;
    this.database = database;
    this.messages = messages;
    this.accounts = new SqliteAccountStore(database);
    this.files = new SqliteFileStore(database);
    this.lifecycle = new SqliteStoreLifecycle(database, messages, accounts, files);
  }

  static OpenStore open(Path dir) throws Exception {
    return open(dir, GroupCommitWriter.DEFAULT_QUEUE_CAPACITY, GroupCommitWriter.DEFAULT_MAX_BATCH,
        WriterHooks.NONE);
  }

  static OpenStore open(Path dir, int queueCapacity, int maxBatch, WriterHooks hooks)
      throws Exception {
    return open(dir, queueCapacity, maxBatch, GroupCommitWriter.DEFAULT_HAND_OFF_BATCHES, hooks);
  }

  static OpenStore open(Path dir, int queueCapacity, int maxBatch, int handOffBatches,
      WriterHooks hooks) throws Exception {
    SqliteDatabase database = new SqliteDatabase(dir);
    OpenStore store = new OpenStore(dir, database,
        new SqliteMessageStore(database, queueCapacity, maxBatch, handOffBatches, hooks));
    store.lifecycle.start();
    return store;
  }

  /** A separate, plain JDBC connection to the same file, as another process would have. */
  static Connection rawConnection(Path dir) throws SQLException {
    Connection c = DriverManager.getConnection(
        "jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME).toAbsolutePath());
    SqliteSearchWords.register(c); // the search index's content (FTS5's checks read it)
    return c;
  }

  @Override
  public void close() {
    try {
      lifecycle.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the store", e);
    } catch (Exception e) {
      throw new IllegalStateException("stopping the store failed", e);
    }
  }
}
