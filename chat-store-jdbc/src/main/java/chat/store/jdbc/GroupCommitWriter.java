package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.store.AppendListener;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: appends wait in a bounded queue; one writer thread ({@code sqlite-group-commit})
 * takes every append queued at that moment (up to a maximum) and stores them in one transaction,
 * so one fsync covers many messages.
 *
 * <p>Listeners: once a batch's commit has returned (or failed), the writer hands the whole batch
 * to one notifier thread ({@code sqlite-append-notifier}) and goes straight on to the next
 * batch, so commits overlap the listeners' work (routing, encoding, fan-out) instead of waiting
 * for it. The hand-off is a FIFO of batches, and the notifier calls the listeners of each batch
 * in queue order, which is seq order per conversation, one at a time, so they never overlap; a
 * listener is only ever called after its message's transaction committed.
 *
 * <p>Backpressure: the hand-off holds at most {@code handOffBatches} committed batches
 * ({@link #DEFAULT_HAND_OFF_BATCHES} by default). When it is full, i.e. the notifier has fallen
 * behind, the writer blocks on the hand-off before taking more appends; they wait in the
 * bounded queue (and are refused once it is full), which also lets the next batch grow.
 * Committed but not yet notified appends are therefore bounded by
 * {@code (handOffBatches + 2) × maxBatch}: those waiting in the hand-off, the batch being
 * notified and the one the writer is blocked with.
 *
 * <p>Files: a message's files are attached in its own step (see {@link MessageRows#attachFiles});
 * a file that cannot be, fails that message alone with {@link FilesUnavailableException}.
 *
 * <p>A message that fails (a constraint, an injected fault) is reported failed alone: the
 * batch's transaction is rolled back and the batch stored again in a new one, each append in its
 * own savepoint. If the transaction itself fails, every listener of the batch is told
 * {@link AppendListener#failed}.
 *
 * <p>Lifecycle: new → {@link #start} (both threads run) → {@link #stop} (no new appends; those
 * already queued are committed and reported; both threads end, the notifier last). Appends
 * outside the running state, or with the queue full, fail at once on the caller's thread.
 */
final class GroupCommitWriter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  static final int DEFAULT_QUEUE_CAPACITY = 10_000;
  static final int DEFAULT_MAX_BATCH = 1_000;
  /** Committed batches that may wait for the notifier before the writer blocks. */
  static final int DEFAULT_HAND_OFF_BATCHES = 4;
  private static final long STOP_WAIT_MS = 30_000;

  private enum State { NEW, RUNNING, STOPPING, STOPPED }

  /** Marks the end of the queue for the writer thread: nothing is queued after it. */
  private static final Pending END = new Pending(null, null);
  /** Marks the end of the hand-off for the notifier thread (compared by identity). */
  private static final List<Pending> LAST = new ArrayList<>(0);

  private final SqliteDatabase database;
  private final int capacity;
  private final int maxBatch;
  private final WriterHooks hooks;
  private final BlockingQueue<Pending> queue;
  /** Batches done by the writer (committed or failed), in order, for the notifier. */
  private final BlockingQueue<List<Pending>> handOff;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong committedAppends = new AtomicLong();
  private volatile int largestBatch; // written by the writer thread only
  private final Object stateLock = new Object();
  private State state = State.NEW; // guarded by stateLock
  private Thread thread; // guarded by stateLock
  private Thread notifier; // guarded by stateLock

  GroupCommitWriter(SqliteDatabase database, int capacity, int maxBatch, WriterHooks hooks) {
    this(database, capacity, maxBatch, DEFAULT_HAND_OFF_BATCHES, hooks);
  }

  GroupCommitWriter(SqliteDatabase database, int capacity, int maxBatch, int handOffBatches,
      WriterHooks hooks) {
    if (capacity < 1 || maxBatch < 1 || handOffBatches < 1) {
      throw new IllegalArgumentException(
          "capacity, maxBatch and handOffBatches must be positive");
    }
    this.database = requireNonNull(database, "database is null");
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.hooks = requireNonNull(hooks, "hooks is null");
    this.queue = new ArrayBlockingQueue<>(capacity + 1); // + 1: room for END
    this.handOff = new ArrayBlockingQueue<>(handOffBatches); // LAST waits for room like a batch
  }

  void start() {
    synchronized (stateLock) {
      if (state != State.NEW) {
        throw new IllegalStateException("writer is " + state);
      }
      notifier = new Thread(this::runNotifier, "sqlite-append-notifier");
      notifier.setDaemon(true);
      thread = new Thread(this::run, "sqlite-group-commit");
      thread.setDaemon(true); // an unacked append may be lost at exit; an acked one never is
      state = State.RUNNING;
      notifier.start();
      thread.start();
    }
  }

  /** Queues an append; {@code listener} hears the outcome once, on the notifier thread or now. */
  void submit(NewMessage message, AppendListener listener) {
    requireNonNull(message, "message is null");
    requireNonNull(listener, "listener is null");
    RuntimeException rejection = null;
    synchronized (stateLock) {
      if (state != State.RUNNING) {
        rejection = new IllegalStateException("message store is not running (" + state + ")");
      } else if (queue.size() >= capacity || !queue.offer(new Pending(message, listener))) {
        rejection = new StoreOverloadedException(capacity);
      }
    }
    if (rejection != null) {
      notifyListener(listener, null, false, rejection);
    }
  }

  /**
   * Refuses new appends, commits those queued, waits for the writer thread to end and then for
   * the notifier to have called every listener of every batch and ended. Idempotent.
   */
  void stop() throws InterruptedException {
    Thread writer;
    Thread notifierThread;
    boolean first;
    synchronized (stateLock) {
      if (thread == null) { // never started
        state = State.STOPPED;
        return;
      }
      first = state == State.RUNNING;
      if (first) {
        state = State.STOPPING; // from now on nothing is queued, so END is last
      }
      writer = thread;
      notifierThread = notifier;
    }
    if (first && !queue.offer(END, STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
      log.error("message writer did not take its queue within {} ms", STOP_WAIT_MS);
    }
    writer.join(STOP_WAIT_MS); // a second caller waits for the flush too
    if (writer.isAlive()) {
      log.error("message writer did not finish within {} ms", STOP_WAIT_MS);
    }
    notifierThread.join(STOP_WAIT_MS); // the writer hands it LAST after its last batch
    if (notifierThread.isAlive()) {
      log.error("append notifier did not finish within {} ms", STOP_WAIT_MS);
    }
    synchronized (stateLock) {
      state = State.STOPPED;
    }
  }

  /** How many batches were committed; a test sees group commit as commits < appends. */
  long commitCount() {
    return commits.get();
  }

  /** How many appends the committed batches held (new, duplicate or failed alone). */
  long committedAppendCount() {
    return committedAppends.get();
  }

  /** The most appends one committed batch held so far. */
  int largestBatch() {
    return largestBatch;
  }

  private void run() {
    try {
      boolean end = false;
      while (!end) {
        Pending first;
        try {
          first = queue.take();
        } catch (InterruptedException e) {
          continue; // nobody should interrupt the writer; keep serving the queue
        }
        if (first == END) {
          break;
        }
        try {
          hooks.batchStarting();
        } catch (InterruptedException e) {
          log.warn("writer hook interrupted");
        }
        List<Pending> batch = new ArrayList<>(); // a new list each time: the notifier owns it next
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        if (batch.get(batch.size() - 1) == END) {
          batch.remove(batch.size() - 1);
          end = true;
        }
        commit(batch);
        handOff(batch);
      }
    } finally {
      handOff(LAST); // the notifier reports what was handed over, then ends
      log.info("message writer ended after {} commits of {} appends (largest batch {})",
          commits.get(), committedAppends.get(), largestBatch);
    }
  }

  /** Gives a done batch to the notifier; waits while the hand-off is full (backpressure). */
  private void handOff(List<Pending> batch) {
    while (true) {
      try {
        handOff.put(batch);
        return;
      } catch (InterruptedException e) {
        // nobody should interrupt the writer; the batch must still be reported
      }
    }
  }

  /** The notifier thread: reports each handed-over batch in order, one listener at a time. */
  private void runNotifier() {
    while (true) {
      List<Pending> batch;
      try {
        batch = handOff.take();
      } catch (InterruptedException e) {
        continue; // nobody should interrupt the notifier; keep serving the hand-off
      }
      if (batch == LAST) {
        break;
      }
      for (Pending p : batch) {
        notifyListener(p.listener, p.stored, p.duplicate, p.failure);
      }
    }
    log.debug("append notifier ended");
  }

  private void commit(List<Pending> batch) {
    try {
      database.write(c -> {
        try {
          return SqliteDatabase.inTransaction(c, conn -> {
            appendFast(conn, batch);
            hooks.committing(batch.size());
            return null;
          });
        } catch (FastPathFailed f) { // rolled back whole: store it again, one message at a time
          log.debug("a batch of {} failed at message {}; storing it one savepoint per message",
              batch.size(), f.failedAt, f.getCause());
          return SqliteDatabase.inTransaction(c, conn -> {
            appendOneByOne(conn, batch, f.failedAt, f.getCause());
            hooks.committing(batch.size());
            return null;
          });
        }
      });
      commits.incrementAndGet();
      committedAppends.addAndGet(batch.size());
      if (batch.size() > largestBatch) {
        largestBatch = batch.size();
      }
    } catch (RuntimeException e) {
      log.error("committing a batch of {} messages failed; none of them was stored",
          batch.size(), e);
      for (Pending p : batch) {
        p.stored = null;
        p.failure = e;
      }
      return;
    }
    hooks.committed(batch.size());
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
  private void appendFast(Connection c, List<Pending> batch) throws SQLException {
    try (PreparedStatements st = new PreparedStatements(c)) {
      Map<ConvId, Long> lastSeqs = new LinkedHashMap<>();
      for (int i = 0; i < batch.size(); i++) {
        try {
          appendOne(batch.get(i), st.statements, lastSeqs);
        } catch (SQLException | RuntimeException e) {
          throw new FastPathFailed(i, e);
        }
      }
      try {
        for (Map.Entry<ConvId, Long> e : lastSeqs.entrySet()) {
          saveSeq(st.statements, e.getKey(), e.getValue());
        }
      } catch (SQLException | RuntimeException e) {
        throw new FastPathFailed(-1, e); // no message to blame: the slow path finds out
      }
    }
  }

  /**
   * The slow path, in a fresh transaction: one savepoint per message, the message at
   * {@code failedAt} (the one that failed the fast path, if any) reported failed alone with
   * {@code failure}, any other that fails undone and reported failed alone; the others still
   * get gapless seqs.
   */
  private void appendOneByOne(Connection c, List<Pending> batch, int failedAt,
      Exception failure) throws SQLException {
    try (PreparedStatements st = new PreparedStatements(c);
        Statement savepoints = c.createStatement()) {
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        if (i == failedAt) {
          fail(p, failure);
          continue;
        }
        savepoints.execute("SAVEPOINT append_one");
        try {
          appendOne(p, st.statements, null);
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

  /** The writer's statements, prepared on one connection for one transaction. */
  private static final class PreparedStatements implements AutoCloseable {
    final Statements statements;

    PreparedStatements(Connection c) throws SQLException {
      List<PreparedStatement> made = new ArrayList<>(4);
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
      } catch (SQLException | RuntimeException e) {
        closeAll(made, e);
        throw e;
      }
      statements = new Statements(made.get(0), made.get(1), made.get(2), made.get(3));
    }

    private static void closeAll(List<PreparedStatement> made, Exception cause) {
      for (PreparedStatement ps : made) {
        try {
          ps.close();
        } catch (SQLException e) {
          cause.addSuppressed(e);
        }
      }
    }

    @Override
    public void close() throws SQLException {
      SQLException first = null;
      for (PreparedStatement ps : List.of(statements.findCid(), statements.lastSeq(),
          statements.insert(), statements.saveSeq())) {
        try {
          ps.close();
        } catch (SQLException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }

  private static void fail(Pending p, Exception e) {
    p.stored = null;
    p.duplicate = false;
    if (e instanceof FilesUnavailableException refused) {
      p.failure = refused; // the sender's mistake, or a race for a file lost: no store fault
      return;
    }
    log.warn("storing one message in {} failed; it alone is reported failed",
        p.message.conv(), e);
    p.failure = new StoreException("storing the message failed", e);
  }

  private record Statements(PreparedStatement findCid, PreparedStatement lastSeq,
      PreparedStatement insert, PreparedStatement saveSeq) {}

  /**
   * Stores one message (or finds it stored under its cid). With {@code lastSeqs}, the
   * conversation's seq is taken from it (read once) and left there for the caller to write;
   * without, it is read and written for this message alone. A duplicate takes no seq: the
   * insert did nothing, and only then is the original looked up.
   */
  private void appendOne(Pending p, Statements st, Map<ConvId, Long> lastSeqs)
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
      p.stored = findOriginal(st.findCid(), m);
      p.duplicate = true;
      p.failure = null;
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
    p.stored = new StoredMessage(m.conv(), seq, m.from(), m.text(), m.ts(), m.cid(),
        m.replyTo(), m.mentions(), null, false, Map.of(), 0, m.files());
    p.duplicate = false;
    p.failure = null;
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

  private static void notifyListener(
      AppendListener listener, StoredMessage stored, boolean duplicate, Throwable failure) {
    try {
      if (failure != null) {
        listener.failed(failure);
      } else {
        listener.stored(stored, duplicate);
      }
    } catch (RuntimeException e) {
      log.warn("an append listener threw; the store carries on", e);
    }
  }

  /**
   * One queued append and, once the writer has run it, its outcome: written by the writer, read
   * by the notifier after the hand-off (the queue's put/take orders the two).
   */
  private static final class Pending {
    final NewMessage message;
    final AppendListener listener;
    StoredMessage stored;
    boolean duplicate;
    Throwable failure;

    Pending(NewMessage message, AppendListener listener) {
      this.message = message;
      this.listener = listener;
    }
  }
}
