package chat.store.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite database file: a single write connection (guarded by a lock, so the group-commit
 * writer and account updates take turns) and a small pool of read connections, which WAL lets
 * run beside the writer and which only ever see committed data.
 *
 * <p>Lifecycle: new (nothing touched) → {@link #open} (directory created, pragmas set, schema
 * migrated, epoch read) → {@link #close} (connections closed; a clean close checkpoints the WAL).
 * Work handed to {@link #read}, {@link #write} or {@link #transaction} outside the open state
 * throws {@link IllegalStateException}.
 */
final class SqliteDatabase {
  private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

  static final String FILE_NAME = "chat.db";
  static final int BUSY_TIMEOUT_MS = 5_000;
  static final int DEFAULT_READ_CONNECTIONS = 4;
  private static final long CLOSE_WAIT_MS = 10_000;

  /** Work on a connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private enum State { NEW, OPEN, CLOSED }

  private final Path dataDir;
  private final Path file;
  private final int readConnections;
  private final List<Migrations.Migration> migrations;

  private final ReentrantLock writeLock = new ReentrantLock();
  private Connection writer; // guarded by writeLock
  private final BlockingQueue<Connection> readers;
  private volatile State state = State.NEW;
  private volatile String epoch;
  private volatile int appliedMigrations;

  SqliteDatabase(Path dataDir) {
    this(dataDir, DEFAULT_READ_CONNECTIONS, Migrations.ALL);
  }

  SqliteDatabase(Path dataDir, int readConnections, List<Migrations.Migration> migrations) {
    if (readConnections < 1) {
      throw new IllegalArgumentException("readConnections must be positive: " + readConnections);
    }
    this.dataDir = dataDir;
    this.file = dataDir.resolve(FILE_NAME);
    this.readConnections = readConnections;
    this.migrations = List.copyOf(migrations);
    this.readers = new ArrayBlockingQueue<>(readConnections);
  }

  Path file() {
    return file;
  }

  /** Creates the directory and file if missing, sets the pragmas and migrates the schema. */
  void open() throws IOException, SQLException {
    writeLock.lock();
    try {
      if (state != State.NEW) {
        throw new IllegalStateException("database is " + state);
      }
      Files.createDirectories(dataDir);
      List<Connection> opened = new ArrayList<>();
      try {
        Connection w = connect(true);
        opened.add(w);
        appliedMigrations = Migrations.migrate(w, migrations);
        epoch = readEpoch(w);
        for (int i = 0; i < readConnections; i++) {
          Connection r = connect(false);
          opened.add(r);
          readers.add(r);
        }
        writer = w;
        state = State.OPEN;
      } catch (SQLException | RuntimeException e) {
        readers.clear();
        for (Connection c : opened) {
          closeQuietly(c);
        }
        state = State.CLOSED;
        throw e;
      }
      log.info("SQLite store open at {} (schema version {}, epoch {})",
          file, Migrations.latestVersion(migrations), epoch);
    } finally {
      writeLock.unlock();
    }
  }

  /** Page cache of the write connection, in KiB (SQLite's negative cache_size). */
  static final int WRITER_CACHE_KIB = 64 * 1024;
  /** Page cache of each read connection, in KiB. */
  static final int READER_CACHE_KIB = 16 * 1024;

  private Connection connect(boolean forWriting) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    // WAL: readers run beside the one writer. FULL: a commit is on disk before we ack it.
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.enforceForeignKeys(true);
    // SQLite's default page cache is 2 MiB per connection: a batch of appends across many
    // conversations touches more index pages than that, and re-reading them through pread
    // was most of the writer's time. Temporary journals (savepoints) stay in memory.
    config.setCacheSize(-(forWriting ? WRITER_CACHE_KIB : READER_CACHE_KIB)); // negative: KiB
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    if (!forWriting) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA query_only = ON");
      } catch (SQLException e) {
        closeQuietly(c);
        throw e;
      }
    }
    return c;
  }

  private static String readEpoch(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'epoch'")) {
      if (!rs.next()) {
        throw new SQLException("meta table has no epoch");
      }
      return rs.getString(1);
    }
  }

  /** The store's epoch: created with the database file, stable across reopening it. */
  String epoch() {
    checkOpen();
    return epoch;
  }

  /** How many migrations {@link #open} applied (0 when the schema was already current). */
  int appliedMigrations() {
    return appliedMigrations;
  }

  boolean isOpen() {
    return state == State.OPEN;
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException("SQLite store is not open (" + state + ")");
    }
  }

  /** Runs {@code work} on a read connection (sees committed data only; writes are refused). */
  <T> T read(SqlWork<T> work) {
    Connection c = borrowReader();
    try {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException("SQLite read failed", e);
    } finally {
      readers.add(c);
    }
  }

  private Connection borrowReader() {
    try {
      while (true) {
        checkOpen();
        Connection c = readers.poll(100, TimeUnit.MILLISECONDS);
        if (c != null) {
          if (state != State.OPEN) {
            readers.add(c); // hand it to close()
            checkOpen();
          }
          return c;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a read connection", e);
    }
  }

  /**
   * Runs {@code work} on the write connection, holding the write lock. The work manages its own
   * transaction; without one, each statement commits on its own.
   */
  <T> T write(SqlWork<T> work) {
    writeLock.lock();
    try {
      checkOpen();
      return work.run(writer);
    } catch (SQLException e) {
      throw new StoreException("SQLite write failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Runs {@code work} in one immediate transaction on the write connection: committed if it
   * returns, rolled back if it throws (the exception is passed on, SQL ones wrapped).
   */
  <T> T transaction(SqlWork<T> work) {
    return write(c -> inTransaction(c, work));
  }

  /** Runs {@code work} between BEGIN IMMEDIATE and COMMIT on {@code c}; rolls back if it throws. */
  static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
    execute(c, "BEGIN IMMEDIATE");
    T result;
    try {
      result = work.run(c);
      execute(c, "COMMIT");
    } catch (SQLException | RuntimeException | Error e) {
      rollbackQuietly(c, e);
      throw e;
    }
    return result;
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      // Fails harmlessly when SQLite has already rolled back on its own (e.g. after an I/O error).
      execute(c, "ROLLBACK");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Closes every connection; waits for borrowed read connections to come back. Idempotent. */
  void close() {
    writeLock.lock();
    try {
      if (state == State.CLOSED) {
        return;
      }
      boolean wasOpen = state == State.OPEN;
      state = State.CLOSED;
      if (!wasOpen) {
        return;
      }
      for (int i = 0; i < readConnections; i++) {
        Connection c = readers.poll(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        if (c == null) {
          log.warn("a read connection was not returned within {} ms", CLOSE_WAIT_MS);
          break;
        }
        closeQuietly(c);
      }
      closeQuietly(writer); // the last connection to close checkpoints and removes the WAL
      writer = null;
      log.info("SQLite store closed: {}", file);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(writer);
      writer = null;
    } finally {
      writeLock.unlock();
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      log.warn("closing an SQLite connection failed", e);
    }
  }
}
