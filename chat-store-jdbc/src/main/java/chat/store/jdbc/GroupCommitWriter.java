package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: appends wait in a bounded queue; one writer thread takes every append queued at
 * that moment (up to a maximum) and stores them in one transaction, so one fsync covers many
 * messages. Only after the commit returns does it call the listeners, in queue order, which is
 * seq order per conversation; it calls them one at a time, so they never overlap.
 *
 * <p>Each append runs in its own savepoint: a message that fails (a constraint, an injected
 * fault) is rolled back and reported failed alone. If the transaction itself fails, every
 * listener of the batch is told {@link AppendListener#failed}.
 *
 * <p>Lifecycle: new → {@link #start} (thread runs) → {@link #stop} (no new appends; those
 * already queued are committed and reported; the thread ends). Appends outside the running
 * state, or with the queue full, fail at once on the caller's thread.
 */
final class GroupCommitWriter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

  static final int DEFAULT_QUEUE_CAPACITY = 10_000;
  static final int DEFAULT_MAX_BATCH = 1_000;
  private static final long STOP_WAIT_MS = 30_000;

  private enum State { NEW, RUNNING, STOPPING, STOPPED }

  /** Marks the end of the queue for the writer thread: nothing is queued after it. */
  private static final Pending END = new Pending(null, null);

  private final SqliteDatabase database;
  private final int capacity;
  private final int maxBatch;
  private final WriterHooks hooks;
  private final BlockingQueue<Pending> queue;
  private final AtomicLong commits = new AtomicLong();
  private final Object stateLock = new Object();
  private State state = State.NEW; // guarded by stateLock
  private Thread thread; // guarded by stateLock

  GroupCommitWriter(SqliteDatabase database, int capacity, int maxBatch, WriterHooks hooks) {
    if (capacity < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("capacity and maxBatch must be positive");
    }
    this.database = requireNonNull(database, "database is null");
    this.capacity = capacity;
    this.maxBatch = maxBatch;
    this.hooks = requireNonNull(hooks, "hooks is null");
    this.queue = new ArrayBlockingQueue<>(capacity + 1); // + 1: room for END
  }

  void start() {
    synchronized (stateLock) {
      if (state != State.NEW) {
        throw new IllegalStateException("writer is " + state);
      }
      thread = new Thread(this::run, "sqlite-group-commit");
      thread.setDaemon(true); // an unacked append may be lost at exit; an acked one never is
      state = State.RUNNING;
      thread.start();
    }
  }

  /** Queues an append; {@code listener} hears the outcome once, on the writer thread or now. */
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

  /** Refuses new appends, commits those queued, waits for the writer thread to end. Idempotent. */
  void stop() throws InterruptedException {
    Thread writer;
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
    }
    if (first && !queue.offer(END, STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
      log.error("message writer did not take its queue within {} ms", STOP_WAIT_MS);
    }
    writer.join(STOP_WAIT_MS); // a second caller waits for the flush too
    if (writer.isAlive()) {
      log.error("message writer did not finish within {} ms", STOP_WAIT_MS);
    }
    synchronized (stateLock) {
      state = State.STOPPED;
    }
  }

  /** How many batches were committed; a test sees group commit as commits < appends. */
  long commitCount() {
    return commits.get();
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
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
      batch.add(first);
      queue.drainTo(batch, maxBatch - 1);
      if (batch.get(batch.size() - 1) == END) {
        batch.remove(batch.size() - 1);
        end = true;
      }
      commit(batch);
      batch.clear();
    }
    log.debug("message writer ended");
  }

  private void commit(List<Pending> batch) {
    try {
      database.write(c -> SqliteDatabase.inTransaction(c, conn -> {
        appendAll(conn, batch);
        hooks.committing(batch.size());
        return null;
      }));
      commits.incrementAndGet();
    } catch (RuntimeException e) {
      log.error("committing a batch of {} messages failed; none of them was stored",
          batch.size(), e);
      for (Pending p : batch) {
        p.stored = null;
        p.failure = e;
      }
    }
    for (Pending p : batch) {
      notifyListener(p.listener, p.stored, p.duplicate, p.failure);
    }
  }

  private void appendAll(Connection c, List<Pending> batch) throws SQLException {
    try (PreparedStatement findCid = c.prepareStatement(
            "SELECT seq, text, ts FROM messages WHERE conv = ? AND sender = ? AND cid = ?");
        PreparedStatement lastSeq = c.prepareStatement(
            "SELECT last_seq FROM conversations WHERE conv = ?");
        PreparedStatement insert = c.prepareStatement(
            "INSERT INTO messages (conv, seq, sender, cid, text, ts) VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement saveSeq = c.prepareStatement(
            "INSERT INTO conversations (conv, user_a, user_b, last_seq) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (conv) DO UPDATE SET last_seq = excluded.last_seq");
        Statement savepoints = c.createStatement()) {
      for (Pending p : batch) {
        savepoints.execute("SAVEPOINT append_one");
        try {
          appendOne(p, findCid, lastSeq, insert, saveSeq);
          savepoints.execute("RELEASE append_one");
        } catch (SQLException | RuntimeException e) {
          // Undo this message only; the rest of the batch carries on.
          savepoints.execute("ROLLBACK TO append_one");
          savepoints.execute("RELEASE append_one");
          log.warn("storing one message in {} failed; it alone is reported failed",
              p.message.conv(), e);
          p.stored = null;
          p.duplicate = false;
          p.failure = new StoreException("storing the message failed", e);
        }
      }
    }
  }

  private void appendOne(Pending p, PreparedStatement findCid, PreparedStatement lastSeq,
      PreparedStatement insert, PreparedStatement saveSeq) throws SQLException {
    NewMessage m = p.message;
    String conv = m.conv().key();
    findCid.setString(1, conv);
    findCid.setString(2, m.from());
    findCid.setString(3, m.cid());
    try (ResultSet rs = findCid.executeQuery()) {
      if (rs.next()) {
        p.stored = new StoredMessage(
            m.conv(), rs.getLong(1), m.from(), rs.getString(2), rs.getLong(3), m.cid());
        p.duplicate = true;
        return;
      }
    }
    long seq;
    lastSeq.setString(1, conv);
    try (ResultSet rs = lastSeq.executeQuery()) {
      seq = rs.next() ? rs.getLong(1) + 1 : 1;
    }
    insert.setString(1, conv);
    insert.setLong(2, seq);
    insert.setString(3, m.from());
    insert.setString(4, m.cid());
    insert.setString(5, m.text());
    insert.setLong(6, m.ts());
    insert.executeUpdate();
    ConvId id = m.conv();
    saveSeq.setString(1, conv);
    saveSeq.setString(2, id.isRoom() ? null : id.userA());
    saveSeq.setString(3, id.isRoom() ? null : id.userB());
    saveSeq.setLong(4, seq);
    saveSeq.executeUpdate();
    hooks.inserted(m);
    p.stored = new StoredMessage(m.conv(), seq, m.from(), m.text(), m.ts(), m.cid());
    p.duplicate = false;
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
      log.warn("an append listener threw; the writer carries on", e);
    }
  }

  /** One queued append and, once the writer has run it, its outcome (writer thread only). */
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
