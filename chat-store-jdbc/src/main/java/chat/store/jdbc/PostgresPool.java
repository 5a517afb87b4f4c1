package chat.store.jdbc;

import com.zaxxer.hikari.HikariPoolMXBean;
import jakarta.inject.Inject;
import java.util.function.ToIntFunction;

/**
 * How the PostgreSQL store's connection pool is used at this moment, for metrics: connections
 * in use, idle, open, and work waiting for one (the pool is too small, or the server slow). All
 * 0 while the store is not open. Bound by {@link PostgresStoreModule}.
 */
public final class PostgresPool {
  private final PostgresDatabase database;

  @Inject
  PostgresPool(PostgresDatabase database) {
    this.database = database;
  }

  /** Connections lent out to work now. */
  public int active() {
    return read(HikariPoolMXBean::getActiveConnections);
  }

  /** Open connections nobody uses now. */
  public int idle() {
    return read(HikariPoolMXBean::getIdleConnections);
  }

  /** Open connections, used or not. */
  public int total() {
    return read(HikariPoolMXBean::getTotalConnections);
  }

  /** Work waiting for a connection now. */
  public int waiting() {
    return read(HikariPoolMXBean::getThreadsAwaitingConnection);
  }

  private int read(ToIntFunction<HikariPoolMXBean> count) {
    HikariPoolMXBean use = database.poolUse();
    return use == null ? 0 : count.applyAsInt(use);
  }
}
