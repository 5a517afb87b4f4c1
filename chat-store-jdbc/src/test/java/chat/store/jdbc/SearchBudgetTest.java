package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.SearchQuery;
import chat.core.store.SearchTooBroadException;
import chat.core.store.StoredMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search that runs past its time is stopped by the database and reported as {@link
 * SearchTooBroadException}; the connection it ran on serves the next search as ever. Here the
 * time is cut to nothing (SQLite) or a millisecond (PostgreSQL's least) against 20,000 matching
 * messages, which no engine walks and sorts that fast.
 */
class SearchBudgetTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  private static final ConvId GENERAL = ConvId.room("general");
  private static final int MESSAGES = 20_000;

  @TempDir
  Path tmp;

  @Test
  void sqliteStopsASearchPastItsTime() throws Exception {
    try (OpenStore s = OpenStore.open(tmp.resolve("db"))) {
      check(s.messages, s.messages::searchBudgetMs, 0);
    }
  }

  @Test
  void postgresCancelsASearchPastItsTime() throws Exception {
    OpenPostgres node = OpenPostgres.open(postgres.newDatabase());
    try {
      check(node.messages, node.messages::searchBudgetMs, 1);
    } finally {
      node.close();
    }
  }

  private static void check(MessageStore store, LongConsumer budget, long tinyMs) {
    for (int from = 0; from < MESSAGES; from += 5_000) { // within the writer's queue
      List<RecordingAppendListener> sent = new ArrayList<>();
      for (int i = from; i < from + 5_000; i++) {
        RecordingAppendListener l = new RecordingAppendListener();
        store.append(new NewMessage(GENERAL, "alice", "a common word, number " + i, "c" + i, i),
            l);
        sent.add(l);
      }
      sent.forEach(RecordingAppendListener::awaitStored);
    }
    SearchQuery common = new SearchQuery(List.of(GENERAL), List.of("common"), null, 21);

    budget.accept(tinyMs);
    assertThrows(SearchTooBroadException.class, () -> store.search(common));
    assertThrows(SearchTooBroadException.class, () -> store.search(common));

    budget.accept(10_000);
    List<StoredMessage> hits = store.search(common);
    assertEquals(21, hits.size());
    assertEquals(MESSAGES, hits.get(0).seq(), "newest first");
  }
}
