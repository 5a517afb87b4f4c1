package chat.store.jdbc;

/**
 * A database the account store's statements run on: SQLite ({@link SqliteDatabase}: one write
 * connection, read connections beside it) or PostgreSQL ({@link PostgresDatabase}: a pool).
 * SQL failures come out as {@link StoreException}.
 */
interface JdbcDatabase {

  /** Runs {@code work} where it sees committed data; it must not write. */
  <T> T read(SqlWork<T> work);

  /** Runs {@code work}, which may write; without a transaction each statement commits alone. */
  <T> T write(SqlWork<T> work);

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  <T> T transaction(SqlWork<T> work);
}
