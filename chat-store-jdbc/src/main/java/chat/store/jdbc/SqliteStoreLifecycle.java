package chat.store.jdbc;

import chat.core.Managed;
import jakarta.inject.Inject;
import java.io.IOException;

/**
 * Opens the SQLite store when the application starts (phase {@link Managed#PHASE_STORE}, so
 * before the core), removing the bytes of files whose row is gone, and closes it when it stops:
 * waiting read-marker moves are written and queued appends committed and acknowledged first,
 * then the connections are closed, which checkpoints the WAL into the database file.
 */
final class SqliteStoreLifecycle implements Managed {
  private final SqliteDatabase database;
  private final SqliteMessageStore messages;
  private final SqliteAccountStore accounts;
  private final SqliteFileStore files;

  @Inject
  SqliteStoreLifecycle(SqliteDatabase database, SqliteMessageStore messages,
      SqliteAccountStore accounts, SqliteFileStore files) {
    this.database = database;
    this.messages = messages;
    this.accounts = accounts;
    this.files = files;
  }

  @Override
  public int phase() {
    return PHASE_STORE;
  }

  @Override
  public void start() throws Exception {
    database.open();
    try {
      files.sweepOrphans();
      messages.start();
    } catch (IOException | RuntimeException e) {
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
