package chat.store.jdbc;

import chat.core.store.StoreHealth;
import jakarta.inject.Inject;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whether PostgreSQL answers: a pooled connection that passes a validity check. Asked at most
 * once per {@link #CHECK_INTERVAL_NANOS}; meanwhile, and while one caller checks (which may take
 * the pool's connection timeout when the server is down), others get the last answer at once.
 */
final class PostgresHealth implements StoreHealth {
  static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;
  private static final int VALIDITY_TIMEOUT_S = 2;

  private final PostgresDatabase database;
  private final ReentrantLock checking = new ReentrantLock();
  private volatile boolean available = true;
  private volatile long checkedAt = System.nanoTime() - CHECK_INTERVAL_NANOS;

  @Inject
  PostgresHealth(PostgresDatabase database) {
    this.database = database;
  }

  @Override
  public boolean isAvailable() {
    if (System.nanoTime() - checkedAt >= CHECK_INTERVAL_NANOS && checking.tryLock()) {
      try {
        available = database.isReachable(VALIDITY_TIMEOUT_S);
        checkedAt = System.nanoTime();
      } finally {
        checking.unlock();
      }
    }
    return available;
  }
}
