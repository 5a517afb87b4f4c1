package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store's background upkeep moves the search index's pending list into the index once
 * enough messages were stored, so that no insert of the writer has to (autovacuum is off, and
 * the list is far below the size at which an insert would move it). The messages stored after
 * it began wait for the next one.
 */
class PostgresVacuumTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast().with("autovacuum", "off");

  @Test
  void theSearchIndexsPendingListIsMovedInTheBackground() throws Exception {
    String url = postgres.newDatabase();
    try (OpenPostgres store = OpenPostgres.open(url);
        Connection c = DriverManager.getConnection(url)) {
      PostgresDatabase.execute(c, "CREATE EXTENSION pgstattuple");
      List<RecordingAppendListener> sent = new ArrayList<>();
      int after = 100; // stored after the first cleaning at the earliest: they may stay listed
      for (int i = 0; i < PostgresVacuum.CLEAN_AFTER_MESSAGES + after; i++) {
        RecordingAppendListener l = new RecordingAppendListener();
        store.messages.append(new NewMessage(ConvId.room("r" + i % 10), "alice",
            "word" + i + " other" + i % 100 + " hello", "c" + i, i), l);
        sent.add(l);
      }
      sent.forEach(RecordingAppendListener::awaitStored);

      long deadline = System.nanoTime() + 10_000_000_000L;
      while (pendingTuples(c) > after) {
        assertTrue(System.nanoTime() < deadline, "the pending list was not moved within 10 s");
        Thread.sleep(50); // polling the index's state for the background thread's work
      }
    }
  }

  private static long pendingTuples(Connection c) throws Exception {
    return Sql.queryLong(c,
        "SELECT pending_tuples FROM pgstatginindex('messages_search'::regclass)");
  }
}
