package chat.store.jdbc;

import chat.core.ChatMetrics;
import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import chat.core.store.StoredUpdate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the SQLite and PostgreSQL message stores share: appends through a {@link
 * GroupCommitWriter}, and the reads whose SQL is the same in both (pages of history, one message,
 * the counters, recorded changes, a user's direct conversations). A subclass says how a
 * consistent snapshot is taken and how a row is read; changes, deletion and search, which differ,
 * are its own.
 */
abstract class JdbcMessageStore implements MessageStore {
  /**
   * How long one search may run before the database is told to stop it ({@link
   * chat.core.store.SearchTooBroadException}): the index holds every conversation's words, so a
   * common word or a one-letter prefix walks postings of the whole server's messages, on one of
   * the few connections every request shares.
   */
  static final long SEARCH_BUDGET_MS = 500;

  private final JdbcDatabase database;
  final GroupCommitWriter writer;
  private volatile long searchBudgetMs = SEARCH_BUDGET_MS;

  JdbcMessageStore(JdbcDatabase database, GroupCommitWriter writer) {
    this.database = database;
    this.writer = writer;
  }

  /** The time one search may take: {@link #SEARCH_BUDGET_MS}, or less in tests. */
  long searchBudgetMs() {
    return searchBudgetMs;
  }

  /** For tests: a shorter time a search may take. */
  void searchBudgetMs(long ms) {
    searchBudgetMs = ms;
  }

  /** Runs {@code work} in one read snapshot, so all its queries see the same moment. */
  abstract <T> T snapshot(SqlWork<T> work);

  /** The messages {@code ps} selects ({@link MessageRows#COLUMNS}), reactions and files too. */
  abstract List<StoredMessage> page(Connection c, ConvId conv, PreparedStatement ps)
      throws SQLException;

  /** The message with this seq as it now is, reactions and files included. */
  abstract Optional<StoredMessage> one(Connection c, ConvId conv, long seq) throws SQLException;

  /**
   * Reports commits to the core's metrics, when the injector has core's modules (a store alone,
   * e.g. a tool's, reports nowhere).
   */
  @com.google.inject.Inject(optional = true)
  void metrics(ChatMetrics metrics) {
    writer.metrics(metrics);
  }

  /** Starts the writer; the database must be open. */
  void start() {
    writer.start();
  }

  /** Commits what is queued, reports every outcome and stops the writer; later appends fail. */
  void stop() throws InterruptedException {
    writer.stop();
  }

  long commitCount() {
    return writer.commitCount();
  }

  @Override
  public void append(NewMessage message, AppendListener listener) {
    writer.submit(message, listener);
  }

  @Override
  public List<StoredMessage> after(ConvId conv, long afterSeq, int limit) {
    return page(conv, "seq > ? ORDER BY seq", afterSeq, limit);
  }

  @Override
  public List<StoredMessage> before(ConvId conv, long beforeSeq, int limit) {
    List<StoredMessage> page = page(conv, "seq < ? ORDER BY seq DESC", beforeSeq, limit);
    Collections.reverse(page);
    return page;
  }

  /** Up to {@code limit} messages of {@code conv} matching {@code seqOrder}, in one snapshot. */
  private List<StoredMessage> page(ConvId conv, String seqOrder, long seq, int limit) {
    if (limit <= 0) {
      return new ArrayList<>();
    }
    return snapshot(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + MessageRows.COLUMNS
          + " FROM messages WHERE conv = ? AND " + seqOrder + " LIMIT ?")) {
        ps.setString(1, conv.key());
        ps.setLong(2, seq);
        ps.setInt(3, limit);
        return page(c, conv, ps);
      }
    });
  }

  @Override
  public Optional<StoredMessage> message(ConvId conv, long seq) {
    return snapshot(c -> one(c, conv, seq));
  }

  @Override
  public long lastSeq(ConvId conv) {
    return database.read(c -> counter(c, "last_seq", conv));
  }

  @Override
  public long lastRev(ConvId conv) {
    return database.read(c -> counter(c, "last_rev", conv));
  }

  /**
   * One read snapshot and one statement for all of them, a lookup each: a user's conversation
   * list reads the heads of every conversation it has (PostgreSQL's store asks in one query).
   */
  @Override
  public Map<ConvId, Heads> heads(Collection<ConvId> convs) {
    if (convs.isEmpty()) {
      return new HashMap<>();
    }
    return snapshot(c -> {
      Map<ConvId, Heads> heads = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT last_seq, last_rev FROM conversations WHERE conv = ?")) {
        for (ConvId conv : convs) {
          ps.setString(1, conv.key());
          try (ResultSet rs = ps.executeQuery()) {
            heads.put(conv, rs.next() ? new Heads(rs.getLong(1), rs.getLong(2)) : new Heads(0, 0));
          }
        }
      }
      return heads;
    });
  }

  /** A counter of the conversation's row (seq and rev live there), 0 without a row. */
  static long counter(Connection c, String column, ConvId conv) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + column + " FROM conversations WHERE conv = ?")) {
      ps.setString(1, conv.key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }
  }

  @Override
  public List<StoredUpdate> updatesAfter(ConvId conv, long afterRev, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return database.read(c -> MessageRows.updatesAfter(c, conv, afterRev, limit));
  }

  /**
   * From the counter rows with a seq (a PostgreSQL row whose only append failed has last_seq 0
   * and is no conversation with messages).
   */
  @Override
  public List<ConvId> directConversations(String user) {
    return database.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT conv FROM conversations"
          + " WHERE user_a = ? AND last_seq > 0 UNION SELECT conv FROM conversations"
          + " WHERE user_b = ? AND last_seq > 0 ORDER BY 1")) {
        ps.setString(1, user);
        ps.setString(2, user);
        List<ConvId> list = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            list.add(ConvId.parseKey(rs.getString(1)));
          }
        }
        return list;
      }
    });
  }
}
