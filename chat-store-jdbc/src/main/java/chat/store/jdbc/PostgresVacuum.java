package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background upkeep of the PostgreSQL store, on one daemon thread ({@code postgres-vacuum}), so
 * that neither the writer nor a request pays for it.
 *
 * <p><b>Erasure.</b> An updated or deleted row stays in its table, invisible but whole (a
 * deleted message's text and search words, an edited message's old text, a deleted file's name
 * and bytes), until a vacuum removes it; autovacuum does, but only once enough of the table
 * changed, which in a large table may be weeks. So once such a change has committed, the store
 * {@link #request}s a vacuum of the tables it touched; the thread runs {@code VACUUM} on every
 * table asked for so far, then waits {@code intervalMs} before the next one, so that a burst of
 * deletes costs one vacuum per interval (the first after a quiet spell runs at once). The
 * vacuum is an aggressive one ({@code FREEZE}), which waits for a page that another session has
 * in use instead of passing it by; it reads only the pages not yet frozen (the visibility map
 * says which), not the whole table, freezing them as it goes (so each page is written once more
 * after it fills), and the indexes only when many rows were removed.
 *
 * <p>What it guarantees: no row version holds the erased text any more. What it does not: the
 * bytes of a removed row may stay in its page's free space until another row is written there,
 * the words of a deleted text stay as keys of the search index (without any row) until it is
 * rebuilt, and the write-ahead log, replicas and backups hold what they held (see
 * docs/scale-out.md). A transaction open in the database since before the change keeps the old
 * row alive past the vacuum; so does a vacuum that cannot get its table's lock within
 * {@link #LOCK_TIMEOUT}, which is then tried again after the interval. A session that keeps a
 * page in use (a cursor left open mid-scan) holds the vacuum, and the cleaning below that runs
 * on the same thread, until it lets go.
 *
 * <p><b>The search index's pending list.</b> PostgreSQL adds a new message's words to a GIN
 * index's pending list, and the insert that finds the list over {@code gin_pending_list_limit}
 * (4 MB) moves it all into the index, inside the writer's transaction: with varied text a stall
 * of a few hundred milliseconds for that batch's acks (docs/benchmarks.md). So once
 * {@link #CLEAN_AFTER_MESSAGES} messages were stored, at most once per
 * {@link #CLEAN_INTERVAL_MS}, the thread moves the list itself
 * ({@code gin_clean_pending_list}), in small steps, while inserts go on.
 *
 * <p>Lifecycle: new → {@link #start} → {@link #stop} (work under way is cancelled; requests
 * after it are ignored). Owned by {@link PostgresDatabase}.
 */
final class PostgresVacuum {
  private static final Logger log = LoggerFactory.getLogger(PostgresVacuum.class);

  static final long DEFAULT_INTERVAL_MS = 30_000;
  /** How long a vacuum waits for its tables' lock (another vacuum may hold it). */
  static final String LOCK_TIMEOUT = "30s";
  /**
   * How long the driver waits for a vacuum to answer, far beyond the usual socket timeout (a
   * vacuum that has index scans to do on a large table takes minutes) yet bounded, so that a
   * hung server does not keep this thread and a connection for good. The server goes on with
   * a vacuum whose client gave up; the one tried again after the interval then waits for its lock.
   */
  static final int SOCKET_TIMEOUT_MS = 3_600_000;
  /** Messages stored before the search index's pending list is worth moving. */
  static final long CLEAN_AFTER_MESSAGES = 1_000;
  static final long CLEAN_INTERVAL_MS = 1_000;
  private static final long STOP_WAIT_MS = 5_000;

  /** The tables that hold what a user may erase. */
  enum Table {
    MESSAGES, FILES, FILE_CHUNKS;

    String sqlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final PostgresDatabase database;
  private final long intervalMs;
  private final Object lock = new Object();
  private final Set<Table> requested = EnumSet.noneOf(Table.class); // guarded by lock
  private long stored; // messages stored since the last cleaning; guarded by lock
  private long nextVacuum; // System.nanoTime() from which a vacuum may run; guarded by lock
  private long nextCleaning; // the same for the pending list's cleaning; guarded by lock
  private boolean running; // guarded by lock
  private Thread thread; // guarded by lock
  private volatile Statement working;

  PostgresVacuum(PostgresDatabase database, long intervalMs) {
    if (intervalMs < 0) {
      throw new IllegalArgumentException("intervalMs is negative: " + intervalMs);
    }
    this.database = requireNonNull(database, "database is null");
    this.intervalMs = intervalMs;
  }

  void start() {
    synchronized (lock) {
      if (thread != null) {
        throw new IllegalStateException("vacuum thread started already");
      }
      running = true;
      nextVacuum = System.nanoTime();
      nextCleaning = nextVacuum;
      thread = new Thread(this::run, "postgres-vacuum");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Asks for {@code tables} to be vacuumed soon; call after the change committed. */
  void request(Set<Table> tables) {
    synchronized (lock) {
      if (running) {
        requested.addAll(tables);
        lock.notifyAll();
      }
    }
  }

  /** {@code count} messages were stored (committed); from the writer thread. */
  void stored(int count) {
    synchronized (lock) {
      stored += count;
      if (stored >= CLEAN_AFTER_MESSAGES) {
        lock.notifyAll();
      }
    }
  }

  /** Ends the thread, cancelling work under way (it is undone safely). Idempotent. */
  void stop() throws InterruptedException {
    Thread t;
    synchronized (lock) {
      running = false;
      lock.notifyAll();
      t = thread;
    }
    if (t == null) {
      return;
    }
    Statement s = working;
    if (s != null) {
      try {
        s.cancel();
      } catch (SQLException e) {
        log.debug("cancelling the vacuum failed", e);
      }
    }
    t.join(STOP_WAIT_MS);
    if (t.isAlive()) {
      log.warn("the vacuum thread did not end within {} ms", STOP_WAIT_MS);
    }
  }

  private void run() {
    while (true) {
      Set<Table> tables = null;
      synchronized (lock) {
        while (true) {
          if (!running) {
            return;
          }
          long now = System.nanoTime();
          boolean vacuumDue = !requested.isEmpty() && now - nextVacuum >= 0;
          boolean cleaningDue = stored >= CLEAN_AFTER_MESSAGES && now - nextCleaning >= 0;
          if (vacuumDue) {
            tables = EnumSet.copyOf(requested);
            requested.clear();
            if (tables.contains(Table.MESSAGES)) {
              stored = 0; // a vacuum of messages moves the pending list too
            }
            nextVacuum = now + TimeUnit.MILLISECONDS.toNanos(intervalMs);
            break;
          }
          if (cleaningDue) {
            stored = 0;
            nextCleaning = now + TimeUnit.MILLISECONDS.toNanos(CLEAN_INTERVAL_MS);
            break;
          }
          waitQuietly(untilDue(now));
        }
      }
      try {
        if (tables != null) {
          vacuum(tables);
        } else {
          cleanSearchIndex();
        }
      } catch (RuntimeException e) {
        synchronized (lock) {
          if (!running) {
            return; // cancelled by stop()
          }
          if (tables != null) {
            requested.addAll(tables); // tried again after the interval
          } else { // e.g. not the index's owner: try again, seldom
            nextCleaning = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
          }
        }
        log.warn("{} failed; trying again in {} ms",
            tables != null ? "vacuuming " + tables : "cleaning the search index", intervalMs, e);
      }
    }
  }

  /** How long to wait, in ms, for the next due work (0: until notified). */
  private long untilDue(long now) {
    long wait = 0;
    if (!requested.isEmpty()) {
      wait = nextVacuum - now;
    }
    if (stored >= CLEAN_AFTER_MESSAGES && (wait == 0 || nextCleaning - now < wait)) {
      wait = nextCleaning - now;
    }
    return wait == 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait));
  }

  /** lock.wait; an interrupt (nobody should) just ends the wait, the loop checks again. */
  private void waitQuietly(long ms) {
    try {
      lock.wait(ms);
    } catch (InterruptedException e) {
      // the caller's loop decides whether to go on
    }
  }

  private void vacuum(Set<Table> tables) {
    String names = tables.stream().map(Table::sqlName).collect(Collectors.joining(", "));
    // FREEZE makes the vacuum aggressive: a plain one passes by a page another session has in
    // use at that moment (a reader's scan, a checkpoint writing it), leaving its old rows until
    // some later vacuum; an aggressive one waits for the page. Auto-commit: VACUUM runs in no
    // transaction.
    run("VACUUM (FREEZE) " + names);
  }

  private void cleanSearchIndex() {
    run("SELECT gin_clean_pending_list('messages_search')");
  }

  private void run(String sql) {
    long start = System.nanoTime();
    database.withSocketTimeout(SOCKET_TIMEOUT_MS, c -> {
      try (Statement s = c.createStatement()) {
        s.execute("SET lock_timeout = '" + LOCK_TIMEOUT + "'");
        working = s;
        try {
          s.execute(sql);
        } finally {
          working = null;
          s.execute("RESET lock_timeout"); // the connection goes back to the pool
        }
      }
      return null;
    });
    log.debug("{}: {} ms", sql, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }
}
