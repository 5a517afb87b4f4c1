package chat.store.jdbc;

import chat.store.jdbc.Migrations.Migration;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The PostgreSQL schema, as numbered migrations with SQLite's discipline (see
 * {@link Migrations}): {@code schema_version} holds one row per applied migration, the missing
 * ones are applied in one transaction (PostgreSQL's DDL is transactional: all or nothing), and a
 * database newer than the program is refused. Several nodes may start at once against one
 * database: the migration runs under a transaction-level advisory lock, so one node migrates and
 * the others, once it has committed, find nothing left to do. Never edit a released migration:
 * add the next one.
 *
 * <p>Types: names and conversation keys are {@code text COLLATE "C"}, so that they compare and
 * sort by code point as in SQLite and Java, whatever the database's locale. A message's
 * {@code text} and {@code cid} are {@code bytea} holding their UTF-8: PostgreSQL's {@code text}
 * cannot hold U+0000, which a client may send and must get back exactly. Times are epoch
 * milliseconds in {@code bigint}, as everywhere else in the store.
 */
final class PostgresMigrations {

  /** The advisory lock key that serialises migrations ("chatmigr" in ASCII). */
  static final long LOCK_KEY = 0x636861746d696772L;

  /**
   * Everything the SQLite store holds at its V4: accounts with their status, token hashes,
   * rooms, memberships with roles (join_order orders members and picks a deleted owner's heir),
   * blocks, bans, operator actions, conversations with their seq and rev counters, messages
   * with replies, mentions, edits, deletes and revs, reactions, the changes log, read markers,
   * and the search vector of each message.
   *
   * <p>conversations: one row per conversation with messages, its counters. An append or a
   * change locks its conversation's row for the rest of its transaction, which is what keeps
   * seqs and revs gapless with many writers (see {@link PostgresAppender}).
   *
   * <p>messages.search: the words of the text as {@code SearchText.words} finds them (case and
   * Latin accents folded), one lexeme each, made in Java and stored with
   * {@code array_to_tsvector}, so that no text-search parser or dictionary decides what a word
   * is; NULL for a deleted message. A GIN index answers prefix queries ({@code 'word':*}).
   *
   * <p>operator_actions: ids from an identity column; the insert locks the table so that ids
   * commit in order, since a running server reads only the ids above the last it saw.
   */
  static final Migration V1 = new Migration(1, "accounts, rooms, messages, changes, search",
      List.of(
      "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
      "INSERT INTO meta (key, value) VALUES ('epoch', replace(gen_random_uuid()::text, '-', ''))",

      "CREATE TABLE users ("
          + " name text COLLATE \"C\" PRIMARY KEY,"
          + " password_hash text NOT NULL,"
          + " created_at bigint NOT NULL,"
          + " status text NOT NULL DEFAULT 'ACTIVE'"
          + " CHECK (status IN ('ACTIVE', 'DISABLED', 'DELETED')))",

      "CREATE TABLE tokens ("
          + " token_hash text COLLATE \"C\" PRIMARY KEY,"
          + " user_name text COLLATE \"C\" NOT NULL,"
          + " expires_at bigint NOT NULL)",
      "CREATE INDEX tokens_by_user ON tokens (user_name)",

      "CREATE TABLE rooms ("
          + " name text COLLATE \"C\" PRIMARY KEY,"
          + " topic text NOT NULL,"
          + " private smallint NOT NULL CHECK (private IN (0, 1)),"
          + " created_at bigint NOT NULL)",

      "CREATE TABLE memberships ("
          + " join_order bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
          + " room text COLLATE \"C\" NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,"
          + " user_name text COLLATE \"C\" NOT NULL,"
          + " role text NOT NULL CHECK (role IN ('OWNER', 'MODERATOR', 'MEMBER')),"
          + " UNIQUE (room, user_name))",
      "CREATE INDEX memberships_by_user ON memberships (user_name, room)",

      "CREATE TABLE blocks ("
          + " user_name text COLLATE \"C\" NOT NULL,"
          + " blocked text COLLATE \"C\" NOT NULL,"
          + " PRIMARY KEY (user_name, blocked))",
      "CREATE INDEX blocks_by_blocked ON blocks (blocked)",

      "CREATE TABLE bans ("
          + " room text COLLATE \"C\" NOT NULL REFERENCES rooms (name) ON DELETE CASCADE,"
          + " user_name text COLLATE \"C\" NOT NULL,"
          + " PRIMARY KEY (room, user_name))",

      "CREATE TABLE operator_actions ("
          + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
          + " action text NOT NULL,"
          + " subject text NOT NULL,"
          + " members text NOT NULL,"
          + " at bigint NOT NULL)",

      "CREATE TABLE conversations ("
          + " conv text COLLATE \"C\" PRIMARY KEY,"
          + " user_a text COLLATE \"C\","
          + " user_b text COLLATE \"C\","
          + " last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),"
          + " last_rev bigint NOT NULL DEFAULT 0 CHECK (last_rev >= 0))",
      "CREATE INDEX conversations_by_user_a ON conversations (user_a)",
      "CREATE INDEX conversations_by_user_b ON conversations (user_b)",

      "CREATE TABLE messages ("
          + " conv text COLLATE \"C\" NOT NULL,"
          + " seq bigint NOT NULL CHECK (seq > 0),"
          + " sender text COLLATE \"C\" NOT NULL,"
          + " cid bytea NOT NULL,"
          + " text bytea NOT NULL,"
          + " ts bigint NOT NULL,"
          + " reply_to bigint,"
          + " mentions text,"
          + " edited bigint,"
          + " deleted boolean NOT NULL DEFAULT false,"
          + " rev bigint NOT NULL DEFAULT 0,"
          + " search tsvector,"
          + " PRIMARY KEY (conv, seq),"
          + " UNIQUE (conv, sender, cid))",
      "CREATE INDEX messages_search ON messages USING gin (search)",

      "CREATE TABLE reactions ("
          + " conv text COLLATE \"C\" NOT NULL,"
          + " seq bigint NOT NULL,"
          + " position integer NOT NULL,"
          + " emoji text NOT NULL,"
          + " user_name text COLLATE \"C\" NOT NULL,"
          + " PRIMARY KEY (conv, seq, position),"
          + " UNIQUE (conv, seq, emoji, user_name))",

      "CREATE TABLE message_changes ("
          + " conv text COLLATE \"C\" NOT NULL,"
          + " rev bigint NOT NULL CHECK (rev > 0),"
          + " seq bigint NOT NULL,"
          + " by_user text COLLATE \"C\" NOT NULL,"
          + " action text NOT NULL CHECK (action IN ('edit', 'delete', 'react')),"
          + " ts bigint NOT NULL,"
          + " PRIMARY KEY (conv, rev))",

      "CREATE TABLE read_markers ("
          + " user_name text COLLATE \"C\" NOT NULL,"
          + " conv text COLLATE \"C\" NOT NULL,"
          + " seq bigint NOT NULL,"
          + " PRIMARY KEY (user_name, conv))",
      "CREATE INDEX read_markers_by_conv ON read_markers (conv)"));

  /**
   * Files and images, kept in the database so that any node serves them. {@code files}: one row
   * per uploaded file, as SQLite's V5 (conv, seq and position name the message it is attached
   * to, all three NULL while it is pending), inserted once the upload is complete.
   * {@code file_chunks}: its bytes, in pieces of {@link PostgresFileStore#CHUNK_BYTES} numbered
   * from 0, written as the upload arrives, so that neither an upload nor a download ever holds
   * more than one piece in memory. {@code uploads}: the uploads still being written, so that
   * expiry finds the chunks of one that never completed (its node died) by its start time.
   */
  static final Migration V2 = new Migration(2, "files", List.of(
      "CREATE TABLE files ("
          + " id text COLLATE \"C\" PRIMARY KEY,"
          + " owner text COLLATE \"C\" NOT NULL,"
          + " name text NOT NULL,"
          + " size bigint NOT NULL CHECK (size >= 0),"
          + " type text NOT NULL,"
          + " created_at bigint NOT NULL,"
          + " conv text COLLATE \"C\","
          + " seq bigint,"
          + " position integer,"
          + " CHECK ((conv IS NULL) = (seq IS NULL) AND (conv IS NULL) = (position IS NULL)))",
      "CREATE INDEX files_by_message ON files (conv, seq, position)",
      "CREATE INDEX files_pending_by_owner ON files (owner) WHERE conv IS NULL",
      "CREATE INDEX files_pending_by_age ON files (created_at) WHERE conv IS NULL",
      "CREATE TABLE uploads ("
          + " id text COLLATE \"C\" PRIMARY KEY,"
          + " created_at bigint NOT NULL)",
      "CREATE INDEX uploads_by_age ON uploads (created_at)",
      "CREATE TABLE file_chunks ("
          + " id text COLLATE \"C\" NOT NULL,"
          + " n integer NOT NULL CHECK (n >= 0),"
          + " bytes bytea NOT NULL,"
          + " PRIMARY KEY (id, n))",
      // Compressing images and archives costs CPU for nothing: keep the chunks as they come.
      "ALTER TABLE file_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL"));

  /** A user's files summed by owner, for the quota on the bytes one user may store. */
  static final Migration V3 = new Migration(3, "files summed by owner",
      List.of("CREATE INDEX files_by_owner ON files (owner, size)"));

  /** Every migration, in order. */
  static final List<Migration> ALL = List.of(V1, V2, V3);

  private PostgresMigrations() {}

  /**
   * Brings the schema up to the last of {@code migrations}, in one transaction under the
   * migration lock; {@code c} must be in auto-commit mode and is left so.
   *
   * @return how many migrations were applied
   * @throws IllegalStateException if the database is newer than the last migration
   */
  static int migrate(Connection c, List<Migration> migrations) throws SQLException {
    Migrations.requireConsecutive(migrations);
    return PostgresDatabase.inTransaction(c, conn -> {
      Sql.queryLong(conn, "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(?)) AS locked",
          LOCK_KEY);
      try (Statement s = conn.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
            + " version integer PRIMARY KEY,"
            + " description text NOT NULL,"
            + " applied_at bigint NOT NULL)");
      }
      return Migrations.applyPending(conn, migrations, "PostgreSQL ");
    });
  }
}
