package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ChangeOutcome;
import chat.core.store.ConvId;
import chat.core.store.FileRef;
import chat.core.store.FileStore;
import chat.core.store.MessageChange;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A deleted or edited message's text, and a deleted file's bytes, are erased from PostgreSQL's
 * tables, not only hidden: the store asks for a vacuum once the change committed, and it
 * removes the old row versions. Checked in the table's own file on disk (after a checkpoint
 * wrote it) and, for every row version left in a table, with {@code pageinspect}. Autovacuum is
 * off, so only the store's vacuum can have done it.
 */
class PostgresErasureTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast().with("autovacuum", "off");
  private static final ConvId GENERAL = ConvId.room("general");

  private String url;
  private OpenPostgres store;

  @BeforeEach
  void open() throws Exception {
    url = postgres.newDatabase();
    store = openStore(100);
    try (Connection c = DriverManager.getConnection(url)) {
      PostgresDatabase.execute(c, "CREATE EXTENSION pageinspect");
    }
  }

  private OpenPostgres openStore(long vacuumIntervalMs) throws Exception {
    return OpenPostgres.open(
        new PostgresDatabase(url, null, 4, PostgresMigrations.ALL, vacuumIntervalMs), url,
        GroupCommitWriter.DEFAULT_MAX_BATCH);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private long send(String text, String cid, List<FileRef> files) {
    RecordingAppendListener l = new RecordingAppendListener();
    store.messages.append(
        new NewMessage(GENERAL, "alice", text, cid, 1L, null, List.of(), files), l);
    return l.awaitStored().seq();
  }

  private void change(long seq, MessageChange change) {
    assertEquals(ChangeOutcome.Status.APPLIED,
        store.messages.change(GENERAL, seq, change).status());
  }

  /** A message in the middle of the history is deleted, another edited: no byte of either. */
  @Test
  void deletedAndEditedTextsAreGoneFromTheTablesFile() throws Exception {
    String deleted = "deletedmarker4e1a and some words";
    String edited = "editedmarker9c2f before the edit";
    send("kept1 first", "c1", List.of());
    long d = send(deleted, "c2", List.of());
    long e = send(edited, "c3", List.of());
    for (int i = 0; i < 5; i++) { // later messages: neither marker is the newest row
      send("later message number " + i + " with a few words", "l" + i, List.of());
    }
    assertTrue(heapHolds("messages", "deletedmarker4e1a"), "the test reads the right file");
    assertTrue(heapHolds("messages", "editedmarker9c2f"));

    change(d, new MessageChange.Delete("alice", 2L));
    change(e, new MessageChange.Edit("alice", "now something else", List.of(), 3L));

    awaitTrue(() -> !heapHolds("messages", "deletedmarker4e1a"), "the deleted text is gone");
    awaitTrue(() -> !heapHolds("messages", "editedmarker9c2f"), "the old text is gone");
    assertEquals(0, rowVersionsHolding("messages", "deletedmarker4e1a"));
    assertEquals(0, rowVersionsHolding("messages", "editedmarker9c2f"));
    assertTrue(heapHolds("messages", "now something else"), "the edited text is there");
    assertTrue(heapHolds("messages", "kept1"));
  }

  /**
   * Another session reading the deleted message's page while the vacuum comes to it (it holds
   * the page pinned) does not leave the old row behind: the vacuum waits for the page instead of
   * passing it by, and erases the row once the reader lets go.
   */
  @Test
  void aPageInUseWhenTheVacuumComesIsStillErased() throws Exception {
    store.close();
    store = openStore(1_500); // the second vacuum runs 1.5 s after the first
    String deleted = "pinnedmarker3b7c and some words";
    send("kept1 first", "c1", List.of());
    long d = send(deleted, "c2", List.of());
    send("later message with a few words", "c3", List.of());
    change(send("edited soon", "c4", List.of()),
        new MessageChange.Edit("alice", "edited now", List.of(), 2L)); // the first vacuum
    awaitTrue(() -> vacuums("messages") >= 1, "the first vacuum ran");
    change(d, new MessageChange.Delete("alice", 3L)); // its vacuum is 1.5 s away

    long before = vacuums("messages");
    try (Connection reader = DriverManager.getConnection(url)) {
      reader.setAutoCommit(false); // a snapshot newer than the delete: the row is removable
      PostgresDatabase.execute(reader, "DECLARE pin CURSOR FOR SELECT seq FROM messages");
      PostgresDatabase.execute(reader, "FETCH 1 FROM pin"); // the page stays pinned
      awaitTrue(() -> vacuums("messages") > before || vacuumWaitsForAPin(),
          "the vacuum came to the page");
      reader.rollback();
    }
    awaitTrue(() -> rowVersionsHolding("messages", "pinnedmarker3b7c") == 0,
        "the deleted text is gone");
  }

  /** How many times {@code table} was vacuumed by hand (the store's vacuums). */
  private long vacuums(String table) throws Exception {
    try (Connection c = DriverManager.getConnection(url)) {
      return Sql.queryLong(c, "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = ?",
          table);
    }
  }

  /** Whether a session of this database waits for another to let go of a page. */
  private boolean vacuumWaitsForAPin() throws Exception {
    try (Connection c = DriverManager.getConnection(url)) {
      return Sql.queryLong(c, "SELECT count(*) FROM pg_stat_activity"
          + " WHERE datname = current_database() AND wait_event_type = 'BufferPin'") > 0;
    }
  }

  /** A sent file's name and bytes are in no row of any version once its message is deleted. */
  @Test
  void aDeletedMessagesFileIsInNoRowVersion() throws Exception {
    FileStore.Upload upload = store.files.create("secret-file-0123456789ab", "alice",
        "namemarker55d1.txt", "text/plain", 1L);
    upload.write(ByteBuffer.wrap("bytesmarker07be inside the file".getBytes(
        StandardCharsets.UTF_8)));
    long seq = send("look", "c1", List.of(upload.commit().ref()));
    assertEquals(1, rowVersionsHolding("file_chunks", "bytesmarker07be"));
    assertTrue(rowVersionsHolding("files", "namemarker55d1") > 0); // pending, then attached

    change(seq, new MessageChange.Delete("alice", 2L));

    awaitTrue(() -> rowVersionsHolding("file_chunks", "bytesmarker07be") == 0, "bytes gone");
    assertEquals(0, rowVersionsHolding("files", "namemarker55d1"));
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  /** Waits (bounded: 10 s) until {@code check} holds. */
  private static void awaitTrue(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!check.holds()) {
      assertTrue(System.nanoTime() < deadline, "not within 10 s: " + what);
      Thread.sleep(50); // polling the database's files for the vacuum thread's work
    }
  }

  /**
   * Whether {@code table}'s file on disk holds {@code marker} in UTF-8, after a checkpoint has
   * written every changed page there.
   */
  private boolean heapHolds(String table, String marker) throws Exception {
    String path;
    try (Connection c = DriverManager.getConnection(url)) {
      PostgresDatabase.execute(c, "CHECKPOINT");
      path = Sql.queryString(c, "SELECT pg_relation_filepath(?::regclass)", table)
          .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(postgres.dataDir().resolve(path));
    return new String(bytes, StandardCharsets.ISO_8859_1).contains(
        new String(marker.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
  }

  /** How many row versions of {@code table} (live or dead, any page) hold {@code marker}. */
  private long rowVersionsHolding(String table, String marker) throws Exception {
    try (Connection c = DriverManager.getConnection(url)) {
      return Sql.queryLong(c, "SELECT count(*) FROM generate_series(0,"
          + " (pg_relation_size(?::regclass) / current_setting('block_size')::int - 1)::int)"
          + " AS b, heap_page_items(get_raw_page(?, b))"
          + " WHERE position(convert_to(?, 'UTF8') IN t_data) > 0", table, table, marker);
    }
  }
}
