package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.Account;
import chat.core.store.ChangeOutcome;
import chat.core.store.ConvId;
import chat.core.store.Membership;
import chat.core.store.MessageChange;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.core.store.SearchQuery;
import chat.core.store.StoredMessage;
import chat.core.store.TokenRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versioned migrations: a fresh database gets every migration once; reopening applies none; a
 * newer migration is applied alone on an existing database; a failed migration leaves nothing
 * behind; a database newer than the program is refused.
 */
class MigrationsTest {
  /** A stand-in next migration, for the mechanism's tests. */
  private static final Migrations.Migration NEXT = new Migrations.Migration(2, "test: extra table",
      List.of("CREATE TABLE extra (x INTEGER)", "INSERT INTO extra (x) VALUES (42)"));

  @TempDir
  Path dir;

  private SqliteDatabase open(List<Migrations.Migration> migrations) throws Exception {
    SqliteDatabase db = new SqliteDatabase(dir, 1, migrations);
    db.open();
    return db;
  }

  /** (version, applied_at) rows of schema_version, read through a separate connection. */
  private List<List<Long>> versionRows() throws SQLException {
    List<List<Long>> rows = new ArrayList<>();
    try (Connection c = OpenStore.rawConnection(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT version, applied_at FROM schema_version ORDER BY version")) {
      while (rs.next()) {
        rows.add(List.of(rs.getLong(1), rs.getLong(2)));
      }
    }
    return rows;
  }

  private boolean tableExists(String table) throws SQLException {
    try (Connection c = OpenStore.rawConnection(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
      return rs.next();
    }
  }

  /** A new database gets the current schema: every migration, recorded once. */
  @Test
  void freshDatabaseGetsTheCurrentVersion() throws Exception {
    SqliteDatabase db = open(Migrations.ALL);
    try {
      assertEquals(Migrations.ALL.size(), db.appliedMigrations());
      assertEquals(Migrations.latestVersion(Migrations.ALL),
          db.read(Migrations::currentVersion).intValue());
    } finally {
      db.close();
    }
    assertEquals(allVersions(), versionRows().stream().map(r -> r.get(0)).toList());
    for (String table : List.of("meta", "users", "tokens", "rooms", "memberships",
        "conversations", "messages", "read_markers", "blocks", "bans", "operator_actions",
        "reactions", "message_changes", "message_search", "files")) {
      assertTrue(tableExists(table), table);
    }
  }

  /** Reopening applies nothing: V1 is not run again, its record and the data are untouched. */
  @Test
  void reopeningDoesNotRerunMigrations() throws Exception {
    SqliteDatabase first = open(Migrations.ALL);
    String epoch = first.epoch();
    new SqliteAccountStore(first).createUser("alice", "h", 1L);
    first.close();
    List<List<Long>> before = versionRows();

    SqliteDatabase again = open(Migrations.ALL);
    try {
      assertEquals(0, again.appliedMigrations());
      assertEquals(epoch, again.epoch(), "V1 would have made a new epoch");
      assertTrue(new SqliteAccountStore(again).userExists("alice"));
    } finally {
      again.close();
    }
    assertEquals(before, versionRows());
  }

  /** A database at V1 opened by a program with V2 gets V2 alone, and keeps its data. */
  @Test
  void newMigrationIsAppliedToAnExistingDatabase() throws Exception {
    SqliteDatabase v1 = open(List.of(Migrations.V1));
    new SqliteAccountStore(v1).createUser("alice", "h", 1L);
    v1.close();

    SqliteDatabase v2 = open(List.of(Migrations.V1, NEXT));
    try {
      assertEquals(1, v2.appliedMigrations());
      assertEquals(42, v2.read(c -> {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT x FROM extra")) {
          rs.next();
          return rs.getInt(1);
        }
      }).intValue());
      assertTrue(new SqliteAccountStore(v2).userExists("alice"));
    } finally {
      v2.close();
    }
    assertEquals(List.of(1L, 2L), versionRows().stream().map(r -> r.get(0)).toList());
  }

  /** (join_order, room, user_name, role) of every membership, read through a raw connection. */
  private List<List<String>> membershipRows() throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = OpenStore.rawConnection(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT join_order, room, user_name, role FROM memberships ORDER BY join_order")) {
      while (rs.next()) {
        rows.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
      }
    }
    return rows;
  }

  /**
   * The real V2 on a database made and filled at V1: users become active accounts, memberships
   * (rebuilt to allow moderators) keep their join order, roles and rooms, and everything else
   * stays; the new tables work.
   */
  @Test
  void v2KeepsTheDataOfAV1Database() throws Exception {
    SqliteDatabase v1 = open(List.of(Migrations.V1));
    SqliteAccountStore old = new SqliteAccountStore(v1);
    old.createUser("alice", "hash-a", 11L);
    old.createUser("bob", "hash-b", 12L);
    old.saveToken(new TokenRecord("t1", "alice", 99L));
    old.createRoom(new Room("general", "anything", false, 5L), "alice");
    old.createRoom(new Room("secret", "hush", true, 6L), "bob");
    // As V1's store added members (today's also looks at bans, which V1 has not).
    String[][] members = {{"general", "zed"}, {"general", "bob"}, {"secret", "alice"}};
    for (String[] m : members) {
      v1.write(c -> Sql.update(c, "INSERT INTO memberships (room, user_name, role)"
          + " VALUES (?, ?, 'MEMBER')", m[0], m[1]));
    }
    old.removeMember("general", "zed"); // a gap in join_order
    v1.write(c -> Sql.update(c, "INSERT INTO memberships (room, user_name, role)"
        + " VALUES ('general', 'zed', 'MEMBER')"));
    old.advanceReadMarker("alice", ConvId.room("general"), 3);
    v1.close();
    List<List<String>> membershipsAtV1 = membershipRows();

    SqliteDatabase v2 = open(List.of(Migrations.V1, Migrations.V2));
    try {
      assertEquals(1, v2.appliedMigrations());
      SqliteAccountStore accounts = new SqliteAccountStore(v2);
      assertEquals(Optional.of(new Account("alice", "hash-a", 11L, Account.Status.ACTIVE)),
          accounts.account("alice"));
      assertEquals(Optional.of("hash-b"), accounts.passwordHash("bob"));
      assertEquals(Optional.of(new TokenRecord("t1", "alice", 99L)), accounts.token("t1"));
      assertEquals(Optional.of(new Room("secret", "hush", true, 6L)), accounts.room("secret"));
      assertEquals(List.of(new Membership("general", "alice", Role.OWNER),
          new Membership("general", "bob", Role.MEMBER),
          new Membership("general", "zed", Role.MEMBER)), accounts.members("general"));
      assertEquals(List.of("general", "secret"), accounts.roomsOf("alice"));
      assertEquals(3, accounts.readMarker("alice", ConvId.room("general")));

      // What V1 could not hold.
      assertTrue(accounts.setRole("general", "bob", Role.MODERATOR));
      assertEquals(Optional.of(Role.MODERATOR), accounts.role("general", "bob"));
      assertTrue(accounts.ban("general", "zed"));
      assertTrue(accounts.block("alice", "bob"));
      assertTrue(accounts.addMember("general", "carol", Role.MEMBER));
      assertEquals(List.of("alice", "bob", "carol"),
          accounts.members("general").stream().map(Membership::user).toList());
      assertThrows(StoreException.class, () -> v2.write(c -> {
        try (Statement st = c.createStatement()) {
          return st.executeUpdate("UPDATE memberships SET role = 'ADMIN'");
        }
      }), "the rebuilt table keeps its CHECK");
    } finally {
      v2.close();
    }
    List<List<String>> kept = new ArrayList<>(membershipsAtV1);
    kept.removeIf(r -> r.get(2).equals("zed") && r.get(1).equals("general"));
    List<List<String>> now = membershipRows();
    assertEquals(kept.size() + 1, now.size(), "zed banned, carol joined");
    for (List<String> row : kept) {
      List<String> same = now.stream().filter(r -> r.get(0).equals(row.get(0))).findFirst()
          .orElseThrow(() -> new AssertionError("join_order " + row.get(0) + " lost"));
      assertEquals(row.subList(1, 3), same.subList(1, 3), "same row under its join_order");
    }
    try (Connection c = OpenStore.rawConnection(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index'"
            + " AND tbl_name = 'memberships' AND name = 'memberships_by_user'")) {
      assertTrue(rs.next(), "the index dropped with the old table is made again");
    }
  }

  /**
   * The real V3 on a database made and filled at V2 (messages written as V2 wrote them): old
   * messages read back unchanged, with no reply, mentions or reactions and rev 0; seqs and cids
   * carry on; the first change to an old conversation is rev 1; and what V3 added is stored.
   */
  @Test
  void v3KeepsTheMessagesOfAV2Database() throws Exception {
    ConvId general = ConvId.room("general");
    ConvId direct = ConvId.direct("alice", "bob");
    SqliteDatabase v2 = open(List.of(Migrations.V1, Migrations.V2));
    new SqliteAccountStore(v2).createUser("alice", "hash-a", 11L);
    v2.transaction(c -> {
      Sql.update(c, "INSERT INTO conversations (conv, user_a, user_b, last_seq)"
          + " VALUES ('#general', NULL, NULL, 2), ('@alice@bob', 'alice', 'bob', 1)");
      Sql.update(c, "INSERT INTO messages (conv, seq, sender, cid, text, ts) VALUES"
          + " ('#general', 1, 'alice', 'c1', 'hello', 100),"
          + " ('#general', 2, 'bob', 'c2', 'hi @alice', 101),"
          + " ('@alice@bob', 1, 'alice', 'd1', 'psst', 102)");
      return null;
    });
    v2.close();

    SqliteDatabase v3 = open(Migrations.ALL);
    SqliteMessageStore messages = new SqliteMessageStore(v3);
    messages.start();
    try {
      assertEquals(Migrations.ALL.size() - 2, v3.appliedMigrations(), "V3 and every later one");
      assertTrue(new SqliteAccountStore(v3).userExists("alice"));
      assertEquals(List.of(new StoredMessage(general, 1, "alice", "hello", 100, "c1"),
          new StoredMessage(general, 2, "bob", "hi @alice", 101, "c2")),
          messages.after(general, 0, 10));
      assertEquals(List.of(new StoredMessage(direct, 1, "alice", "psst", 102, "d1")),
          messages.before(direct, Long.MAX_VALUE, 10));
      assertEquals(0, messages.lastRev(general));
      assertEquals(List.of(direct), messages.directConversations("bob"));

      ChangeOutcome reacted = messages.change(general, 1,
          new MessageChange.React("bob", "\uD83D\uDC4D", true, 20, 200));
      assertEquals(ChangeOutcome.Status.APPLIED, reacted.status());
      assertEquals(1, reacted.rev());
      assertEquals(1, messages.change(direct, 1, new MessageChange.Delete("alice", 201)).rev());
      assertEquals("", messages.message(direct, 1).orElseThrow().text());

      RecordingAppendListener again = new RecordingAppendListener();
      messages.append(new NewMessage(general, "bob", "resent", "c2", 300), again);
      assertTrue(again.await().duplicate(), "a cid stored by V2 is still a duplicate");
      RecordingAppendListener reply = new RecordingAppendListener();
      messages.append(new NewMessage(general, "alice", "@bob yes", "c3", 301, 2L,
          List.of("bob")), reply);
      assertEquals(new StoredMessage(general, 3, "alice", "@bob yes", 301, "c3", 2L,
          List.of("bob"), null, false, Map.of(), 0), reply.await().message());
      assertEquals(reply.await().message(), messages.message(general, 3).orElseThrow());
      assertThrows(StoreException.class, () -> v3.write(c ->
          Sql.update(c, "UPDATE messages SET deleted = 2")), "deleted is 0 or 1");
    } finally {
      messages.stop();
      v3.close();
    }
    assertEquals(allVersions(), versionRows().stream().map(r -> r.get(0)).toList());
  }

  private static List<Long> allVersions() {
    return Migrations.ALL.stream().map(m -> (long) m.version()).toList();
  }

  /**
   * The real V4 on a database filled at V3: the messages already there are indexed (a deleted
   * one is not), and what is written after the migration is indexed by its triggers.
   */
  @Test
  void v4IndexesTheMessagesOfAV3Database() throws Exception {
    ConvId general = ConvId.room("general");
    SqliteDatabase v3 = open(List.of(Migrations.V1, Migrations.V2, Migrations.V3));
    v3.transaction(c -> {
      Sql.update(c, "INSERT INTO conversations (conv, user_a, user_b, last_seq)"
          + " VALUES ('#general', NULL, NULL, 3)");
      Sql.update(c, "INSERT INTO messages (conv, seq, sender, cid, text, ts, deleted) VALUES"
          + " ('#general', 1, 'alice', 'c1', 'Quarterly report draft', 100, 0),"
          + " ('#general', 2, 'bob', 'c2', '', 101, 1),"
          + " ('#general', 3, 'bob', 'c3', 'the report is late', 102, 0)");
      return null;
    });
    v3.close();

    SqliteDatabase v4 = open(Migrations.ALL);
    SqliteMessageStore messages = new SqliteMessageStore(v4);
    messages.start();
    try {
      assertEquals(Migrations.ALL.size() - 3, v4.appliedMigrations(), "V4 and every later one");
      assertEquals(List.of(3L, 1L), messages.search(new SearchQuery(List.of(general),
          List.of("report"), null, 10)).stream().map(StoredMessage::seq).toList());
      RecordingAppendListener later = new RecordingAppendListener();
      messages.append(new NewMessage(general, "carol", "report filed", "c4", 103), later);
      assertEquals(4, later.await().message().seq());
      assertEquals(List.of(4L, 3L, 1L), messages.search(new SearchQuery(List.of(general),
          List.of("report"), null, 10)).stream().map(StoredMessage::seq).toList());
    } finally {
      messages.stop();
      v4.close();
    }
  }

  /**
   * V6 drops the insert trigger: messages the trigger indexed stay found, and messages stored
   * after it are indexed once, by their batch (FTS5's integrity check fails on a row indexed
   * twice or not at all).
   */
  @Test
  void v6KeepsWhatTheTriggerIndexedAndIndexesNewMessagesOnce() throws Exception {
    ConvId general = ConvId.room("general");
    SqliteDatabase v5 = open(Migrations.ALL.subList(0, 5));
    v5.transaction(c -> {
      Sql.update(c, "INSERT INTO conversations (conv, user_a, user_b, last_seq)"
          + " VALUES ('#general', NULL, NULL, 1)");
      Sql.update(c, "INSERT INTO messages (conv, seq, sender, cid, text, ts, deleted)"
          + " VALUES ('#general', 1, 'alice', 'c1', 'indexed by the trigger', 100, 0)");
      return null;
    });
    v5.close();

    SqliteDatabase v6 = open(Migrations.ALL.subList(0, 6));
    SqliteMessageStore messages = new SqliteMessageStore(v6);
    messages.start();
    try {
      assertEquals(1, v6.appliedMigrations());
      RecordingAppendListener later = new RecordingAppendListener();
      messages.append(new NewMessage(general, "bob", "indexed by its batch", "c2", 101), later);
      assertEquals(2, later.await().message().seq());
      assertEquals(List.of(2L, 1L), messages.search(new SearchQuery(List.of(general),
          List.of("indexed"), null, 10)).stream().map(StoredMessage::seq).toList());
    } finally {
      messages.stop();
      v6.close();
    }
    try (Connection c = OpenStore.rawConnection(dir); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(
          "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages'")) {
        assertTrue(rs.next());
        assertEquals(2, rs.getInt(1), "the update and delete triggers stay");
      }
      s.execute("INSERT INTO message_search (message_search, rank) VALUES ('integrity-check', 1)");
    }
  }

  /**
   * V8 indexes the words every store finds: the messages of a V7 database are indexed again
   * (a prefix is matched within a Devanagari word, not at each of its marks), and an edit and a
   * delete of such a message take its words out as the new index put them in (FTS5's
   * integrity check fails otherwise).
   */
  @Test
  void v8IndexesTheWordsOfAV7DatabaseAsTheOtherStoresFindThem() throws Exception {
    ConvId general = ConvId.room("general");
    SqliteDatabase v7 = open(Migrations.ALL.subList(0, 7));
    v7.transaction(c -> {
      Sql.update(c, "INSERT INTO conversations (conv, user_a, user_b, last_seq)"
          + " VALUES ('#general', NULL, NULL, 4)");
      Sql.update(c, "INSERT INTO messages (conv, seq, sender, cid, text, ts, deleted) VALUES"
          + " ('#general', 1, 'alice', 'c1', 'हिन्दी notes', 100, 0),"
          + " ('#general', 2, 'bob', 'c2', 'हाथ notes', 101, 0),"
          + " ('#general', 3, 'bob', 'c3', '', 102, 1),"
          + " ('#general', 4, 'carol', 'c4', 'Ǣsir notes', 103, 0)");
      return null;
    });
    v7.close();

    SqliteDatabase v8 = open(Migrations.ALL);
    SqliteMessageStore messages = new SqliteMessageStore(v8);
    messages.start();
    try {
      assertEquals(Migrations.ALL.size() - 7, v8.appliedMigrations());
      assertEquals(List.of(1L), seqs(messages, general, "हि"));
      assertEquals(List.of(4L), seqs(messages, general, "ǣs"));
      assertEquals(List.of(4L, 2L, 1L), seqs(messages, general, "notes"));

      messages.change(general, 1, new MessageChange.Edit("alice", "हिन्दी draft", List.of(), 200));
      messages.change(general, 4, new MessageChange.Delete("carol", 201));
      assertEquals(List.of(2L), seqs(messages, general, "notes"));
      assertEquals(List.of(1L), seqs(messages, general, "draft"));
      assertEquals(List.of(), seqs(messages, general, "ǣs"));
      v8.transaction(c -> {
        try (Statement s = c.createStatement()) {
          s.execute("INSERT INTO message_search (message_search, rank)"
              + " VALUES ('integrity-check', 1)");
        }
        return null;
      });
    } finally {
      messages.stop();
      v8.close();
    }
  }

  private static List<Long> seqs(SqliteMessageStore messages, ConvId conv, String query) {
    return messages.search(new SearchQuery(List.of(conv), chat.core.store.SearchText.words(query),
        null, 10)).stream().map(StoredMessage::seq).toList();
  }

  /** A migration that fails part-way is rolled back whole; the database stays as it was. */
  @Test
  void failedMigrationLeavesNothingBehind() throws Exception {
    open(List.of(Migrations.V1)).close();
    Migrations.Migration broken = new Migrations.Migration(2, "broken",
        List.of("CREATE TABLE half (x INTEGER)", "THIS IS NOT SQL"));
    SqliteDatabase db = new SqliteDatabase(dir, 1, List.of(Migrations.V1, broken));
    assertThrows(SQLException.class, db::open);
    assertFalse(db.isOpen());
    assertFalse(tableExists("half"));
    assertEquals(1, versionRows().size());
  }

  /** A database migrated by a newer program is refused rather than misread. */
  @Test
  void newerDatabaseIsRefused() throws Exception {
    open(List.of(Migrations.V1, NEXT)).close();
    SqliteDatabase old = new SqliteDatabase(dir, 1, List.of(Migrations.V1));
    IllegalStateException e = assertThrows(IllegalStateException.class, old::open);
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    assertFalse(old.isOpen());
  }

  /** Migration numbers must follow each other without gaps. */
  @Test
  void versionsMustBeConsecutive() throws Exception {
    Migrations.Migration v3 = new Migrations.Migration(3, "gap", List.of("SELECT 1"));
    SqliteDatabase db = new SqliteDatabase(dir, 1, List.of(Migrations.V1, v3));
    assertThrows(IllegalArgumentException.class, db::open);
  }
}
