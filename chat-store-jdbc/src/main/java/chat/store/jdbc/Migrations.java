package chat.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema, as numbered migrations. {@code schema_version} holds one row per applied
 * migration; opening a database applies, in one transaction, those with a higher number than
 * its latest row. Never edit a released migration: add the next one.
 */
final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** One step of the schema: statements run in order, in the migration's transaction. */
  record Migration(int version, String description, List<String> statements) {
    Migration {
      if (version < 1) {
        throw new IllegalArgumentException("version must be positive: " + version);
      }
      statements = List.copyOf(statements);
    }
  }

  static final Migration V1 = new Migration(1, "messages, accounts, rooms, read markers", List.of(
      // The store's epoch: random, made with the database, never changed afterwards.
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
      "INSERT INTO meta (key, value) VALUES ('epoch', lower(hex(randomblob(16))))",

      "CREATE TABLE users ("
          + " name TEXT PRIMARY KEY,"
          + " password_hash TEXT NOT NULL,"
          + " created_at INTEGER NOT NULL)",

      // Login tokens by hash only; the token itself is never stored.
      "CREATE TABLE tokens ("
          + " token_hash TEXT PRIMARY KEY,"
          + " user_name TEXT NOT NULL,"
          + " expires_at INTEGER NOT NULL)",
      "CREATE INDEX tokens_by_user ON tokens (user_name)",

      "CREATE TABLE rooms ("
          + " name TEXT PRIMARY KEY,"
          + " topic TEXT NOT NULL,"
          + " private INTEGER NOT NULL CHECK (private IN (0, 1)),"
          + " created_at INTEGER NOT NULL)",

      // join_order grows with every insert, so ORDER BY join_order lists members as they joined.
      "CREATE TABLE memberships ("
          + " join_order INTEGER PRIMARY KEY,"
          + " room TEXT NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,"
          + " user_name TEXT NOT NULL,"
          + " role TEXT NOT NULL CHECK (role IN ('OWNER', 'MEMBER')),"
          + " UNIQUE (room, user_name))",
      "CREATE INDEX memberships_by_user ON memberships (user_name, room)",

      // One row per conversation with messages: its last seq, and the parties of a direct one.
      "CREATE TABLE conversations ("
          + " conv TEXT PRIMARY KEY,"
          + " user_a TEXT,"
          + " user_b TEXT,"
          + " last_seq INTEGER NOT NULL CHECK (last_seq > 0))",
      "CREATE INDEX conversations_by_user_a ON conversations (user_a)",
      "CREATE INDEX conversations_by_user_b ON conversations (user_b)",

      "CREATE TABLE messages ("
          + " conv TEXT NOT NULL,"
          + " seq INTEGER NOT NULL CHECK (seq > 0),"
          + " sender TEXT NOT NULL,"
          + " cid TEXT NOT NULL,"
          + " text TEXT NOT NULL,"
          + " ts INTEGER NOT NULL,"
          + " PRIMARY KEY (conv, seq),"
          + " UNIQUE (conv, sender, cid))",

      "CREATE TABLE read_markers ("
          + " user_name TEXT NOT NULL,"
          + " conv TEXT NOT NULL,"
          + " seq INTEGER NOT NULL,"
          + " PRIMARY KEY (user_name, conv))"));

  /**
   * Issue 13: account status, the moderator role, blocks, bans and operator actions. SQLite
   * cannot change a CHECK constraint, so memberships is rebuilt (the documented way: new table,
   * copy, drop, rename) keeping each row's join_order, which orders members and picks a deleted
   * owner's heir. Nothing references memberships, so dropping it cascades nowhere.
   */
  static final Migration V2 = new Migration(2,
      "account status, moderators, blocks, bans, operator actions", List.of(
      "ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'ACTIVE'"
          + " CHECK (status IN ('ACTIVE', 'DISABLED', 'DELETED'))",

      "CREATE TABLE memberships_v2 ("
          + " join_order INTEGER PRIMARY KEY,"
          + " room TEXT NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,"
          + " user_name TEXT NOT NULL,"
          + " role TEXT NOT NULL CHECK (role IN ('OWNER', 'MODERATOR', 'MEMBER')),"
          + " UNIQUE (room, user_name))",
      "INSERT INTO memberships_v2 (join_order, room, user_name, role)"
          + " SELECT join_order, room, user_name, role FROM memberships",
      "DROP TABLE memberships", // drops memberships_by_user with it
      "ALTER TABLE memberships_v2 RENAME TO memberships",
      "CREATE INDEX memberships_by_user ON memberships (user_name, room)",

      // Deleting a room drops its markers: find them without scanning every user's.
      "CREATE INDEX read_markers_by_conv ON read_markers (conv)",

      "CREATE TABLE blocks ("
          + " user_name TEXT NOT NULL,"
          + " blocked TEXT NOT NULL,"
          + " PRIMARY KEY (user_name, blocked))",
      "CREATE INDEX blocks_by_blocked ON blocks (blocked)",

      "CREATE TABLE bans ("
          + " room TEXT NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,"
          + " user_name TEXT NOT NULL,"
          + " PRIMARY KEY (room, user_name))",

      // AUTOINCREMENT: ids are never reused, even if old actions are pruned, because a running
      // server reads only the ids above the last it saw. members: names joined by '\n'.
      "CREATE TABLE operator_actions ("
          + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          + " action TEXT NOT NULL,"
          + " subject TEXT NOT NULL,"
          + " members TEXT NOT NULL,"
          + " at INTEGER NOT NULL)"));

  /**
   * Issue 14: edits, deletes, reactions, replies and mentions, and the per-conversation rev that
   * numbers every change. Existing messages get no reply, no mentions and rev 0 (never changed);
   * existing conversations last_rev 0.
   *
   * <p>mentions: user names joined by '\n' (NULL for none), like operator_actions.members.
   * reactions: one row per (emoji, user); {@code position} numbers a message's rows in the order
   * emoji first came and, under one emoji, in the order users reacted, so one ORDER BY gives
   * both orders back. message_changes: one row per rev, for the updates catch-up.
   */
  static final Migration V3 = new Migration(3,
      "edits, deletes, reactions, replies, mentions, revs", List.of(
      "ALTER TABLE messages ADD COLUMN reply_to INTEGER",
      "ALTER TABLE messages ADD COLUMN mentions TEXT",
      "ALTER TABLE messages ADD COLUMN edited INTEGER",
      "ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0"
          + " CHECK (deleted IN (0, 1))",
      "ALTER TABLE messages ADD COLUMN rev INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE conversations ADD COLUMN last_rev INTEGER NOT NULL DEFAULT 0",

      "CREATE TABLE reactions ("
          + " conv TEXT NOT NULL,"
          + " seq INTEGER NOT NULL,"
          + " position INTEGER NOT NULL,"
          + " emoji TEXT NOT NULL,"
          + " user_name TEXT NOT NULL,"
          + " PRIMARY KEY (conv, seq, position),"
          + " UNIQUE (conv, seq, emoji, user_name)) WITHOUT ROWID",

      // "by" is an SQL keyword: the column is by_user.
      "CREATE TABLE message_changes ("
          + " conv TEXT NOT NULL,"
          + " rev INTEGER NOT NULL CHECK (rev > 0),"
          + " seq INTEGER NOT NULL,"
          + " by_user TEXT NOT NULL,"
          + " action TEXT NOT NULL CHECK (action IN ('edit', 'delete', 'react')),"
          + " ts INTEGER NOT NULL,"
          + " PRIMARY KEY (conv, rev)) WITHOUT ROWID"));

  /**
   * Issue 14: full-text search. message_search is an FTS5 index of the text of messages, an
   * "external content" table: it keeps the words and their positions, keyed by the message's
   * rowid, and no copy of the text (hits are read from messages). A deleted message's text is
   * "", so it has no words in the index. FTS5's secure-delete makes removing a text take its
   * words out of the index at once, not leave them in older index segments until a merge: a
   * deleted message must be erased from the file. (A contentless table with contentless_delete
   * was tried first: it records deletions as tombstones and keeps the words.) The triggers keep
   * the index in step in every transaction that writes messages: group-commit appends (until
   * V6), edits, deletes, deleted rooms; FTS5 needs the old text to remove it, which a trigger has.
   * Existing messages are indexed by the migration's 'rebuild', which reads messages; the same
   * command repairs the index should rowids ever be renumbered (VACUUM keeps them).
   */
  static final Migration V4 = new Migration(4, "message search", List.of(
      "CREATE VIRTUAL TABLE message_search USING fts5(text, content='messages',"
          + " content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
      "INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1)",
      "INSERT INTO message_search (message_search) VALUES ('rebuild')",
      "CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN"
          + " INSERT INTO message_search (rowid, text) VALUES (new.rowid, new.text); END",
      // A reaction rewrites the row with the same text: no need to index it again.
      "CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages"
          + " WHEN old.text IS NOT new.text BEGIN"
          + " INSERT INTO message_search (message_search, rowid, text)"
          + " VALUES ('delete', old.rowid, old.text);"
          + " INSERT INTO message_search (rowid, text) VALUES (new.rowid, new.text); END",
      "CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN"
          + " INSERT INTO message_search (message_search, rowid, text)"
          + " VALUES ('delete', old.rowid, old.text); END"));

  /**
   * Files and images: one row per uploaded file, its bytes in {@code <data dir>/files/<id>}.
   * conv, seq and position name the message it is attached to and its place among that
   * message's files; all three are NULL while the file is pending (uploaded, not sent). A
   * message's files are read by (conv, seq), a user's pending files counted by owner, and
   * expired ones found by age.
   */
  static final Migration V5 = new Migration(5, "files", List.of(
      "CREATE TABLE files ("
          + " id TEXT PRIMARY KEY,"
          + " owner TEXT NOT NULL,"
          + " name TEXT NOT NULL,"
          + " size INTEGER NOT NULL CHECK (size >= 0),"
          + " type TEXT NOT NULL,"
          + " created_at INTEGER NOT NULL,"
          + " conv TEXT,"
          + " seq INTEGER,"
          + " position INTEGER,"
          + " CHECK ((conv IS NULL) = (seq IS NULL) AND (conv IS NULL) = (position IS NULL)))",
      "CREATE INDEX files_by_message ON files (conv, seq, position)",
      "CREATE INDEX files_pending_by_owner ON files (owner) WHERE conv IS NULL",
      "CREATE INDEX files_pending_by_age ON files (created_at) WHERE conv IS NULL"));

  /**
   * New messages are indexed for search once per group-commit batch, in its transaction, by one
   * {@code INSERT ... SELECT} ({@link SqliteBatchAppender}), no longer by a trigger per row. The
   * update and delete triggers stay: edits, deletes and deleted rooms write one row at a time,
   * and FTS5 needs the old text to take its words out. Messages indexed by the trigger stay as
   * they are.
   */
  static final Migration V6 = new Migration(6, "search indexed per batch of appends",
      List.of("DROP TRIGGER message_search_insert"));

  /** A user's files summed by owner, for the quota on the bytes one user may store. */
  static final Migration V7 = new Migration(7, "files summed by owner",
      List.of("CREATE INDEX files_by_owner ON files (owner, size)"));

  /**
   * Search finds the words the memory and PostgreSQL stores find. FTS5's unicode61 tokenizer
   * split words at combining marks (हि matched every word on ह, the Thai สวั every word on ส),
   * indexed composed and decomposed text differently, and kept the accents of Latin letters
   * outside Latin-1 ({@code ǣsir} was found by no query). message_search now indexes the words
   * of {@link chat.core.store.SearchText}, which {@code search_words} (a function of this
   * store's connections, {@link SqliteSearchWords}) makes of each text; its {@code ascii}
   * tokenizer splits them only at the spaces between them. The content is a view of those
   * words, which 'rebuild' reads to index every message already stored; the triggers give FTS5
   * the old text's words to take out.
   */
  static final Migration V8 = new Migration(8, "search indexes the words every store finds",
      List.of(
          "DROP TRIGGER message_search_update",
          "DROP TRIGGER message_search_delete",
          "DROP TABLE message_search",
          "CREATE VIEW message_words AS"
              + " SELECT rowid AS id, search_words(text) AS text FROM messages",
          "CREATE VIRTUAL TABLE message_search USING fts5(text, content='message_words',"
              + " content_rowid='id', tokenize='ascii')",
          "INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1)",
          "INSERT INTO message_search (message_search) VALUES ('rebuild')",
          "CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages"
              + " WHEN old.text IS NOT new.text BEGIN"
              + " INSERT INTO message_search (message_search, rowid, text)"
              + " VALUES ('delete', old.rowid, search_words(old.text));"
              + " INSERT INTO message_search (rowid, text)"
              + " VALUES (new.rowid, search_words(new.text)); END",
          "CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN"
              + " INSERT INTO message_search (message_search, rowid, text)"
              + " VALUES ('delete', old.rowid, search_words(old.text)); END"));

  /** Every migration, in order. */
  static final List<Migration> ALL = List.of(V1, V2, V3, V4, V5, V6, V7, V8);

  private Migrations() {}

  static int latestVersion(List<Migration> migrations) {
    return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
  }

  /**
   * Brings the schema of {@code c}'s database up to the last of {@code migrations}, in one
   * immediate transaction (so two processes opening one file cannot both migrate it).
   *
   * @return how many migrations were applied
   * @throws IllegalStateException if the database is newer than the last migration
   */
  static int migrate(Connection c, List<Migration> migrations) throws SQLException {
    requireConsecutive(migrations);
    return SqliteDatabase.inTransaction(c, conn -> {
      SqliteDatabase.execute(conn, "CREATE TABLE IF NOT EXISTS schema_version ("
          + " version INTEGER PRIMARY KEY,"
          + " description TEXT NOT NULL,"
          + " applied_at INTEGER NOT NULL)");
      return applyPending(conn, migrations, "");
    });
  }

  /** Refuses a list of migrations whose versions skip or repeat. */
  static void requireConsecutive(List<Migration> migrations) {
    for (int i = 1; i < migrations.size(); i++) {
      if (migrations.get(i).version() != migrations.get(i - 1).version() + 1) {
        throw new IllegalArgumentException("migration versions must be consecutive");
      }
    }
  }

  /**
   * Applies, in the caller's transaction on {@code conn}, each of {@code migrations} above the
   * version {@code schema_version} records, and records it; {@code which} names the database in
   * the log ("" or "PostgreSQL ").
   *
   * @return how many migrations were applied
   * @throws SchemaTooNewException if the database is newer than the last migration
   */
  static int applyPending(Connection conn, List<Migration> migrations, String which)
      throws SQLException {
    int current = currentVersion(conn);
    int latest = latestVersion(migrations);
    if (current > latest) {
      throw new SchemaTooNewException(which + "database schema version " + current
          + " is newer than this program supports (" + latest + ")");
    }
    int applied = 0;
    for (Migration m : migrations) {
      if (m.version() <= current) {
        continue;
      }
      try (Statement s = conn.createStatement()) {
        for (String sql : m.statements()) {
          s.execute(sql);
        }
      }
      try (PreparedStatement ps = conn.prepareStatement(
          "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
        ps.setInt(1, m.version());
        ps.setString(2, m.description());
        ps.setLong(3, System.currentTimeMillis());
        ps.executeUpdate();
      }
      log.info("applied {}schema migration V{}: {}", which, m.version(), m.description());
      applied++;
    }
    return applied;
  }

  /** The highest applied version, 0 for a database without migrations. */
  static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
