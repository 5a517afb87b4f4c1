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
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Messages in SQLite. Appends go through the {@link GroupCommitWriter} (one transaction per
 * batch; listeners after the commit, in order, on its notifier thread); reads use the
 * database's read connections and so see committed messages only. A change to a message is one
 * transaction under the write lock, so it falls between two of the writer's batches; it applies
 * {@link MessageChanges}, the rules every store shares. Started and stopped by
 * {@link SqliteStoreLifecycle}.
 */
final class SqliteMessageStore extends JdbcMessageStore {
  /** SQLite's virtual machine steps between two looks at the search's clock. */
  private static final int STEPS_PER_LOOK = 10_000;
  /** Seqs the first step of an erasure covers; later steps grow or shrink towards STEP_NANOS. */
  private static final long FIRST_STEP = 64;
  private static final long MIN_STEP = 8;
  private static final long MAX_STEP = 8_192;
  /** How long one step of an erasure should hold the write lock. */
  private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final SqliteDatabase database;
  private final FileDir files;
  /** Runs after each committed step of an erasure: tests pause or interrupt it there. */
  volatile Runnable afterErasureStep = () -> { };

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
    super(database, new GroupCommitWriter(new SqliteBatchAppender(database, hooks), "sqlite",
        queueCapacity, maxBatch, handOffBatches, hooks));
    this.database = database;
    this.files = new FileDir(database.file().getParent());
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
  <T> T snapshot(SqlWork<T> work) {
    return database.read(c -> MessageRows.snapshot(c, work));
  }

  @Override
  List<StoredMessage> page(Connection c, ConvId conv, PreparedStatement ps) throws SQLException {
    return MessageRows.page(c, conv, ps);
  }

  @Override
  Optional<StoredMessage> one(Connection c, ConvId conv, long seq) throws SQLException {
    return MessageRows.one(c, conv, seq);
  }

  /** Stopped past {@link #SEARCH_BUDGET_MS}: {@link SearchTooBroadException}. */
  @Override
  public List<StoredMessage> search(SearchQuery query) {
    if (query.convs().isEmpty()) {
      return List.of();
    }
    long budgetMs = searchBudgetMs();
    return snapshot(c -> {
      SQLiteConnection sqlite = c.unwrap(SQLiteConnection.class);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs);
      ProgressHandler.setHandler(sqlite, STEPS_PER_LOOK, new ProgressHandler() {
        @Override
        protected int progress() {
          return System.nanoTime() - deadline > 0 ? 1 : 0; // non-zero: interrupt
        }
      });
      try {
        return SearchRows.search(c, query);
      } catch (SQLiteException e) {
        if (e.getResultCode() == SQLiteErrorCode.SQLITE_INTERRUPT) {
          throw new SearchTooBroadException(budgetMs);
        }
        throw e;
      } finally {
        ProgressHandler.clearHandler(sqlite);
      }
    });
  }

  /**
   * One immediate transaction under the write lock (so it serialises with the writer's batches
   * and with other changes): read the message with its reactions, apply the shared rules, and if
   * something changed, take the next rev and write the message, its reactions and the change.
   * A delete overwrites the text and mentions and deletes the reaction and file rows; once
   * committed, the files' bytes are unlinked.
   */
  @Override
  public ChangeOutcome change(ConvId conv, long seq, MessageChange change) {
    requireNonNull(conv, "conv is null");
    requireNonNull(change, "change is null");
    List<String> erasedFiles = new ArrayList<>();
    ChangeOutcome outcome = database.transaction(c -> {
      Optional<StoredMessage> found = MessageRows.one(c, conv, seq);
      if (found.isEmpty()) {
        return new ChangeOutcome(ChangeOutcome.Status.NOT_FOUND, null, 0);
      }
      StoredMessage before = found.get();
      long rev = counter(c, "last_rev", conv) + 1;
      StoredMessage after = MessageChanges.apply(before, change, rev);
      if (after == null) {
        return MessageChanges.refusal(before, change);
      }
      write(c, before, after, change);
      if (after.deleted() && !before.files().isEmpty()) {
        Sql.update(c, "DELETE FROM files WHERE conv = ? AND seq = ?", conv.key(), seq);
        before.files().forEach(f -> erasedFiles.add(f.id()));
      }
      return new ChangeOutcome(ChangeOutcome.Status.APPLIED, after, rev);
    });
    files.delete(erasedFiles);
    return outcome;
  }

  private static void write(Connection c, StoredMessage before, StoredMessage after,
      MessageChange change) throws SQLException {
    String conv = after.conv().key();
    Sql.update(c, "UPDATE conversations SET last_rev = ? WHERE conv = ?", after.rev(), conv);
    Sql.update(c, "UPDATE messages SET text = ?, mentions = ?, edited = ?, deleted = ?, rev = ?"
        + " WHERE conv = ? AND seq = ?", after.text(), MessageRows.joinMentions(after.mentions()),
        after.edited(), after.deleted() ? 1 : 0, after.rev(), conv, after.seq());
    // Compared as ordered lists: the order of emoji and of users is part of the state.
    if (!new ArrayList<>(after.reactions().entrySet())
        .equals(new ArrayList<>(before.reactions().entrySet()))) {
      MessageRows.writeReactions(c, after.conv(), after.seq(), after.reactions());
    }
    Sql.update(c, "INSERT INTO message_changes (conv, rev, seq, by_user, action, ts)"
        + " VALUES (?, ?, ?, ?, ?, ?)", conv, after.rev(), after.seq(), change.by(),
        change.action(), change.ts());
  }

  /**
   * Erases messages, reactions, files (rows, then once committed their bytes), recorded changes
   * and the counters (seq and rev live in the conversations row).
   *
   * <p>The messages there are when it begins go first, in steps ({@link #eraseInSteps}); then
   * the rest, and the counters, in one transaction under the write lock, so it falls between two
   * batches of the writer: an append queued before it is either deleted with the rest or,
   * committed after it, starts again at seq 1 (the writer reads each conversation's last seq
   * inside its own transaction and keeps none from one batch to the next). If the thread is
   * interrupted, it stops between two steps, leaving the rest and the counters for a later call.
   *
   * <p>A room's conversation is erased only while no room of that name exists (the rooms are in
   * the same database): every step looks, and if one exists again (created meanwhile by the
   * server while the operator's tool erases, in another process) the rest is that room's.
   */
  @Override
  public void deleteConversation(ConvId conv) {
    if (!eraseInSteps(conv)) {
      return;
    }
    List<String> erasedFiles = database.transaction(c -> {
      if (RoomRemoval.roomExists(c, conv)) {
        return List.of();
      }
      List<String> ids = Sql.queryStrings(c, "SELECT id FROM files WHERE conv = ?", conv.key());
      Sql.update(c, "DELETE FROM files WHERE conv = ?", conv.key());
      Sql.update(c, "DELETE FROM messages WHERE conv = ?", conv.key());
      Sql.update(c, "DELETE FROM reactions WHERE conv = ?", conv.key());
      Sql.update(c, "DELETE FROM message_changes WHERE conv = ?", conv.key());
      Sql.update(c, "DELETE FROM conversations WHERE conv = ?", conv.key());
      return ids;
    });
    files.delete(erasedFiles);
  }

  /**
   * Deletes the conversation's messages up to its last seq (with their reactions and files) a
   * step of seqs at a time, each step one transaction under the write lock, sized to hold it
   * about {@link #STEP_NANOS}. Deleting a message takes its words out of the search index (see
   * {@link Migrations#V4}), which can cost SQLite several hundred microseconds a message: in one
   * transaction, a big room's history held every send on the server until it was done. Between
   * two steps the writer's batches go through (the write lock is fair).
   *
   * @return false if the thread was interrupted before the last step, or a room of that name
   *     exists again
   */
  private boolean eraseInSteps(ConvId conv) {
    long last = lastSeq(conv);
    // Where an erasure cut short before left off (an empty conversation: past last).
    long from = database.read(c -> Sql.queryLong(c,
        "SELECT coalesce(min(seq), ?) FROM messages WHERE conv = ?", last + 1, conv.key()));
    long step = FIRST_STEP;
    while (from <= last) {
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
      long first = from;
      long to = Math.min(last, from + step - 1);
      long started = System.nanoTime();
      List<String> erasedFiles = database.transaction(c -> {
        if (RoomRemoval.roomExists(c, conv)) {
          return null;
        }
        List<String> ids = Sql.queryStrings(c,
            "SELECT id FROM files WHERE conv = ? AND seq BETWEEN ? AND ?", conv.key(), first, to);
        Sql.update(c, "DELETE FROM files WHERE conv = ? AND seq BETWEEN ? AND ?",
            conv.key(), first, to);
        Sql.update(c, "DELETE FROM reactions WHERE conv = ? AND seq BETWEEN ? AND ?",
            conv.key(), first, to);
        Sql.update(c, "DELETE FROM messages WHERE conv = ? AND seq BETWEEN ? AND ?",
            conv.key(), first, to);
        return ids;
      });
      if (erasedFiles == null) {
        return false; // a room of that name exists again: what is left is its own
      }
      files.delete(erasedFiles);
      long took = System.nanoTime() - started;
      afterErasureStep.run();
      if (took < STEP_NANOS / 2) {
        step = Math.min(MAX_STEP, step * 2);
      } else if (took > STEP_NANOS * 2) {
        step = Math.max(MIN_STEP, step / 2);
      }
      from = to + 1;
    }
    return !Thread.currentThread().isInterrupted();
  }
}
