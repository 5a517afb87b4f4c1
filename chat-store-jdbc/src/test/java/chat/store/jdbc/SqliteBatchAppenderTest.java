package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.FileRef;
import chat.core.store.FilesUnavailableException;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL of one batch ({@link SqliteBatchAppender}) on a real SQLite file with the real schema,
 * driven on this thread with no {@link GroupCommitWriter}: per-conversation seqs, repeated cids,
 * files, and failures, of one message (it alone fails, on the fast path's fallback) or of the
 * whole transaction (nothing stored). The appender only appends: edits and deletes are the
 * message store's own transactions (SqliteMessageStoreTest).
 */
class SqliteBatchAppenderTest {
  private static final ConvId GENERAL = ConvId.room("general");
  private static final ConvId RANDOM = ConvId.room("random");
  private static final ConvId ALICE_BOB = ConvId.direct("alice", "bob");
  /** The writer's notifier tells the listeners, never the appender. */
  private static final AppendListener NOT_CALLED = new AppendListener() {
    @Override
    public void stored(StoredMessage message, boolean duplicate) {
      throw new AssertionError("the appender called a listener");
    }

    @Override
    public void failed(Throwable cause) {
      throw new AssertionError("the appender called a listener", cause);
    }
  };

  @TempDir Path dir;
  private SqliteDatabase database;
  private final Hooks hooks = new Hooks();

  @BeforeEach
  void open() throws Exception {
    database = new SqliteDatabase(dir);
    database.open();
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void aBatchAcrossConversationsGetsConsecutiveSeqsInEach() throws Exception {
    List<QueuedAppend> first = append(
        message(GENERAL, "alice", "g1", "c1"),
        message(ALICE_BOB, "bob", "d1", "c1"),
        message(GENERAL, "bob", "g2", "c1"),
        message(RANDOM, "alice", "r1", "c1"),
        message(ALICE_BOB, "alice", "d2", "c2"),
        message(GENERAL, "alice", "g3", "c2"));

    assertEquals(List.of(1L, 1L, 2L, 1L, 2L, 3L), seqs(first));
    for (QueuedAppend p : first) {
      assertFalse(p.duplicate());
      assertEquals(p.message.text(), p.stored().text());
      assertEquals(p.message.from(), p.stored().from());
      assertEquals(p.message.cid(), p.stored().cid());
      assertEquals(p.message.conv(), p.stored().conv());
    }
    assertEquals(List.of(
        "#general|1|alice|c1|g1", "#general|2|bob|c1|g2", "#general|3|alice|c2|g3",
        "#random|1|alice|c1|r1", "@alice@bob|1|bob|c1|d1", "@alice@bob|2|alice|c2|d2"),
        messageRows());
    assertEquals(List.of("#general|null|null|3", "#random|null|null|1",
        ALICE_BOB.key() + "|alice|bob|2"), conversationRows());

    // The next batch goes on from the counters the first one wrote.
    List<QueuedAppend> next = append(
        message(ALICE_BOB, "bob", "d3", "c3"),
        message(GENERAL, "bob", "g4", "c2"));
    assertEquals(List.of(3L, 4L), seqs(next));
    assertEquals(List.of(6, 2), hooks.commits, "one commit per batch");
    assertEquals(List.of("g1", "d1", "g2", "r1", "d2", "g3", "d3", "g4"), hooks.inserted,
        "each inserted once: the fast path, no fallback");
  }

  @Test
  void aRepeatedCidReturnsTheFirstMessageAndTakesNoSeq() throws Exception {
    StoredMessage first = append(message(GENERAL, "alice", "first text", "c1")).get(0).stored();

    List<QueuedAppend> batch = append(
        message(GENERAL, "alice", "other text", "c1"), // a repeat of the last batch's
        message(GENERAL, "alice", "new", "c2"),
        message(GENERAL, "alice", "new, again", "c2"), // a repeat inside this batch
        message(GENERAL, "bob", "bob's c1", "c1"), // another sender's cid: not a repeat
        message(RANDOM, "alice", "c1 elsewhere", "c1")); // another conversation: neither

    assertTrue(batch.get(0).duplicate());
    assertEquals(first, batch.get(0).stored());
    assertEquals("first text", batch.get(0).stored().text());
    assertFalse(batch.get(1).duplicate());
    assertEquals(2, batch.get(1).stored().seq());
    assertTrue(batch.get(2).duplicate());
    assertEquals(batch.get(1).stored(), batch.get(2).stored());
    assertFalse(batch.get(3).duplicate());
    assertEquals(3, batch.get(3).stored().seq(), "no seq taken by the repeats");
    assertFalse(batch.get(4).duplicate());
    assertEquals(1, batch.get(4).stored().seq());
    assertEquals(List.of("#general|1|alice|c1|first text", "#general|2|alice|c2|new",
        "#general|3|bob|c1|bob's c1", "#random|1|alice|c1|c1 elsewhere"), messageRows());
    assertEquals(List.of("#general|null|null|3", "#random|null|null|1"), conversationRows());
  }

  /**
   * A message the database refuses fails the fast path; the batch is stored again, one savepoint
   * per message, without trying that one again: it alone fails, the others get gapless seqs.
   */
  @Test
  void aMessageTheDatabaseRefusesFailsAloneAndTheOthersAreStoredGapless() throws Exception {
    refuseMarkedInserts();
    List<QueuedAppend> batch = append(
        message(GENERAL, "alice", "one", "c1"),
        message(ALICE_BOB, "alice", "to bob", "d1"),
        message(GENERAL, "bob", "please REFUSE-ME", "c2"),
        message(GENERAL, "alice", "two", "c3"),
        message(GENERAL, "alice", "one again", "c1")); // a repeat of the first

    assertEquals(1, batch.get(0).stored().seq());
    assertEquals(1, batch.get(1).stored().seq());
    assertNull(batch.get(2).stored());
    StoreException refused = assertInstanceOf(StoreException.class, batch.get(2).failure());
    assertTrue(String.valueOf(refused.getCause()).contains("refused by the test"),
        String.valueOf(refused.getCause()));
    assertEquals(2, batch.get(3).stored().seq(), "no gap where the refused one was");
    assertTrue(batch.get(4).duplicate());
    assertEquals(batch.get(0).stored(), batch.get(4).stored());
    // The fast path got as far as the refused one, was rolled back, and the fallback stored
    // the batch again without it; one commit.
    assertEquals(List.of("one", "to bob", "one", "to bob", "two"), hooks.inserted);
    assertEquals(List.of(5), hooks.commits);
    assertEquals(List.of("#general|1|alice|c1|one", "#general|2|alice|c3|two",
        "@alice@bob|1|alice|d1|to bob"), messageRows());
    assertEquals(3, append(message(GENERAL, "bob", "next", "c9")).get(0).stored().seq());
  }

  /**
   * On the fallback, another message fails too, after its row was inserted: its savepoint takes
   * the row and the seq back, so the next message of its conversation has no gap.
   */
  @Test
  void aMessageThatFailsOnTheFallbackIsUndoneAlone() throws Exception {
    refuseMarkedInserts();
    hooks.failInsertsOf = "fails after its insert";
    List<QueuedAppend> batch = append(
        message(GENERAL, "alice", "one", "c1"),
        message(GENERAL, "bob", "REFUSE-ME", "c2"),
        message(ALICE_BOB, "alice", "fails after its insert", "d1"),
        message(ALICE_BOB, "bob", "to alice", "d2"),
        message(GENERAL, "alice", "two", "c3"));

    assertEquals(1, batch.get(0).stored().seq());
    assertInstanceOf(StoreException.class, batch.get(1).failure());
    StoreException failed = assertInstanceOf(StoreException.class, batch.get(2).failure());
    assertTrue(String.valueOf(failed.getCause()).contains("injected by the test"),
        String.valueOf(failed.getCause()));
    assertEquals(1, batch.get(3).stored().seq(), "the undone one's seq is free again");
    assertEquals(2, batch.get(4).stored().seq());
    assertEquals(List.of("#general|1|alice|c1|one", "#general|2|alice|c3|two",
        "@alice@bob|1|bob|d2|to alice"), messageRows());
    assertEquals(List.of("#general|null|null|2", ALICE_BOB.key() + "|alice|bob|1"),
        conversationRows());
  }

  /** A conversation whose counter cannot be written fails its messages only. */
  @Test
  void aCounterThatCannotBeWrittenFailsOnlyItsConversationsMessages() throws Exception {
    database.write(c -> {
      SqliteDatabase.execute(c, "CREATE TRIGGER refuse_random BEFORE INSERT ON conversations"
          + " WHEN NEW.conv = '" + RANDOM.key() + "'"
          + " BEGIN SELECT RAISE(ABORT, 'no counter for random'); END");
      return null;
    });
    List<QueuedAppend> batch = append(
        message(GENERAL, "alice", "one", "c1"),
        message(RANDOM, "alice", "r1", "c1"),
        message(GENERAL, "alice", "two", "c2"),
        message(RANDOM, "bob", "r2", "c1"));

    assertEquals(1, batch.get(0).stored().seq());
    assertInstanceOf(StoreException.class, batch.get(1).failure());
    assertEquals(2, batch.get(2).stored().seq());
    assertInstanceOf(StoreException.class, batch.get(3).failure());
    assertEquals(List.of("#general|1|alice|c1|one", "#general|2|alice|c2|two"), messageRows());
    assertEquals(List.of("#general|null|null|2"), conversationRows());
  }

  /**
   * A message's files are attached to it; a file that is not the sender's pending file (someone
   * else's, or none) fails that message alone with {@link FilesUnavailableException}, its row
   * undone, and leaves the file as it was.
   */
  @Test
  void filesAreAttachedAndAnUnavailableOneFailsItsMessageAlone() throws Exception {
    database.write(c -> {
      Sql.update(c, "INSERT INTO files (id, owner, name, size, type, created_at)"
          + " VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)",
          "alices-file", "alice", "a.txt", 3, "text/plain", 1L,
          "bobs-file", "bob", "b.txt", 4, "text/plain", 1L);
      return null;
    });
    FileRef alices = new FileRef("alices-file", "a.txt", 3, "text/plain");
    FileRef bobs = new FileRef("bobs-file", "b.txt", 4, "text/plain");
    FileRef none = new FileRef("no-such-file", "c.txt", 5, "text/plain");
    List<QueuedAppend> batch = append(
        message(GENERAL, "alice", "mine", "c1", alices),
        message(GENERAL, "alice", "bob's", "c2", bobs),
        message(GENERAL, "alice", "nobody's", "c3", none),
        message(GENERAL, "alice", "plain", "c4"));

    assertEquals(1, batch.get(0).stored().seq());
    assertEquals(List.of(alices), batch.get(0).stored().files());
    assertEquals("bobs-file", assertInstanceOf(FilesUnavailableException.class,
        batch.get(1).failure()).fileId());
    assertEquals("no-such-file", assertInstanceOf(FilesUnavailableException.class,
        batch.get(2).failure()).fileId());
    assertEquals(2, batch.get(3).stored().seq());
    assertEquals(List.of("#general|1|alice|c1|mine", "#general|2|alice|c4|plain"),
        messageRows());
    assertEquals(List.of("alices-file|#general|1|0", "bobs-file|null|null|null"),
        rows("SELECT id, conv, seq, position FROM files ORDER BY id"));
  }

  /**
   * The transaction itself fails (here: at its commit): the appender throws, nothing of the
   * batch is stored, and the connection is fit for the next batch.
   */
  @Test
  void aFailedTransactionStoresNothingAndThrows() throws Exception {
    hooks.failCommit = true;
    assertThrows(StoreException.class, () -> append(
        message(GENERAL, "alice", "one", "c1"),
        message(ALICE_BOB, "alice", "to bob", "d1")));
    assertEquals(List.of(), messageRows());
    assertEquals(List.of(), conversationRows());

    hooks.failCommit = false;
    List<QueuedAppend> again = append(
        message(GENERAL, "alice", "one", "c1"),
        message(ALICE_BOB, "alice", "to bob", "d1"));
    assertEquals(List.of(1L, 1L), seqs(again));
    assertFalse(again.get(0).duplicate(), "the failed batch left nothing to repeat");
  }

  /**
   * Each stored message is in the search index once a batch commits, on the fast path and on
   * the fallback; a message refused, or undone by its savepoint, and a repeated cid leave no
   * words behind. FTS5's integrity check with rank 1 compares the index with the messages
   * table: a row indexed twice, or an index entry without its row, fails it.
   */
  @Test
  void theSearchIndexHoldsExactlyTheStoredMessagesOfEachBatch() throws Exception {
    append(message(GENERAL, "alice", "quarterly report", "c1"),
        message(ALICE_BOB, "bob", "report for alice", "d1"),
        message(GENERAL, "alice", "quarterly report again", "c1")); // a repeat: not stored
    assertEquals(List.of("quarterly report", "report for alice"), found("report"));
    assertSearchIndexMatchesMessages();

    refuseMarkedInserts();
    hooks.failInsertsOf = "undone report";
    List<QueuedAppend> fallback = append(
        message(GENERAL, "bob", "report REFUSE-ME", "c2"),
        message(RANDOM, "alice", "undone report", "r1"),
        message(RANDOM, "bob", "kept report", "r2"));
    assertNull(fallback.get(0).stored());
    assertNull(fallback.get(1).stored());
    assertEquals(1, fallback.get(2).stored().seq());
    assertEquals(List.of("quarterly report", "report for alice", "kept report"),
        found("report"));
    assertEquals(List.of(), found("undone"));
    assertSearchIndexMatchesMessages();

    hooks.failInsertsOf = null;
    hooks.failCommit = true;
    assertThrows(StoreException.class, () -> append(message(GENERAL, "bob", "lost", "c3")));
    assertEquals(List.of(), found("lost"), "a rolled-back batch indexes nothing");
    hooks.failCommit = false;
    append(message(GENERAL, "bob", "report, lost no more", "c3"));
    assertEquals(List.of("quarterly report", "report for alice", "kept report",
        "report, lost no more"), found("report"));
    assertSearchIndexMatchesMessages();
  }

  /**
   * Rows are indexed by rowid, and SQLite gives a new row the highest rowid plus one: after the
   * last messages were deleted (a room removed), the next batch reuses their rowids. The index
   * follows, since the delete trigger took the old words out.
   */
  @Test
  void rowidsFreedByDeletedMessagesAreIndexedAgainWhenReused() throws Exception {
    append(message(GENERAL, "alice", "first words", "c1"),
        message(RANDOM, "alice", "doomed words", "r1"));
    database.write(c -> {
      Sql.update(c, "DELETE FROM messages WHERE conv = ?", RANDOM.key());
      return null;
    });
    append(message(ALICE_BOB, "bob", "fresh words", "d1"));
    assertEquals(List.of("first words", "fresh words"), found("words"));
    assertEquals(List.of(), found("doomed"));
    assertSearchIndexMatchesMessages();
  }

  /** From now on the database refuses to insert a message whose text has REFUSE-ME. */
  private void refuseMarkedInserts() {
    database.write(c -> {
      SqliteDatabase.execute(c, "CREATE TRIGGER refuse_marked BEFORE INSERT ON messages"
          + " WHEN instr(NEW.text, 'REFUSE-ME') > 0"
          + " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
      return null;
    });
  }

  /** Stores {@code messages} as one batch, on this thread; their outcomes, in order. */
  private List<QueuedAppend> append(NewMessage... messages) {
    List<QueuedAppend> batch = Arrays.stream(messages)
        .map(m -> new QueuedAppend(m, NOT_CALLED)).toList();
    new SqliteBatchAppender(database, hooks).append(batch);
    return batch;
  }

  private static NewMessage message(ConvId conv, String from, String text, String cid,
      FileRef... files) {
    return new NewMessage(conv, from, text, cid, 1_000L, null, List.of(), List.of(files));
  }

  private static List<Long> seqs(List<QueuedAppend> batch) {
    return batch.stream().map(p -> {
      assertNull(p.failure(), () -> p.message.text() + ": " + p.failure());
      return p.stored().seq();
    }).toList();
  }

  /** The texts of the messages whose words start with {@code prefix}, in rowid order. */
  private List<String> found(String prefix) throws SQLException {
    return rows("SELECT m.text FROM message_search s JOIN messages m ON m.rowid = s.rowid"
        + " WHERE message_search MATCH '\"" + prefix + "\"*' ORDER BY m.rowid");
  }

  private void assertSearchIndexMatchesMessages() throws SQLException {
    try (Connection c = OpenStore.rawConnection(dir); Statement s = c.createStatement()) {
      s.execute("INSERT INTO message_search (message_search, rank) VALUES ('integrity-check', 1)");
    }
  }

  private List<String> messageRows() throws SQLException {
    return rows("SELECT conv, seq, sender, cid, text FROM messages ORDER BY conv, seq");
  }

  private List<String> conversationRows() throws SQLException {
    return rows("SELECT conv, user_a, user_b, last_seq FROM conversations ORDER BY conv");
  }

  /** What another connection to the file sees (committed rows only), columns joined by '|'. */
  private List<String> rows(String sql) throws SQLException {
    try (Connection c = OpenStore.rawConnection(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getString(i));
        }
        rows.add(String.join("|", row));
      }
      return rows;
    }
  }

  /** Records what the appender reports; fails an insert or the commit when told to. */
  private static final class Hooks implements WriterHooks {
    final List<String> inserted = new CopyOnWriteArrayList<>();
    final List<Integer> commits = new CopyOnWriteArrayList<>();
    volatile String failInsertsOf;
    volatile boolean failCommit;

    @Override
    public void inserted(NewMessage message) throws SQLException {
      inserted.add(message.text());
      if (message.text().equals(failInsertsOf)) {
        throw new SQLException("injected by the test");
      }
    }

    @Override
    public void committing(int batchSize) throws SQLException {
      if (failCommit) {
        throw new SQLException("commit refused by the test");
      }
      commits.add(batchSize);
    }
  }
}
