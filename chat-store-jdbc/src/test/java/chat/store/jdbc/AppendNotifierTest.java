package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoredMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer hands committed batches to a separate notifier thread: the next commit does not
 * wait for the previous batch's listeners, listeners keep queue (seq) order and never overlap,
 * a slow notifier holds the writer back instead of piling up batches, and stop returns only
 * once every listener ran.
 */
class AppendNotifierTest {
  private static final ConvId ROOM = ConvId.room("general");
  private static final long WAIT_S = 10;

  @TempDir
  Path dir;
  private OpenStore store;
  /** Opened in {@link #close} too, so a failed test never leaves the notifier blocked. */
  private final CountDownLatch releaseListener = new CountDownLatch(1);

  @AfterEach
  void close() throws Exception {
    releaseListener.countDown();
    if (store != null) {
      store.close();
    }
  }

  /** Counts commits, so a test can wait for the writer to have committed a batch. */
  static final class CommitCounter implements WriterHooks {
    final Semaphore commits = new Semaphore(0);

    @Override
    public void committed(int batchSize) {
      commits.release();
    }

    void awaitCommits(int n) throws InterruptedException {
      assertTrue(commits.tryAcquire(n, WAIT_S, TimeUnit.SECONDS),
          "the writer committed " + n + " more batch(es)");
    }
  }

  /** A listener that, when stored, blocks the notifier until {@link #releaseListener} opens. */
  private final class BlockingListener implements AppendListener {
    final CountDownLatch entered = new CountDownLatch(1);
    volatile String thread;

    @Override
    public void stored(StoredMessage message, boolean duplicate) {
      thread = Thread.currentThread().getName();
      entered.countDown();
      try {
        if (!releaseListener.await(WAIT_S, TimeUnit.SECONDS)) {
          throw new AssertionError("listener never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void failed(Throwable cause) {
      entered.countDown();
    }

    void awaitEntered() throws InterruptedException {
      assertTrue(entered.await(WAIT_S, TimeUnit.SECONDS), "the listener was called");
    }
  }

  private RecordingAppendListener append(String cid) {
    RecordingAppendListener l = new RecordingAppendListener();
    store.messages.append(new NewMessage(ROOM, "alice", "text " + cid, cid, 1L), l);
    return l;
  }

  private BlockingListener appendBlocking(String cid) {
    BlockingListener l = new BlockingListener();
    store.messages.append(new NewMessage(ROOM, "alice", "text " + cid, cid, 1L), l);
    return l;
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  /** While batch 1's listener is blocked, batch 2 is committed: commits overlap notification. */
  @Test
  void writerCommitsTheNextBatchWhileAListenerIsBlocked() throws Exception {
    CommitCounter hooks = new CommitCounter();
    store = OpenStore.open(dir, 10_000, 1_000, hooks);
    BlockingListener first = appendBlocking("c0");
    first.awaitEntered();
    hooks.awaitCommits(1);

    RecordingAppendListener second = append("c1");
    hooks.awaitCommits(1); // would time out if the writer itself were stuck in the listener
    assertEquals("sqlite-append-notifier", first.thread, "listeners run on the notifier");
    assertEquals(2, store.messages.commitCount());
    assertEquals(2, store.messages.lastSeq(ROOM), "batch 2 is durable and readable");
    assertFalse(second.isDone(), "batch 2 is reported only after batch 1's listeners");

    releaseListener.countDown();
    assertEquals(2, second.awaitStored().seq());
    second.assertCalledOnce();
    assertEquals("sqlite-append-notifier", second.await().thread());
  }

  /**
   * Many threads append to one conversation across many small batches and a one-batch hand-off:
   * listeners are called one at a time, on one thread, with seqs 1, 2, 3, ... in call order.
   */
  @Test
  void listenersSeeSeqsInOrderAcrossBatches() throws Exception {
    int threads = 6;
    int perThread = 200;
    int total = threads * perThread;
    int maxBatch = 16;
    store = OpenStore.open(dir, 10_000, maxBatch, 1, WriterHooks.NONE);
    List<Long> seen = new ArrayList<>(); // written by the notifier only; read after done
    Set<String> listenerThreads = ConcurrentHashMap.newKeySet();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(total);
    AppendListener listener = new AppendListener() {
      @Override
      public void stored(StoredMessage message, boolean duplicate) {
        if (inside.incrementAndGet() != 1) {
          overlaps.incrementAndGet();
        }
        listenerThreads.add(Thread.currentThread().getName());
        synchronized (seen) {
          seen.add(message.seq());
        }
        inside.decrementAndGet();
        done.countDown();
      }

      @Override
      public void failed(Throwable cause) {
        failures.add(cause);
        done.countDown();
      }
    };
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        pool.execute(() -> {
          try {
            go.await(WAIT_S, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < perThread; i++) {
            store.messages.append(
                new NewMessage(ROOM, "u" + thread, "m", "c" + i, i), listener);
          }
        });
      }
      go.countDown();
      assertTrue(done.await(30, TimeUnit.SECONDS), "all listeners called");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), failures);
    assertEquals(0, overlaps.get(), "listener calls overlapped");
    assertEquals(Set.of("sqlite-append-notifier"), listenerThreads);
    synchronized (seen) {
      assertEquals(range(1, total), seen, "seqs strictly increasing by 1 in call order");
    }
    long commits = store.messages.commitCount();
    assertTrue(commits >= (total + maxBatch - 1) / maxBatch, "commits " + commits);
    assertEquals(total, store.messages.committedAppendCount());
    assertTrue(store.messages.largestBatch() >= 1 && store.messages.largestBatch() <= maxBatch,
        "largest batch " + store.messages.largestBatch());
  }

  /** stop() waits for the notifier: it returns only after every committed append was reported. */
  @Test
  void stopReturnsOnlyAfterEveryListenerRan() throws Exception {
    GroupCommitTest.Gate gate = new GroupCommitTest.Gate();
    store = OpenStore.open(dir, 10_000, 1_000, gate);
    BlockingListener first = appendBlocking("c0");
    gate.awaitWriter();
    List<RecordingAppendListener> rest = new ArrayList<>();
    for (int i = 1; i < 10; i++) {
      rest.add(append("c" + i));
    }
    gate.release(); // one batch of 10; its first listener blocks the notifier
    first.awaitEntered();

    AtomicLong reportedWhenStopReturned = new AtomicLong(-1);
    Thread stopper = new Thread(() -> {
      store.close();
      reportedWhenStopReturned.set(rest.stream().filter(RecordingAppendListener::isDone).count());
    }, "stopper");
    stopper.start();
    // The writer ends only after stop() queued its end marker: stop is now waiting.
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("sqlite-group-commit")) {
        t.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertFalse(t.isAlive(), "the writer ended");
      }
    }
    assertEquals(1, store.messages.commitCount());
    assertTrue(stopper.isAlive(), "stop() returned while a listener was still running");
    assertTrue(rest.stream().noneMatch(RecordingAppendListener::isDone));

    releaseListener.countDown();
    stopper.join(TimeUnit.SECONDS.toMillis(WAIT_S));
    assertFalse(stopper.isAlive(), "stop() returned once the listeners ran");
    assertEquals(rest.size(), reportedWhenStopReturned.get(), "reported before stop returned");
    for (int i = 0; i < rest.size(); i++) {
      assertEquals(i + 2, rest.get(i).awaitStored().seq());
      rest.get(i).assertCalledOnce();
    }
    assertTrue(Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().equals("sqlite-append-notifier")), "the notifier ended");
    RecordingAppendListener late = append("late");
    assertInstanceOf(IllegalStateException.class, late.awaitFailed());
  }

  /**
   * Backpressure: with a one-batch hand-off and the notifier blocked, the writer commits one
   * batch into the hand-off, one more that it cannot hand over, and then takes nothing: later
   * appends stay queued and, with the queue full, are refused. Released, all are reported.
   */
  @Test
  void aBlockedNotifierHoldsTheWriterBack() throws Exception {
    CommitCounter hooks = new CommitCounter();
    store = OpenStore.open(dir, 2, 1, 1, hooks);
    BlockingListener first = appendBlocking("c0");
    first.awaitEntered();
    hooks.awaitCommits(1);
    List<RecordingAppendListener> accepted = new ArrayList<>();
    accepted.add(append("c1"));
    hooks.awaitCommits(1); // in the hand-off
    accepted.add(append("c2"));
    hooks.awaitCommits(1); // committed; the writer now waits for room in the hand-off
    accepted.add(append("c3"));
    accepted.add(append("c4")); // the queue (2) is full: the writer takes nothing
    RecordingAppendListener refused = append("c5");
    assertTrue(refused.isDone(), "refused on the caller's thread");
    assertInstanceOf(StoreOverloadedException.class, refused.awaitFailed());
    assertEquals(3, store.messages.commitCount(), "no commit while the hand-off is full");
    assertTrue(accepted.stream().noneMatch(RecordingAppendListener::isDone));

    releaseListener.countDown();
    for (int i = 0; i < accepted.size(); i++) {
      assertEquals(i + 2, accepted.get(i).awaitStored().seq());
    }
    assertEquals(5, store.messages.commitCount());
    assertEquals(6, append("c5").awaitStored().seq(), "accepted again once there is room");
  }
}
