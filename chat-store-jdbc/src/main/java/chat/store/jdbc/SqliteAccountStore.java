package chat.store.jdbc;

import jakarta.inject.Inject;

/** The account store on the SQLite file: see {@link JdbcAccountStore}. */
final class SqliteAccountStore extends JdbcAccountStore {
  @Inject
  SqliteAccountStore(SqliteDatabase database) {
    super(database, Dialect.SQLITE);
  }
}
