package chat.store.jdbc;

/**
 * A started PostgreSQL store on one database, built with {@code new} as the module would wire
 * it: database, account store, and their lifecycle. {@link #close} stops it cleanly; opening
 * another on the same URL is a restart (or a second node).
 */
final class OpenPostgres implements AutoCloseable {
  final String url;
  final PostgresDatabase database;
  final PostgresAccountStore accounts;

  private OpenPostgres(String url, PostgresDatabase database) {
    this.url = url;
    this.database = database;
    this.accounts = new PostgresAccountStore(database);
  }

  static OpenPostgres open(String url) throws Exception {
    PostgresDatabase database = new PostgresDatabase(url, null, 4);
    database.open();
    return new OpenPostgres(url, database);
  }

  @Override
  public void close() {
    database.close();
  }
}
