package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.store.ConvId;
import chat.core.store.FilesUnavailableException;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the {@link GroupCommitWriter} stores a batch in SQLite: one {@code BEGIN IMMEDIATE}
 * transaction on the write connection, under the write lock; a fast path without savepoints,
 * and, should a message fail, the batch again one savepoint per message, so it alone fails.
 *
 * <p>Files: a message's files are attached in its own step (see {@link MessageRows#attachFiles});
 * a file that cannot be (another send took it first, or it expired) fails that message alone
 * with {@link FilesUnavailableException}, through the savepoint path.
 */
final class SqliteBatchAppender implements BatchAppender {
  private static final Logger log = LoggerFactory.getLogger(SqliteBatchAppender.class);

  private final SqliteDatabase database;
  private final WriterHooks hooks;
  // The writer's statements, prepared once per write connection, not per batch: at light load
  // a batch is one message, and preparing its statements was a share of its commit. Used only
  // by the group-commit thread, under the database's write lock.
  private Connection preparedOn;
  private Statements prepared;

  SqliteBatchAppender(SqliteDatabase database, WriterHooks hooks) {
    this.database = requireNonNull(database, "database is null");
    this.hooks = requireNonNull(hooks, "hooks is null");
  }

  @Override
  public void append(List<QueuedAppend> batch) {
    database.write(c -> {
      try {
        return storeAndIndex(c, batch.size(), conn -> {
          appendFast(conn, batch);
          return null;
        });
      } catch (FastPathFailed f) { // rolled back whole: store it again, one message at a time
        log.debug("a batch of {} failed at message {}; storing it one savepoint per message",
            batch.size(), f.failedAt, f.getCause());
        return storeAndIndex(c, batch.size(), conn -> {
          appendOneByOne(conn, batch, f.failedAt, f.getCause());
          return null;
        });
      }
    });
  }

  /**
   * One transaction on the write connection {@code c}: {@code store} inserts the batch's
   * messages, then every row it inserted is indexed for search, and it commits.
   */
  private Void storeAndIndex(Connection c, int batchSize, SqlWork<?> store)
      throws SQLException {
    return SqliteDatabase.inTransaction(c, conn -> {
      Statements st = statements(conn);
      long before = lastRowid(st);
      store.run(conn);
      indexAfter(st, before);
      hooks.committing(batchSize);
      return null;
    });
  }

  /** The highest rowid of messages (0 for none), read under the write lock. */
  private static long lastRowid(Statements st) throws SQLException {
    try (ResultSet rs = st.lastRowid().executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0L;
    }
  }

  /**
   * Adds the words of every message this transaction inserted (the rows after {@code before}:
   * the one writer holds the write lock, and SQLite gives a new row the highest rowid plus one)
   * to the search index, in one statement. Schema V6 dropped the insert trigger that did this
   * row by row: a trigger's write to the FTS5 table ran in a statement savepoint of each insert,
   * and FTS5 writes its pending words out as a new index segment at every savepoint, so each
   * message became a segment of its own, to be merged again later. One statement per batch
   * writes one segment. Rows a savepoint rolled back are not in the table, so not indexed.
   */
  private static void indexAfter(Statements st, long before) throws SQLException {
    PreparedStatement index = st.index();
    index.setLong(1, before);
    index.executeUpdate();
  }

  /**
   * Stores the batch inside the open transaction. Fast path: every message in one go, each
   * conversation's last seq read once and written once per batch, and one statement per new
   * message: an insert that does nothing for a cid already stored, the lookup of the original
   * running only then. No savepoint: one would copy every page the batch touches into the
   * statement journal, for a rollback that almost never happens. If any message fails, this
   * throws {@link FastPathFailed}, the whole transaction is rolled back and the batch is
   * stored again by {@link #appendOneByOne}. Failures are rare (the insert skips the one
   * constraint a client can break), so the fast path is the one that runs.
   */
  private void appendFast(Connection c, List<QueuedAppend> batch) throws SQLException {
    Statements st = statements(c);
    Map<ConvId, Long> lastSeqs = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      try {
        appendOne(batch.get(i), st, lastSeqs);
      } catch (SQLException | RuntimeException e) {
        throw new FastPathFailed(i, e);
      }
    }
    try {
      for (Map.Entry<ConvId, Long> e : lastSeqs.entrySet()) {
        saveSeq(st, e.getKey(), e.getValue());
      }
    } catch (SQLException | RuntimeException e) {
      throw new FastPathFailed(-1, e); // no message to blame: the slow path finds out
    }
  }

  /**
   * The statements prepared on {@code c}, the database's write connection: prepared by the
   * first batch and kept (the database opens its write connection once, and closing it
   * finalizes them).
   */
  private Statements statements(Connection c) throws SQLException {
    if (preparedOn != c) {
      prepared = prepare(c);
      preparedOn = c;
    }
    return prepared;
  }

  /**
   * The slow path, in a fresh transaction: one savepoint per message, the message at
   * {@code failedAt} (the one that failed the fast path, if any) reported failed alone with
   * {@code failure}, any other that fails undone and reported failed alone; the others still
   * get gapless seqs.
   */
  private void appendOneByOne(Connection c, List<QueuedAppend> batch, int failedAt,
      Exception failure) throws SQLException {
    Statements st = statements(c);
    try (Statement savepoints = c.createStatement()) {
      for (int i = 0; i < batch.size(); i++) {
        QueuedAppend p = batch.get(i);
        if (i == failedAt) {
          fail(p, failure);
          continue;
        }
        savepoints.execute("SAVEPOINT append_one");
        try {
          appendOne(p, st, null);
          savepoints.execute("RELEASE append_one");
        } catch (SQLException | RuntimeException e) {
          // Undo this message only; the rest of the batch carries on.
          savepoints.execute("ROLLBACK TO append_one");
          savepoints.execute("RELEASE append_one");
          fail(p, e);
        }
      }
    }
  }

  /** The fast path failed at message {@code failedAt} (-1: writing the seqs); rolls it back. */
  private static final class FastPathFailed extends RuntimeException {
    final int failedAt;

    FastPathFailed(int failedAt, Exception cause) {
      super("the batch failed at message " + failedAt, cause, false, false);
      this.failedAt = failedAt;
    }

    @Override
    public synchronized Exception getCause() {
      return (Exception) super.getCause();
    }
  }

  /** Prepares the writer's statements on {@code c}. */
  private static Statements prepare(Connection c) throws SQLException {
    List<PreparedStatement> made = new ArrayList<>(6);
    try {
      made.add(c.prepareStatement("SELECT " + MessageRows.COLUMNS
          + " FROM messages WHERE conv = ? AND sender = ? AND cid = ?"));
      made.add(c.prepareStatement("SELECT last_seq FROM conversations WHERE conv = ?"));
      // A repeated (conv, sender, cid) inserts nothing; any other constraint still fails.
      made.add(c.prepareStatement(
          "INSERT INTO messages (conv, seq, sender, cid, text, ts, reply_to, mentions)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conv, sender, cid) DO NOTHING"));
      made.add(c.prepareStatement(
          "INSERT INTO conversations (conv, user_a, user_b, last_seq) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT (conv) DO UPDATE SET last_seq = excluded.last_seq"));
      made.add(c.prepareStatement("SELECT max(rowid) FROM messages"));
      made.add(c.prepareStatement("INSERT INTO message_search (rowid, text)"
          + " SELECT rowid, search_words(text) FROM messages WHERE rowid > ?"));
    } catch (SQLException | RuntimeException e) {
      for (PreparedStatement ps : made) {
        try {
          ps.close();
        } catch (SQLException closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
    return new Statements(made.get(0), made.get(1), made.get(2), made.get(3), made.get(4),
        made.get(5));
  }

  private static void fail(QueuedAppend p, Exception e) {
    if (e instanceof FilesUnavailableException refused) {
      p.failed(refused); // the sender's mistake, or a race for a file lost: no store fault
      return;
    }
    log.warn("storing one message in {} failed; it alone is reported failed",
        p.message.conv(), e);
    p.failed(new StoreException("storing the message failed", e));
  }

  private record Statements(PreparedStatement findCid, PreparedStatement lastSeq,
      PreparedStatement insert, PreparedStatement saveSeq, PreparedStatement lastRowid,
      PreparedStatement index) {}

  /**
   * Stores one message (or finds it stored under its cid). With {@code lastSeqs}, the
   * conversation's seq is taken from it (read once) and left there for the caller to write;
   * without, it is read and written for this message alone. A duplicate takes no seq: the
   * insert did nothing, and only then is the original looked up.
   */
  private void appendOne(QueuedAppend p, Statements st, Map<ConvId, Long> lastSeqs)
      throws SQLException {
    NewMessage m = p.message;
    String conv = m.conv().key();
    Long last = lastSeqs == null ? null : lastSeqs.get(m.conv());
    if (last == null) {
      PreparedStatement lastSeq = st.lastSeq();
      lastSeq.setString(1, conv);
      try (ResultSet rs = lastSeq.executeQuery()) {
        last = rs.next() ? rs.getLong(1) : 0L;
      }
    }
    long seq = last + 1;
    PreparedStatement insert = st.insert();
    insert.setString(1, conv);
    insert.setLong(2, seq);
    insert.setString(3, m.from());
    insert.setString(4, m.cid());
    insert.setString(5, m.text());
    insert.setLong(6, m.ts());
    if (m.replyTo() == null) {
      insert.setNull(7, Types.INTEGER);
    } else {
      insert.setLong(7, m.replyTo());
    }
    insert.setString(8, MessageRows.joinMentions(m.mentions()));
    if (insert.executeUpdate() == 0) {
      p.stored(findOriginal(st.findCid(), m), true);
      return;
    }
    if (!m.files().isEmpty()) {
      MessageRows.attachFiles(insert.getConnection(), m.conv(), seq, m.from(), m.files());
    }
    hooks.inserted(m);
    if (lastSeqs != null) {
      lastSeqs.put(m.conv(), seq);
    } else {
      saveSeq(st, m.conv(), seq);
    }
    p.stored(new StoredMessage(m.conv(), seq, m.from(), m.text(), m.ts(), m.cid(),
        m.replyTo(), m.mentions(), null, false, Map.of(), 0, m.files()), false);
  }

  /**
   * The message first stored under {@code m}'s conversation, sender and cid, as it now is
   * (edited, deleted, with its reactions and files). Only duplicates pay for those queries.
   */
  private static StoredMessage findOriginal(PreparedStatement findCid, NewMessage m)
      throws SQLException {
    findCid.setString(1, m.conv().key());
    findCid.setString(2, m.from());
    findCid.setString(3, m.cid());
    StoredMessage original;
    try (ResultSet rs = findCid.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the insert of " + m.conv() + "/" + m.cid()
            + " was skipped as a duplicate, but no message has that cid");
      }
      original = MessageRows.read(m.conv(), rs);
    }
    return MessageRows.complete(findCid.getConnection(), original);
  }

  private static void saveSeq(Statements st, ConvId id, long seq) throws SQLException {
    PreparedStatement saveSeq = st.saveSeq();
    saveSeq.setString(1, id.key());
    saveSeq.setString(2, id.isRoom() ? null : id.userA());
    saveSeq.setString(3, id.isRoom() ? null : id.userB());
    saveSeq.setLong(4, seq);
    saveSeq.executeUpdate();
  }
}
