package chat.store.jdbc;

import chat.core.Managed;
import jakarta.inject.Inject;

/**
 * Opens the PostgreSQL store when the application starts (phase {@link Managed#PHASE_STORE},
 * before the core: connect, migrate, start the writer) and closes it when it stops: waiting
 * read-marker moves are written and queued appends committed and acknowledged first, then the
 * pool is closed.
 */
final class PostgresStoreLifecycle implements Managed {
  private final PostgresDatabase database;
  private final PostgresMessageStore messages;
  private final PostgresAccountStore accounts;

  @Inject
  PostgresStoreLifecycle(PostgresDatabase database, PostgresMessageStore messages,
      PostgresAccountStore accounts) {
    this.database = database;
    this.messages = messages;
    this.accounts = accounts;
  }

  @Override
  public int phase() {
    return PHASE_STORE;
  }

  @Override
  public void start() throws Exception {
    database.open();
    try {
      messages.start();
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  @Override
  public void stop() throws Exception {
    try {
      accounts.stopReadMarkers();
      messages.stop();
    } finally {
      database.close();
    }
  }
}
