package chat.store.jdbc;

/**
 * A started PostgreSQL store on one database, built with {@code new} as the module would wire
 * it: database, message store, account store, file store and their lifecycle. {@link #close} stops it
 * cleanly; opening another on the same URL is a restart, or a second node.
 */
final class OpenPostgres implements AutoCloseable {
  final String url;
  final PostgresDatabase database;
  final PostgresMessageStore messages;
  final PostgresAccountStore accounts;
  final PostgresFileStore files;
  final PostgresStoreLifecycle lifecycle;

  private OpenPostgres(String url, PostgresDatabase database, PostgresMessageStore messages) {
    this.url = url;
    this.database = database;
    this.messages = messages;
    this.accounts = new PostgresAccountStore(database);
    this.files = new PostgresFileStore(database);
    this.lifecycle = new PostgresStoreLifecycle(database, messages, accounts);
  }

  static OpenPostgres open(String url) throws Exception {
    return open(url, GroupCommitWriter.DEFAULT_MAX_BATCH);
  }

  static OpenPostgres open(String url, int maxBatch) throws Exception {
    return open(new PostgresDatabase(url, null, 4), url, maxBatch);
  }

  /** On {@code database} (not open yet), made by the test with other settings. */
  static OpenPostgres open(PostgresDatabase database, String url, int maxBatch)
      throws Exception {
    OpenPostgres store = new OpenPostgres(url, database, new PostgresMessageStore(database,
        GroupCommitWriter.DEFAULT_QUEUE_CAPACITY, maxBatch));
    store.lifecycle.start();
    return store;
  }

  @Override
  public void close() {
    try {
      lifecycle.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the store", e);
    } catch (Exception e) {
      throw new IllegalStateException("stopping the store failed", e);
    }
  }
}
