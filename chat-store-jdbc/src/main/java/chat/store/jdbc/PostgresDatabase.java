package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL database, through a HikariCP pool of {@code poolSize} connections. Every
 * connection is alike (PostgreSQL has no single-writer rule): reads run in auto-commit mode or
 * in a read-only snapshot, writes in READ COMMITTED transactions whose row locks (a
 * conversation's counter row, above all) order them against every other writer, in this process
 * or another.
 *
 * <p>An outage: work fails with a {@link StoreException} (a connection is waited for at most
 * {@link #CONNECTION_TIMEOUT_MS}); the pool drops broken connections and opens new ones once the
 * server answers again, so the store serves again without a restart. A server that hangs rather
 * than dies (a frozen machine, a network that drops packets without a reset) is bounded too:
 * the driver gives up on an answer after {@link #SOCKET_TIMEOUT_S} and on a new connection after
 * {@link #CONNECT_TIMEOUT_S} and {@link #LOGIN_TIMEOUT_S}, unless the URL sets these itself (a
 * parameter of the operator's URL wins over these defaults). Work that may rightly take longer
 * than the socket timeout (migrations, copying a store, vacuum) runs with a longer one, or
 * none ({@link #withSocketTimeout}).
 *
 * <p>Lifecycle: new (nothing touched) → {@link #open} (pool filled, schema migrated, epoch read)
 * → {@link #close}. The password is handed to the driver only, never logged; the URL is logged
 * with any password parameter masked.
 */
final class PostgresDatabase implements JdbcDatabase {
  private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);

  static final int DEFAULT_POOL_SIZE = 8;
  /** How long work waits for a connection before it fails (the server may be down). */
  static final long CONNECTION_TIMEOUT_MS = 5_000;
  /** How long the driver waits to open a TCP connection to the server, in seconds. */
  static final int CONNECT_TIMEOUT_S = 5;
  /** How long the driver waits for a new connection to be ready (TLS, authentication), in s. */
  static final int LOGIN_TIMEOUT_S = 10;
  /**
   * How long the driver waits for any one answer of the server before it gives the connection
   * up as broken, in seconds. Long enough never to cut short normal work: the longest wait in
   * normal operation is a batch's commit with {@code synchronous_commit} on (an fsync, usually
   * milliseconds, seconds on a saturated disk) or a counter row locked by another node's batch;
   * cutting one short would turn a slow success into a reported failure (the commit may still
   * land, and the client's resend of the cid is then answered as a duplicate). Short enough that
   * a hung server fails sends and requests within half a minute instead of never.
   */
  static final int SOCKET_TIMEOUT_S = 30;

  private enum State { NEW, OPEN, CLOSED }

  private final String url;
  private final String password;
  private final int poolSize;
  private final List<Migrations.Migration> migrations;
  private final Object lock = new Object();
  private volatile State state = State.NEW;
  private volatile HikariDataSource pool;
  private volatile String epoch;
  private volatile int appliedMigrations;
  private final PostgresVacuum vacuum;

  /**
   * @param url a {@code jdbc:postgresql:} URL, the user in it
   * @param password null when the URL (or the server's trust) needs none
   */
  PostgresDatabase(String url, String password, int poolSize) {
    this(url, password, poolSize, PostgresMigrations.ALL);
  }

  PostgresDatabase(String url, String password, int poolSize,
      List<Migrations.Migration> migrations) {
    this(url, password, poolSize, migrations, PostgresVacuum.DEFAULT_INTERVAL_MS);
  }

  /** @param vacuumIntervalMs the least time between two vacuums after erasing changes */
  PostgresDatabase(String url, String password, int poolSize,
      List<Migrations.Migration> migrations, long vacuumIntervalMs) {
    if (!requireNonNull(url, "url is null").startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("not a jdbc:postgresql: URL: " + redact(url));
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be positive: " + poolSize);
    }
    this.url = url;
    this.password = password;
    this.poolSize = poolSize;
    this.migrations = List.copyOf(migrations);
    this.vacuum = new PostgresVacuum(this, vacuumIntervalMs);
  }

  /** Connects (failing if the server does not answer), migrates the schema, reads the epoch. */
  void open() throws SQLException {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("database is " + state);
      }
      HikariConfig config = new HikariConfig();
      config.setPoolName("chat-postgres");
      config.setDriverClassName("org.postgresql.Driver");
      config.setJdbcUrl(url);
      if (password != null) {
        config.setPassword(password);
      }
      config.setMaximumPoolSize(poolSize);
      config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
      // Driver properties, as strings: HikariCP hands them over as they are, and the driver
      // ignores any other type. A parameter of the same name in the URL overrides them.
      config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_S));
      config.addDataSourceProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT_S));
      config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_S));
      config.addDataSourceProperty("tcpKeepAlive", "true");
      config.addDataSourceProperty("ApplicationName", "chat-server");
      HikariDataSource opened;
      try {
        opened = new HikariDataSource(config); // fails here if the server does not answer
      } catch (RuntimeException e) {
        state = State.CLOSED;
        throw new SQLException("cannot connect to PostgreSQL at " + redact(url) + ": "
            + e.getMessage(), e);
      }
      try (Connection c = opened.getConnection()) {
        c.setNetworkTimeout(Runnable::run, 0); // may wait for another node's migration
        appliedMigrations = PostgresMigrations.migrate(c, migrations);
        epoch = Sql.queryString(c, "SELECT value FROM meta WHERE key = 'epoch'")
            .orElseThrow(() -> new SQLException("meta table has no epoch"));
      } catch (SQLException | RuntimeException e) {
        opened.close();
        state = State.CLOSED;
        throw e;
      }
      pool = opened;
      state = State.OPEN;
      vacuum.start();
      log.info("PostgreSQL store open at {} (schema version {}, epoch {}, {} connections)",
          redact(url), Migrations.latestVersion(migrations), epoch, poolSize);
    }
  }

  /** {@code url} with the value of any password parameter replaced, for logs and errors. */
  static String redact(String url) {
    return url.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
  }

  String epoch() {
    checkOpen();
    return epoch;
  }

  int appliedMigrations() {
    return appliedMigrations;
  }

  boolean isOpen() {
    return state == State.OPEN;
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException("PostgreSQL store is not open (" + state + ")");
    }
  }

  /** Runs {@code work} on a connection in auto-commit mode: each statement commits alone. */
  @Override
  public <T> T read(SqlWork<T> work) {
    return withConnection(work, "PostgreSQL read failed");
  }

  /** As {@link #read}: in auto-commit mode each statement is its own transaction. */
  @Override
  public <T> T write(SqlWork<T> work) {
    return withConnection(work, "PostgreSQL write failed");
  }

  private <T> T withConnection(SqlWork<T> work, String failure) {
    checkOpen();
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(failure, e);
    }
  }

  /**
   * Runs {@code work} on a connection in auto-commit mode with a socket timeout of
   * {@code timeoutMs} instead of the usual one (0: none), for work that may rightly take long;
   * the connection gets the usual timeout back when returned to the pool.
   */
  <T> T withSocketTimeout(int timeoutMs, SqlWork<T> work) {
    return withConnection(c -> {
      c.setNetworkTimeout(Runnable::run, timeoutMs);
      return work.run(c);
    }, "PostgreSQL work failed");
  }

  /**
   * Runs {@code work} in one read-only REPEATABLE READ transaction, so that all its queries see
   * one snapshot (a page of messages and their reactions, from the same moment).
   */
  <T> T snapshot(SqlWork<T> work) {
    return read(c -> {
      c.setAutoCommit(false);
      try {
        execute(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    });
  }

  /** Runs {@code work} in one READ COMMITTED transaction: committed if it returns. */
  @Override
  public <T> T transaction(SqlWork<T> work) {
    return withConnection(c -> inTransaction(c, work), "PostgreSQL write failed");
  }

  /**
   * Runs {@code work} between auto-commit off and COMMIT on {@code c}; rolls back if it throws
   * (the exception is passed on). {@code c} is back in auto-commit mode afterwards.
   */
  static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      rollbackQuietly(c, e);
      throw e;
    } finally {
      try {
        c.setAutoCommit(true);
      } catch (SQLException e) {
        // a broken connection: the pool finds out and drops it
      }
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Whether the server answers now: a pooled connection that passes a validity check within
   * {@code timeoutSeconds}. False while the store is not open.
   */
  boolean isReachable(int timeoutSeconds) {
    HikariDataSource p = pool;
    if (state != State.OPEN || p == null) {
      return false;
    }
    try (Connection c = p.getConnection()) {
      return c.isValid(timeoutSeconds);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Asks for a vacuum of {@code tables} soon (see {@link PostgresVacuum}), so that what a
   * committed change deleted or replaced there is erased, not only hidden. Ignored unless open.
   */
  void vacuumSoon(Set<PostgresVacuum.Table> tables) {
    vacuum.request(tables);
  }

  /** {@code count} messages were committed: see {@link PostgresVacuum#stored}. */
  void stored(int count) {
    vacuum.stored(count);
  }

  /** The pool's counts now (connections in use, idle, waited for); null while not open. */
  HikariPoolMXBean poolUse() {
    HikariDataSource p = pool;
    return state == State.OPEN && p != null ? p.getHikariPoolMXBean() : null;
  }

  /** Closes the pool and its connections (a vacuum under way is cancelled first). Idempotent. */
  void close() {
    synchronized (lock) {
      boolean wasOpen = state == State.OPEN;
      state = State.CLOSED;
      if (wasOpen) {
        try {
          vacuum.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        pool.close();
        log.info("PostgreSQL store closed: {}", redact(url));
      }
    }
  }
}
