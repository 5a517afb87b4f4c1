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
import java.util.Objects;
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
 * run beside the writer and which only ever see committed data. Each read connection keeps the
 * statements prepared on it ({@link CachingConnection}), so a read compiles its SQL once.
 *
 * <p>Checkpoints: the write connection never checkpoints on its own ({@code wal_autocheckpoint=0});
 * a {@link WalCheckpointer} does it on its own thread and connection, signalled after each write.
 * Should the WAL file still pass {@link WalCheckpointer.Config#hardLimitBytes}, the next write
 * checkpoints on the write connection before it returns, so the file stays bounded.
 *
 * <p>Lifecycle: new (nothing touched) → {@link #open} (directory created, pragmas set, schema
 * migrated, epoch read, checkpointer started) → {@link #close} (checkpointer stopped, connections
 * closed; a clean close checkpoints the WAL and removes it).
 * Work handed to {@link #read}, {@link #write} or {@link #transaction} outside the open state
 * throws {@link IllegalStateException}.
 */
final class SqliteDatabase implements JdbcDatabase {
  private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

  static final String FILE_NAME = "chat.db";
  static final int BUSY_TIMEOUT_MS = 5_000;
  static final int DEFAULT_READ_CONNECTIONS = 4;
  private static final long CLOSE_WAIT_MS = 10_000;

  private enum State { NEW, OPEN, CLOSED }

  private final Path dataDir;
  private final Path file;
  private final int readConnections;
  private final List<Migrations.Migration> migrations;

  private final WalCheckpointer.Config walConfig;
  private final Path walFile;
  // Fair: the checkpointer waiting for it gets it between two batches of the group-commit writer.
  private final ReentrantLock writeLock = new ReentrantLock(true);
  private Connection writer; // guarded by writeLock
  private volatile Connection checkpointConnection;
  private volatile WalCheckpointer checkpointer;
  private long writerCheckpoints; // guarded by writeLock
  private final BlockingQueue<Connection> readers;
  private volatile State state = State.NEW;
  private volatile String epoch;
  private volatile int appliedMigrations;

  SqliteDatabase(Path dataDir) {
    this(dataDir, DEFAULT_READ_CONNECTIONS, Migrations.ALL);
  }

  SqliteDatabase(Path dataDir, int readConnections, List<Migrations.Migration> migrations) {
    this(dataDir, readConnections, migrations, WalCheckpointer.Config.DEFAULT);
  }

  SqliteDatabase(Path dataDir, int readConnections, List<Migrations.Migration> migrations,
      WalCheckpointer.Config walConfig) {
    if (readConnections < 1) {
      throw new IllegalArgumentException("readConnections must be positive: " + readConnections);
    }
    this.dataDir = dataDir;
    this.file = dataDir.resolve(FILE_NAME);
    this.walFile = dataDir.resolve(FILE_NAME + "-wal");
    this.walConfig = Objects.requireNonNull(walConfig, "walConfig is null");
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
        Connection w = connect(Role.WRITER);
        opened.add(w);
        appliedMigrations = Migrations.migrate(w, migrations);
        epoch = readEpoch(w);
        for (int i = 0; i < readConnections; i++) {
          Connection r = CachingConnection.wrap(connect(Role.READER), READER_STATEMENTS);
          opened.add(r);
          readers.add(r);
        }
        Connection cp = connect(Role.CHECKPOINTER);
        opened.add(cp);
        writer = w;
        checkpointConnection = cp;
        checkpointer = new WalCheckpointer(cp, writeLock, this::isOpen, walConfig);
        state = State.OPEN;
        checkpointer.start();
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
  /**
   * Statements each read connection keeps compiled, by SQL text: more than the store's distinct
   * reads, so the cache only evicts SQL built with a varying number of parameters.
   */
  static final int READER_STATEMENTS = 128;
  /** Page cache of each read connection, in KiB. */
  static final int READER_CACHE_KIB = 16 * 1024;

  private enum Role { WRITER, READER, CHECKPOINTER }

  /** Page cache of the checkpoint connection, in KiB: a checkpoint reads frames, not pages. */
  static final int CHECKPOINTER_CACHE_KIB = 1024;

  private Connection connect(Role role) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    // WAL: readers run beside the one writer. FULL: a commit is on disk before we ack it.
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.enforceForeignKeys(true);
    // SQLite's default page cache is 2 MiB per connection: a batch of appends across many
    // conversations touches more index pages than that, and re-reading them through pread
    // was most of the writer's time. Temporary journals (savepoints) stay in memory.
    int cacheKib = switch (role) {
      case WRITER -> WRITER_CACHE_KIB;
      case READER -> READER_CACHE_KIB;
      case CHECKPOINTER -> CHECKPOINTER_CACHE_KIB;
    };
    config.setCacheSize(-cacheKib); // negative: KiB
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    // Nothing here reads generated keys; left on, the driver runs a second statement
    // (SELECT last_insert_rowid()) after every insert, prepared afresh each time.
    config.setGetGeneratedKeys(false);
    Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement s = c.createStatement()) {
      SqliteSearchWords.register(c);
      switch (role) {
        case READER -> s.execute("PRAGMA query_only = ON");
        case WRITER -> {
          // The checkpointer copies the WAL; the committing thread does not (hard limit aside).
          s.execute("PRAGMA wal_autocheckpoint = 0");
          // After a WAL restart, a file grown past half the hard limit is cut back to that.
          s.execute("PRAGMA journal_size_limit = " + walConfig.hardLimitBytes() / 2);
          // A deleted message is erased, not hidden: freed space and pages are zeroed, or the
          // old text would stay in the file. Appends free nothing, so sends pay nothing for it.
          s.execute("PRAGMA secure_delete = ON");
        }
        case CHECKPOINTER -> s.execute("PRAGMA wal_autocheckpoint = 0");
      }
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
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
  @Override
  public <T> T read(SqlWork<T> work) {
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
  @Override
  public <T> T write(SqlWork<T> work) {
    writeLock.lock();
    try {
      checkOpen();
      T result = work.run(writer);
      afterWrite();
      return result;
    } catch (SQLException e) {
      throw new StoreException("SQLite write failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Signals the checkpointer; checkpoints on the writer if the WAL file passed the hard limit
   * (the checkpointer failing or falling behind). The write has committed: a failure here is
   * logged, never passed on. Holding the write lock.
   */
  private void afterWrite() {
    WalCheckpointer cp = checkpointer;
    if (cp != null) {
      cp.walGrew();
    }
    long walBytes;
    try {
      walBytes = Files.size(walFile);
    } catch (IOException e) {
      return; // no WAL (yet): nothing to bound
    }
    if (walBytes <= walConfig.hardLimitBytes()) {
      return;
    }
    try {
      WalCheckpointer.Result r = WalCheckpointer.checkpoint(writer, "PASSIVE");
      writerCheckpoints++;
      if (writerCheckpoints == 1 || Long.bitCount(writerCheckpoints) == 1) {
        log.warn("the WAL file is {} bytes, over its limit of {}: checkpointed on the writer"
            + " ({} frames, {} copied; {} such checkpoints so far)", walBytes,
            walConfig.hardLimitBytes(), r.logFrames(), r.checkpointedFrames(), writerCheckpoints);
      }
    } catch (SQLException e) {
      log.warn("checkpointing the WAL on the writer failed", e);
    }
  }

  /** How many times a write checkpointed on the writer because the WAL passed its hard limit. */
  long writerCheckpoints() {
    writeLock.lock();
    try {
      return writerCheckpoints;
    } finally {
      writeLock.unlock();
    }
  }

  /** The background checkpointer (null before open). */
  WalCheckpointer checkpointer() {
    return checkpointer;
  }

  Path walFile() {
    return walFile;
  }

  /**
   * Runs {@code work} in one immediate transaction on the write connection: committed if it
   * returns, rolled back if it throws (the exception is passed on, SQL ones wrapped).
   */
  @Override
  public <T> T transaction(SqlWork<T> work) {
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
    // Before the write lock: a checkpoint round may be waiting for it.
    boolean checkpointerEnded = stopCheckpointer();
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
      if (checkpointerEnded) {
        closeQuietly(checkpointConnection);
      } // else it may still be in use; the writer is then not the last connection to close
      checkpointConnection = null;
      for (int i = 0; i < readConnections; i++) {
        Connection c = readers.poll(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        if (c == null) {
          log.warn("a read connection was not returned within {} ms", CLOSE_WAIT_MS);
          break;
        }
        closeQuietly(c);
      }
      try {
        WalCheckpointer.checkpoint(writer, "TRUNCATE"); // what the checkpointer has not copied
      } catch (SQLException e) {
        log.warn("the final WAL checkpoint failed; closing copies what it can", e);
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

  /** Stops the checkpointer, if started; whether it ended. */
  private boolean stopCheckpointer() {
    WalCheckpointer cp = checkpointer;
    if (cp == null) {
      return true;
    }
    try {
      return cp.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
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
