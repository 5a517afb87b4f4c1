package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ConvId;
import chat.core.store.FileRef;
import chat.core.store.FileStore;
import chat.core.store.FilesUnavailableException;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoredMessage;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One message of a batch fails on a real PostgreSQL, and the {@link PostgresAppender}'s
 * fallback (the batch stored again, one savepoint per message) stores the others: acknowledged,
 * with gapless seqs, the failing one told why, the counters right for the next send.
 *
 * <p>To be sure the messages share one batch, another connection holds the conversation's
 * counter row locked while a first append blocks the writer on it; the test's messages queue up
 * behind it and are taken together once the lock is released.
 */
class PostgresAppenderFallbackTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  private static final ConvId GENERAL = ConvId.room("general");
  private static final ConvId ALICE_BOB = ConvId.direct("alice", "bob");

  private String url;
  private OpenPostgres store;

  @BeforeEach
  void open() throws Exception {
    url = postgres.newDatabase();
    store = OpenPostgres.open(url);
    send(new NewMessage(GENERAL, "alice", "first", "c0", 1L)); // the counter row exists
  }

  @AfterEach
  void close() {
    store.close();
  }

  private StoredMessage send(NewMessage m) {
    RecordingAppendListener l = new RecordingAppendListener();
    store.messages.append(m, l);
    return l.awaitStored();
  }

  /** A trigger the test installs refuses, inside the batch's transaction, one marked text. */
  @Test
  void aMessageTheDatabaseRefusesFailsAloneAndTheOthersAreStoredGapless() throws Exception {
    try (Connection c = DriverManager.getConnection(url)) {
      PostgresDatabase.execute(c, "CREATE FUNCTION refuse_marked() RETURNS trigger"
          + " LANGUAGE plpgsql AS $$ BEGIN"
          + " IF position(convert_to('REFUSE-ME', 'UTF8') IN NEW.text) > 0 THEN"
          + " RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$");
      PostgresDatabase.execute(c, "CREATE TRIGGER refuse_marked BEFORE INSERT ON messages"
          + " FOR EACH ROW EXECUTE FUNCTION refuse_marked()");
    }
    List<NewMessage> batch = List.of(
        new NewMessage(GENERAL, "alice", "one", "c1", 2L),
        new NewMessage(ALICE_BOB, "alice", "to bob", "d1", 2L),
        new NewMessage(GENERAL, "bob", "please REFUSE-ME", "c2", 2L),
        new NewMessage(GENERAL, "alice", "two", "c3", 2L),
        new NewMessage(GENERAL, "alice", "one", "c1", 2L)); // a resend inside the batch
    List<RecordingAppendListener> outcomes = inOneBatch(batch, () -> { });

    StoredMessage one = outcomes.get(0).awaitStored();
    assertEquals(3, one.seq()); // 2 is the append that held the writer
    assertEquals(1, outcomes.get(1).awaitStored().seq());
    Throwable refused = outcomes.get(2).awaitFailed();
    assertInstanceOf(StoreException.class, refused);
    assertTrue(String.valueOf(refused.getCause()).contains("refused by the test"),
        String.valueOf(refused.getCause()));
    assertEquals(4, outcomes.get(3).awaitStored().seq(), "no gap where the refused one was");
    RecordingAppendListener.Outcome resent = outcomes.get(4).await();
    assertEquals(one, resent.message());
    assertTrue(resent.duplicate());

    assertStoredGapless(List.of("first", "held", "one", "two"));
    assertEquals(5, send(new NewMessage(GENERAL, "alice", "next", "c9", 3L)).seq());
    assertEquals(2, send(new NewMessage(ALICE_BOB, "bob", "next", "d9", 3L)).seq());
  }

  /**
   * A file expires (another transaction deletes it) while a batch that attaches it waits: that
   * message fails with {@link FilesUnavailableException}, nothing of it stored; the others are.
   */
  @Test
  void aMessageWhoseFileWasDeletedMeanwhileFailsAloneAndTheOthersAreStored() throws Exception {
    FileStore.Upload upload = store.files.create("expiring-0123456789abcdef", "alice",
        "gone.txt", "text/plain", 1L);
    upload.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    FileRef file = upload.commit().ref();
    List<NewMessage> batch = List.of(
        new NewMessage(GENERAL, "alice", "one", "c1", 2L),
        new NewMessage(GENERAL, "alice", "with a file", "c2", 2L, null, List.of(),
            List.of(file)),
        new NewMessage(GENERAL, "alice", "two", "c3", 2L));
    List<RecordingAppendListener> outcomes = inOneBatch(batch,
        () -> assertEquals(1, store.files.expirePending(Long.MAX_VALUE))); // the race, lost

    assertEquals(3, outcomes.get(0).awaitStored().seq());
    assertInstanceOf(FilesUnavailableException.class, outcomes.get(1).awaitFailed());
    assertEquals(4, outcomes.get(2).awaitStored().seq());
    assertStoredGapless(List.of("first", "held", "one", "two"));
    assertEquals(List.of(), store.messages.message(GENERAL, 4).orElseThrow().files());
    assertEquals(5, send(new NewMessage(GENERAL, "alice", "next", "c9", 3L)).seq());
  }

  /**
   * Appends {@code batch} so that the writer takes it as one batch: general's counter row is
   * locked by another transaction, an append ("held") blocks the writer on it, the batch is
   * queued behind, {@code meanwhile} runs, and the lock is released.
   */
  private List<RecordingAppendListener> inOneBatch(List<NewMessage> batch, Runnable meanwhile)
      throws Exception {
    long commitsBefore = store.messages.commitCount();
    RecordingAppendListener held = new RecordingAppendListener();
    List<RecordingAppendListener> outcomes = batch.stream()
        .map(m -> new RecordingAppendListener()).toList();
    try (Connection locker = DriverManager.getConnection(url);
        Connection watcher = DriverManager.getConnection(url)) {
      locker.setAutoCommit(false);
      try (PreparedStatement ps = locker.prepareStatement(
          "SELECT 1 FROM conversations WHERE conv = ? FOR UPDATE")) {
        ps.setString(1, GENERAL.key());
        ps.executeQuery().close();
      }
      store.messages.append(new NewMessage(GENERAL, "alice", "held", "h1", 2L), held);
      awaitWriterBlocked(watcher);
      for (int i = 0; i < batch.size(); i++) {
        store.messages.append(batch.get(i), outcomes.get(i));
      }
      meanwhile.run();
      locker.commit();
    }
    assertEquals(2, held.awaitStored().seq());
    outcomes.forEach(RecordingAppendListener::await);
    assertEquals(commitsBefore + 2, store.messages.commitCount(), "the held append, then one"
        + " batch of " + batch.size());
    return outcomes;
  }

  /** Waits (bounded) until a session of this database waits for a lock: the writer. */
  private static void awaitWriterBlocked(Connection watcher) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (Sql.queryLong(watcher, "SELECT count(*) FROM pg_stat_activity"
        + " WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0) {
      assertTrue(System.nanoTime() < deadline, "the writer never blocked on the counter row");
      Thread.sleep(10); // polling the server's view of the writer's session
    }
  }

  private void assertStoredGapless(List<String> texts) {
    List<StoredMessage> stored = store.messages.after(GENERAL, 0, 100);
    assertEquals(texts, stored.stream().map(StoredMessage::text).toList());
    for (int i = 0; i < stored.size(); i++) {
      assertEquals(i + 1, stored.get(i).seq());
    }
    assertEquals(stored.size(), store.messages.lastSeq(GENERAL));
  }
}
