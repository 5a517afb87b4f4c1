package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.ChatMetrics;
import chat.core.store.AppendListener;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: appends wait in a bounded queue; one writer thread ({@code NAME-group-commit},
 * NAME {@code sqlite} or {@code postgres}) takes every append queued at that moment (up to a
 * maximum) and has its {@link BatchAppender} store them in one transaction, so one fsync covers
 * many messages.
 *
 * <p>Listeners: once a batch's commit has returned (or failed), the writer hands the whole batch
 * to one notifier thread ({@code NAME-append-notifier}) and goes straight on to the next
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
 * <p>A message that fails (a constraint, an injected fault, a file it names that is no longer
 * pending) is reported failed alone (how is the appender's business). If the transaction itself
 * fails, every listener of the batch is told {@link AppendListener#failed}.
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
  private static final QueuedAppend END = new QueuedAppend(null, null);
  /** Marks the end of the hand-off for the notifier thread (compared by identity). */
  private static final List<QueuedAppend> LAST = new ArrayList<>(0);

  private final BatchAppender appender;
  private final String name;
  private final int capacity;
  private final int maxBatch;
  private final WriterHooks hooks;
  private final BlockingQueue<QueuedAppend> queue;
  /** Batches done by the writer (committed or failed), in order, for the notifier. */
  private final BlockingQueue<List<QueuedAppend>> handOff;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong committedAppends = new AtomicLong();
  private volatile int largestBatch; // written by the writer thread only
  private volatile ChatMetrics metrics = ChatMetrics.NONE;
  private final Object stateLock = new Object();
  private State state = State.NEW; // guarded by stateLock
  private Thread thread; // guarded by stateLock
  private Thread notifier; // guarded by stateLock

  /**
   * @param name names the threads ({@code NAME-group-commit}, {@code NAME-append-notifier})
   * @param hooks only {@link WriterHooks#batchStarting} and {@link WriterHooks#committed} are
   *     called here; the appender calls the others
   */
  GroupCommitWriter(BatchAppender appender, String name, int capacity, int maxBatch,
      int handOffBatches, WriterHooks hooks) {
    if (capacity < 1 || maxBatch < 1 || handOffBatches < 1) {
      throw new IllegalArgumentException(
          "capacity, maxBatch and handOffBatches must be positive");
    }
    this.appender = requireNonNull(appender, "appender is null");
    this.name = requireNonNull(name, "name is null");
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
      notifier = new Thread(this::runNotifier, name + "-append-notifier");
      notifier.setDaemon(true);
      thread = new Thread(this::run, name + "-group-commit");
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
      } else if (queue.size() >= capacity || !queue.offer(new QueuedAppend(message, listener))) {
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

  /** Where each committed batch's size and commit time are reported; before {@link #start}. */
  void metrics(ChatMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics is null");
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
        QueuedAppend first;
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
        // A new list each time: the notifier owns it next.
        List<QueuedAppend> batch = new ArrayList<>();
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
  private void handOff(List<QueuedAppend> batch) {
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
      List<QueuedAppend> batch;
      try {
        batch = handOff.take();
      } catch (InterruptedException e) {
        continue; // nobody should interrupt the notifier; keep serving the hand-off
      }
      if (batch == LAST) {
        break;
      }
      for (QueuedAppend p : batch) {
        notifyListener(p.listener, p.stored(), p.duplicate(), p.failure());
      }
    }
    log.debug("append notifier ended");
  }

  private void commit(List<QueuedAppend> batch) {
    try {
      long start = System.nanoTime();
      appender.append(batch);
      metrics.committed(batch.size(), System.nanoTime() - start);
      commits.incrementAndGet();
      committedAppends.addAndGet(batch.size());
      if (batch.size() > largestBatch) {
        largestBatch = batch.size();
      }
    } catch (RuntimeException e) {
      log.error("committing a batch of {} messages failed; none of them was stored",
          batch.size(), e);
      for (QueuedAppend p : batch) {
        p.failed(e);
      }
      return;
    }
    hooks.committed(batch.size());
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
}
