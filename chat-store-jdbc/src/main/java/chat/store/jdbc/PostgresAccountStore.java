package chat.store.jdbc;

import jakarta.inject.Inject;

/**
 * The account store on PostgreSQL: see {@link JdbcAccountStore}. Rosters are cached as on
 * SQLite; with several nodes on one database, a node learns of another's membership changes
 * only through {@link #forgetCaches}.
 */
final class PostgresAccountStore extends JdbcAccountStore {
  @Inject
  PostgresAccountStore(PostgresDatabase database) {
    super(database, Dialect.POSTGRES);
  }
}
