package chat.store.jdbc;

import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Messages in SQLite. Appends go through the {@link GroupCommitWriter} (one transaction per
 * batch; listeners after the commit, in order, on its notifier thread); reads use the
 * database's read connections and so see committed messages only. Started and stopped by
 * {@link SqliteStoreLifecycle}.
 */
final class SqliteMessageStore implements MessageStore {
  private final SqliteDatabase database;
  private final GroupCommitWriter writer;

  @Inject
  SqliteMessageStore(SqliteDatabase database) {
    this(database, GroupCommitWriter.DEFAULT_QUEUE_CAPACITY, GroupCommitWriter.DEFAULT_MAX_BATCH,
        WriterHooks.NONE);
  }

  SqliteMessageStore(SqliteDatabase database, int queueCapacity, int maxBatch, WriterHooks hooks) {
    this(database, queueCapacity, maxBatch, GroupCommitWriter.DEFAULT_HAND_OFF_BATCHES, hooks);
  }

  SqliteMessageStore(SqliteDatabase database, int queueCapacity, int maxBatch,
      int handOffBatches, WriterHooks hooks) {
    this.database = database;
    this.writer = new GroupCommitWriter(database, queueCapacity, maxBatch, handOffBatches, hooks);
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

  /** Appends in committed batches; with {@link #commitCount} the mean batch size. */
  long committedAppendCount() {
    return writer.committedAppendCount();
  }

  int largestBatch() {
    return writer.largestBatch();
  }

  @Override
  public String epoch() {
    return database.epoch();
  }

  @Override
  public void append(NewMessage message, AppendListener listener) {
    writer.submit(message, listener);
  }

  @Override
  public List<StoredMessage> after(ConvId conv, long afterSeq, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return database.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, sender, text, ts, cid"
          + " FROM messages WHERE conv = ? AND seq > ? ORDER BY seq LIMIT ?")) {
        ps.setString(1, conv.key());
        ps.setLong(2, afterSeq);
        ps.setInt(3, limit);
        return messages(conv, ps);
      }
    });
  }

  @Override
  public List<StoredMessage> before(ConvId conv, long beforeSeq, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    List<StoredMessage> page = database.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT seq, sender, text, ts, cid"
          + " FROM messages WHERE conv = ? AND seq < ? ORDER BY seq DESC LIMIT ?")) {
        ps.setString(1, conv.key());
        ps.setLong(2, beforeSeq);
        ps.setInt(3, limit);
        return messages(conv, ps);
      }
    });
    Collections.reverse(page);
    return page;
  }

  private static List<StoredMessage> messages(ConvId conv, PreparedStatement ps)
      throws SQLException {
    List<StoredMessage> list = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        list.add(new StoredMessage(conv, rs.getLong(1), rs.getString(2), rs.getString(3),
            rs.getLong(4), rs.getString(5)));
      }
    }
    return list;
  }

  @Override
  public long lastSeq(ConvId conv) {
    return database.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT last_seq FROM conversations WHERE conv = ?")) {
        ps.setString(1, conv.key());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  /**
   * Under the write lock, as one transaction, so it falls between two batches of the writer:
   * an append queued before it is either deleted with the rest or, committed after it, starts
   * again at seq 1 (the writer reads each conversation's last seq inside its own transaction
   * and keeps none from one batch to the next).
   */
  @Override
  public void deleteConversation(ConvId conv) {
    database.transaction(c -> {
      Sql.update(c, "DELETE FROM messages WHERE conv = ?", conv.key());
      Sql.update(c, "DELETE FROM conversations WHERE conv = ?", conv.key());
      return null;
    });
  }

  @Override
  public List<ConvId> directConversations(String user) {
    return database.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT conv FROM conversations"
          + " WHERE user_a = ? UNION SELECT conv FROM conversations WHERE user_b = ?"
          + " ORDER BY 1")) {
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
