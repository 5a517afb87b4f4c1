package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the WAL into the database file on its own thread ({@code sqlite-checkpoint}) and its
 * own connection, so the committing writer does not: the write connection runs with
 * {@code wal_autocheckpoint=0}, and before that every commit that took the WAL past 1000 pages
 * ran the checkpoint itself (reading the frames back, writing them into the file, two fsyncs).
 *
 * <p>The writer {@linkplain #walGrew signals} after each write; a round, at most one per
 * {@link Config#intervalMs}, is a passive checkpoint, which never blocks the writer and copies
 * every frame up to what the writer's open transaction can see. That alone never lets the WAL
 * start over from its beginning: SQLite only restarts it when every frame is in the database
 * file at the moment a write transaction begins, and a writer under load begins its next batch
 * right after the last one committed. So once the WAL holds {@link Config#restartFrames} frames,
 * the round takes the write lock (between two batches) and copies the few frames committed since
 * its passive pass; the writer's next transaction then writes from the WAL's start again, and
 * the WAL file stays about {@code restartFrames} pages long.
 *
 * <p>A failed round is logged and retried after {@link Config#retryMs}; it never ends the
 * thread. If the checkpointer falls behind anyway, the database checkpoints on the writer once
 * the WAL file passes {@link Config#hardLimitBytes} (see {@link SqliteDatabase}), so disk use
 * stays bounded. Durability does not depend on this class: a commit is acknowledged after its
 * WAL fsync, and a checkpoint (synchronous=FULL on this connection too) fsyncs the database file
 * before the WAL can be reused.
 */
final class WalCheckpointer {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

  /** When and how the WAL is checkpointed; {@link #DEFAULT} in production. */
  record Config(int restartFrames, long hardLimitBytes, long intervalMs, long retryMs,
      Hooks hooks) {
    /**
     * Restart at 4096 frames (16 MiB of 4 KiB pages), a round at most every 100 ms (more often
     * only added fsyncs beside the writer's and copied pages that the next commit rewrites),
     * 64 MiB before the writer checkpoints itself, retry a failure after a second.
     */
    static final Config DEFAULT = new Config(4096, 64L << 20, 100, 1_000, Hooks.NONE);

    Config {
      if (restartFrames < 1 || hardLimitBytes < 1 || intervalMs < 0 || retryMs < 0) {
        throw new IllegalArgumentException("invalid WAL checkpoint config");
      }
      requireNonNull(hooks, "hooks is null");
    }
  }

  /** Test points on the checkpoint thread. */
  interface Hooks {
    Hooks NONE = new Hooks() {};

    /** A round begins; throwing fails it (it is retried). */
    default void checkpointing() throws SQLException {}

    /** A round ended; {@code result} is its last checkpoint. */
    default void checkpointed(Result result) {}
  }

  /** What {@code PRAGMA wal_checkpoint} reported. */
  record Result(boolean busy, long logFrames, long checkpointedFrames) {}

  private static final long STOP_WAIT_MS = 10_000;

  private final Connection connection;
  private final Lock writeLock;
  private final BooleanSupplier databaseOpen;
  private final Config config;
  private final Object monitor = new Object();
  private boolean pending; // guarded by monitor
  private boolean stopping; // guarded by monitor
  private final Thread thread;
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong lockedRounds = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  WalCheckpointer(Connection connection, Lock writeLock, BooleanSupplier databaseOpen,
      Config config) {
    this.connection = requireNonNull(connection, "connection is null");
    this.writeLock = requireNonNull(writeLock, "writeLock is null");
    this.databaseOpen = requireNonNull(databaseOpen, "databaseOpen is null");
    this.config = requireNonNull(config, "config is null");
    this.thread = new Thread(this::run, "sqlite-checkpoint");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The writer committed something: a round is due (at most one per interval). */
  void walGrew() {
    synchronized (monitor) {
      if (!pending) {
        pending = true;
        monitor.notifyAll();
      }
    }
  }

  /**
   * Ends the thread, waiting for a round in progress.
   *
   * @return whether the thread ended (so its connection may be closed)
   */
  boolean stop() throws InterruptedException {
    synchronized (monitor) {
      stopping = true;
      monitor.notifyAll();
    }
    if (thread.getState() == Thread.State.NEW) {
      return true;
    }
    thread.join(STOP_WAIT_MS);
    if (thread.isAlive()) {
      log.error("WAL checkpointer did not end within {} ms", STOP_WAIT_MS);
      return false;
    }
    return true;
  }

  /** Rounds that ended without an error. */
  long rounds() {
    return rounds.get();
  }

  /** Rounds that held the writer off to let the WAL restart. */
  long lockedRounds() {
    return lockedRounds.get();
  }

  /** Rounds that failed (and were retried). */
  long failures() {
    return failures.get();
  }

  boolean isAlive() {
    return thread.isAlive();
  }

  private void run() {
    long nextRound = System.nanoTime();
    while (true) {
      synchronized (monitor) {
        while (!stopping) {
          long wait = TimeUnit.NANOSECONDS.toMillis(nextRound - System.nanoTime());
          if (pending && wait <= 0) {
            break;
          }
          try {
            monitor.wait(pending ? Math.max(1, wait) : 0);
          } catch (InterruptedException e) {
            // nobody should interrupt the checkpointer; stop() sets stopping
          }
        }
        if (stopping) {
          break;
        }
        pending = false;
      }
      long delayMs = config.intervalMs();
      try {
        round();
        rounds.incrementAndGet();
      } catch (SQLException | RuntimeException e) {
        long n = failures.incrementAndGet();
        if (n == 1 || Long.bitCount(n) == 1) { // 1, 2, 4, 8...: a lasting fault does not flood
          log.warn("WAL checkpoint failed ({} failures so far); retrying in {} ms",
              n, config.retryMs(), e);
        }
        delayMs = config.retryMs();
        synchronized (monitor) {
          pending = true; // retry even if the writer stays idle
        }
      }
      nextRound = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
    }
    log.debug("WAL checkpointer ended after {} rounds ({} holding the writer, {} failed)",
        rounds.get(), lockedRounds.get(), failures.get());
  }

  private void round() throws SQLException {
    config.hooks().checkpointing();
    Result result = checkpoint(connection, "PASSIVE");
    if (result.logFrames() >= config.restartFrames()) {
      // Only the frames committed since the passive pass are left: copy them with the writer
      // held off, so its next transaction finds the WAL fully copied and starts it over.
      writeLock.lock();
      try {
        if (!databaseOpen.getAsBoolean()) {
          return;
        }
        result = checkpoint(connection, "PASSIVE");
        lockedRounds.incrementAndGet();
      } finally {
        writeLock.unlock();
      }
    }
    config.hooks().checkpointed(result);
  }

  /** Runs {@code PRAGMA wal_checkpoint(mode)} on {@code c}. */
  static Result checkpoint(Connection c, String mode) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      if (!rs.next()) {
        throw new SQLException("wal_checkpoint returned no row");
      }
      return new Result(rs.getInt(1) != 0, rs.getLong(2), rs.getLong(3));
    }
  }
}
