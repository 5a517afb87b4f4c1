package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.store.ChangeOutcome;
import chat.core.store.ConvId;
import chat.core.store.MessageChange;
import chat.core.store.MessageChanges;
import chat.core.store.SearchQuery;
import chat.core.store.SearchTooBroadException;
import chat.core.store.StoredMessage;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Messages in PostgreSQL, for one node or several on one database. Appends go through a
 * {@link GroupCommitWriter} with a {@link PostgresAppender} (one transaction per batch, seqs
 * from each conversation's counter row; listeners after the commit, in order, on the notifier
 * thread). A change is one transaction that first locks its conversation's counter row, so revs
 * are gapless across nodes too, and applies {@link MessageChanges}, the rules every store
 * shares. Reads see committed data; a page, its reactions and its files come from one
 * snapshot. Started and stopped by {@link PostgresStoreLifecycle}.
 */
final class PostgresMessageStore extends JdbcMessageStore {
  /** The SQLSTATE of a statement cancelled by its timeout. */
  private static final String QUERY_CANCELED = "57014";

  private final PostgresDatabase database;

  @Inject
  PostgresMessageStore(PostgresDatabase database) {
    this(database, GroupCommitWriter.DEFAULT_QUEUE_CAPACITY, GroupCommitWriter.DEFAULT_MAX_BATCH);
  }

  PostgresMessageStore(PostgresDatabase database, int queueCapacity, int maxBatch) {
    super(database, new GroupCommitWriter(new PostgresAppender(database), "postgres",
        queueCapacity, maxBatch, GroupCommitWriter.DEFAULT_HAND_OFF_BATCHES, new WriterHooks() {
          @Override
          public void committed(int batchSize) {
            database.stored(batchSize); // the search index's pending list grew
          }
        }));
    this.database = database;
  }

  @Override
  public String epoch() {
    return database.epoch();
  }

  @Override
  <T> T snapshot(SqlWork<T> work) {
    return database.snapshot(work);
  }

  @Override
  List<StoredMessage> page(Connection c, ConvId conv, PreparedStatement ps) throws SQLException {
    return PostgresRows.page(c, conv, ps);
  }

  @Override
  Optional<StoredMessage> one(Connection c, ConvId conv, long seq) throws SQLException {
    return PostgresRows.one(c, conv, seq);
  }

  /**
   * The words of the query as prefix terms against the {@code search} vectors (GIN index),
   * in the conversations asked for, newest first, cut at the page's limit in SQL. Cancelled past
   * {@link #SEARCH_BUDGET_MS} (its {@code statement_timeout}): {@link
   * SearchTooBroadException}.
   */
  @Override
  public List<StoredMessage> search(SearchQuery query) {
    if (query.convs().isEmpty()) {
      return List.of();
    }
    StringBuilder sql = new StringBuilder("SELECT ").append(PostgresRows.COLUMNS_AND_CONV)
        .append(" FROM messages m WHERE m.search @@ ?::tsquery AND m.conv = ANY (?::text[])")
        .append(" AND NOT m.deleted");
    if (query.after() != null) {
      sql.append(" AND (m.ts, m.conv, m.seq) < (?, ?, ?)");
    }
    sql.append(" ORDER BY m.ts DESC, m.conv DESC, m.seq DESC LIMIT ?");
    long budgetMs = searchBudgetMs();
    return database.snapshot(c -> {
      // For this transaction only: the connection goes back to the pool without it.
      PostgresDatabase.execute(c, "SET LOCAL statement_timeout = " + budgetMs);
      List<StoredMessage> hits = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int i = 1;
        ps.setString(i++, PostgresRows.prefixQuery(query.terms()));
        ps.setArray(i++, c.createArrayOf("text",
            query.convs().stream().map(ConvId::key).toArray(String[]::new)));
        if (query.after() != null) {
          ps.setLong(i++, query.after().ts());
          ps.setString(i++, query.after().convKey());
          ps.setLong(i++, query.after().seq());
        }
        ps.setInt(i, query.limit());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            hits.add(PostgresRows.read(
                ConvId.parseKey(rs.getString(PostgresRows.CONV_COLUMN)), rs));
          }
        }
      } catch (SQLException e) {
        if (QUERY_CANCELED.equals(e.getSQLState())) {
          throw new SearchTooBroadException(budgetMs);
        }
        throw e;
      }
      for (int h = 0; h < hits.size(); h++) {
        hits.set(h, MessageRows.complete(c, hits.get(h)));
      }
      return hits;
    });
  }

  /**
   * One transaction: lock the conversation's counter row (no row: no messages), read the
   * message with its reactions, apply the shared rules, and if something changed, take the next
   * rev and write the message (its search vector too when the text changed), its reactions and
   * the change. A delete erases the message's files, rows and chunks, in the same transaction.
   * Once committed, an edit or a delete asks for a vacuum, which erases the old row versions
   * (the old text) that PostgreSQL keeps until then.
   */
  @Override
  public ChangeOutcome change(ConvId conv, long seq, MessageChange change) {
    requireNonNull(conv, "conv is null");
    requireNonNull(change, "change is null");
    ChangeOutcome outcome = apply(conv, seq, change);
    if (outcome.status() == ChangeOutcome.Status.APPLIED) {
      if (change instanceof MessageChange.Delete) {
        database.vacuumSoon(EnumSet.allOf(PostgresVacuum.Table.class)); // its files too
      } else if (change instanceof MessageChange.Edit) {
        database.vacuumSoon(EnumSet.of(PostgresVacuum.Table.MESSAGES));
      }
    }
    return outcome;
  }

  private ChangeOutcome apply(ConvId conv, long seq, MessageChange change) {
    return database.transaction(c -> {
      Optional<Long> lastRev = lockCounter(c, conv);
      Optional<StoredMessage> found =
          lastRev.isEmpty() ? Optional.empty() : PostgresRows.one(c, conv, seq);
      if (found.isEmpty()) {
        return new ChangeOutcome(ChangeOutcome.Status.NOT_FOUND, null, 0);
      }
      StoredMessage before = found.get();
      long rev = lastRev.get() + 1;
      StoredMessage after = MessageChanges.apply(before, change, rev);
      if (after == null) {
        return MessageChanges.refusal(before, change);
      }
      write(c, before, after, change);
      if (after.deleted() && !before.files().isEmpty()) {
        PostgresFileStore.deleteChunks(c, Sql.queryStrings(c,
            "DELETE FROM files WHERE conv = ? AND seq = ? RETURNING id", conv.key(), seq));
      }
      return new ChangeOutcome(ChangeOutcome.Status.APPLIED, after, rev);
    });
  }

  /** Locks the conversation's counter row; its last rev, or empty if it has no row. */
  private static Optional<Long> lockCounter(Connection c, ConvId conv) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT last_rev FROM conversations WHERE conv = ? FOR UPDATE")) {
      ps.setString(1, conv.key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  private static void write(Connection c, StoredMessage before, StoredMessage after,
      MessageChange change) throws SQLException {
    String conv = after.conv().key();
    Sql.update(c, "UPDATE conversations SET last_rev = ? WHERE conv = ?", after.rev(), conv);
    boolean textChanged = !after.text().equals(before.text()) || after.deleted();
    try (PreparedStatement ps = c.prepareStatement("UPDATE messages SET text = ?, mentions = ?,"
        + " edited = ?, deleted = ?, rev = ?"
        + (textChanged ? ", search = CASE WHEN ? THEN NULL ELSE array_to_tsvector(?) END" : "")
        + " WHERE conv = ? AND seq = ?")) {
      int i = 1;
      ps.setBytes(i++, PostgresRows.bytes(after.text()));
      ps.setString(i++, MessageRows.joinMentions(after.mentions()));
      if (after.edited() == null) {
        ps.setNull(i++, Types.BIGINT);
      } else {
        ps.setLong(i++, after.edited());
      }
      ps.setBoolean(i++, after.deleted());
      ps.setLong(i++, after.rev());
      if (textChanged) {
        ps.setBoolean(i++, after.deleted());
        ps.setArray(i++, c.createArrayOf("text", PostgresRows.lexemes(after.text())));
      }
      ps.setString(i++, conv);
      ps.setLong(i, after.seq());
      ps.executeUpdate();
    }
    // Compared as ordered lists: the order of emoji and of users is part of the state.
    if (!new ArrayList<>(after.reactions().entrySet())
        .equals(new ArrayList<>(before.reactions().entrySet()))) {
      MessageRows.writeReactions(c, after.conv(), after.seq(), after.reactions());
    }
    Sql.update(c, "INSERT INTO message_changes (conv, rev, seq, by_user, action, ts)"
        + " VALUES (?, ?, ?, ?, ?, ?)", conv, after.rev(), after.seq(), change.by(),
        change.action(), change.ts());
  }

  /** One query for all of them: a cluster node reads this at every sign-in. */
  @Override
  public Map<ConvId, Heads> heads(Collection<ConvId> convs) {
    Map<String, ConvId> byKey = new HashMap<>();
    for (ConvId conv : convs) {
      byKey.put(conv.key(), conv);
    }
    Map<ConvId, Heads> heads = new HashMap<>();
    if (byKey.isEmpty()) {
      return heads;
    }
    return database.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT conv, last_seq, last_rev FROM conversations WHERE conv = ANY(?)")) {
        ps.setArray(1, c.createArrayOf("text", byKey.keySet().toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            heads.put(byKey.get(rs.getString(1)), new Heads(rs.getLong(2), rs.getLong(3)));
          }
        }
      }
      for (ConvId conv : byKey.values()) {
        heads.putIfAbsent(conv, new Heads(0, 0)); // no message and no change yet
      }
      return heads;
    });
  }

  /**
   * Erases messages, reactions, files (rows and chunks), recorded changes and the counters, in
   * one transaction that first locks the counter row: appends in flight into the conversation
   * (from any node) are either deleted with the rest or, committed after, start again at seq 1
   * with a new row. Then asks for a vacuum, to erase the deleted rows.
   */
  @Override
  public void deleteConversation(ConvId conv) {
    database.transaction(c -> {
      lockCounter(c, conv);
      if (RoomRemoval.roomExists(c, conv)) {
        return null; // created again meanwhile (on another node): what is there is that room's
      }
      PostgresFileStore.deleteChunks(c, Sql.queryStrings(c,
          "DELETE FROM files WHERE conv = ? RETURNING id", conv.key()));
      Sql.update(c, "DELETE FROM messages WHERE conv = ?", conv.key());
      Sql.update(c, "DELETE FROM reactions WHERE conv = ?", conv.key());
      Sql.update(c, "DELETE FROM message_changes WHERE conv = ?", conv.key());
      Sql.update(c, "DELETE FROM conversations WHERE conv = ?", conv.key());
      return null;
    });
    database.vacuumSoon(EnumSet.allOf(PostgresVacuum.Table.class));
  }

}
