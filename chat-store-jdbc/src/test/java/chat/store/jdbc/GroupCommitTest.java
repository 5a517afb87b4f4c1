package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoredMessage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit: appends queued while the writer is busy share one transaction; listeners hear
 * about a message only after its transaction committed; one bad message fails alone, a failed
 * commit fails the whole batch; the queue is bounded; stop flushes what is queued.
 *
 * <p>A {@link Gate} holds the writer at the start of a batch, so a test can queue appends and
 * know exactly which batch they land in.
 */
class GroupCommitTest {
  private static final ConvId ROOM = ConvId.room("general");

  @TempDir
  Path dir;
  private OpenStore store;

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  /** Holds the writer at its next batch until opened; optional faults at insert and commit. */
  static class Gate implements WriterHooks {
    final CountDownLatch arrived = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);
    final AtomicBoolean closed = new AtomicBoolean(true);

    @Override
    public void batchStarting() throws InterruptedException {
      if (closed.get()) {
        arrived.countDown();
        if (!open.await(10, TimeUnit.SECONDS)) {
          throw new AssertionError("gate never opened");
        }
      }
    }

    void awaitWriter() throws InterruptedException {
      assertTrue(arrived.await(10, TimeUnit.SECONDS), "writer reached the gate");
    }

    void release() {
      closed.set(false);
      open.countDown();
    }
  }

  /** A gate whose first insert of a message with {@code cid} fails (after the insert). */
  private static Gate failingOnceAfterInserting(String cid) {
    AtomicBoolean failOnce = new AtomicBoolean(true);
    return new Gate() {
      @Override
      public void inserted(NewMessage m) throws SQLException {
        if (m.cid().equals(cid) && failOnce.getAndSet(false)) {
          throw new SQLException("injected fault after insert");
        }
      }
    };
  }

  private RecordingAppendListener append(String cid) {
    RecordingAppendListener l = new RecordingAppendListener();
    store.messages.append(new NewMessage(ROOM, "alice", "text " + cid, cid, 1L), l);
    return l;
  }

  /** Appends the first message and waits until the writer holds it at the gate. */
  private RecordingAppendListener appendFirstAndHold(Gate gate) throws InterruptedException {
    RecordingAppendListener first = append("c0");
    gate.awaitWriter();
    return first;
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  private static long countRows(Path dir) throws SQLException {
    try (Connection c = OpenStore.rawConnection(dir);
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM messages");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** 100 appends queued behind a busy writer are committed in one transaction, seqs 1..100. */
  @Test
  void appendsQueuedTogetherShareOneCommit() throws Exception {
    Gate gate = new Gate();
    store = OpenStore.open(dir, 10_000, 1_000, gate);
    List<RecordingAppendListener> listeners = new ArrayList<>();
    listeners.add(appendFirstAndHold(gate));
    for (int i = 1; i < 100; i++) {
      listeners.add(append("c" + i));
    }
    assertEquals(0, store.messages.commitCount());
    assertTrue(listeners.stream().noneMatch(RecordingAppendListener::isDone));

    gate.release();

    List<Long> seqs = new ArrayList<>();
    for (RecordingAppendListener l : listeners) {
      seqs.add(l.awaitStored().seq());
      l.assertCalledOnce();
    }
    assertEquals(range(1, 100), seqs);
    assertEquals(1, store.messages.commitCount(), "one transaction for all 100");
  }

  /** A batch holds at most maxBatch appends: 25 queued with maxBatch 10 take 3 commits. */
  @Test
  void batchesAreBounded() throws Exception {
    Gate gate = new Gate();
    store = OpenStore.open(dir, 10_000, 10, gate);
    List<RecordingAppendListener> listeners = new ArrayList<>();
    listeners.add(appendFirstAndHold(gate));
    for (int i = 1; i < 25; i++) {
      listeners.add(append("c" + i));
    }
    gate.release();
    for (RecordingAppendListener l : listeners) {
      l.awaitStored();
    }
    assertEquals(3, store.messages.commitCount());
    assertEquals(25, store.messages.lastSeq(ROOM));
  }

  /** Under load from many threads, far fewer transactions than appends. */
  @Test
  void concurrentLoadIsCommittedInFewerTransactionsThanAppends() throws Exception {
    store = OpenStore.open(dir);
    int threads = 8;
    int perThread = 100;
    CountDownLatch done = new CountDownLatch(threads * perThread);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        pool.execute(() -> {
          for (int i = 0; i < perThread; i++) {
            store.messages.append(
                new NewMessage(ROOM, "u" + thread, "m", "c" + i, i), new AppendListener() {
                  @Override
                  public void stored(StoredMessage message, boolean duplicate) {
                    done.countDown();
                  }

                  @Override
                  public void failed(Throwable cause) {
                    failures.add(cause);
                    done.countDown();
                  }
                });
          }
        });
      }
      assertTrue(done.await(20, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), failures);
    assertEquals(threads * perThread, store.messages.lastSeq(ROOM));
    long commits = store.messages.commitCount();
    assertTrue(commits >= 1 && commits < threads * perThread,
        "commits " + commits + " for " + threads * perThread + " appends");
  }

  /**
   * No listener runs before its batch commits, and when one runs, its message is visible to
   * every other connection, which only ever sees committed data.
   */
  @Test
  void listenersRunOnlyAfterTheCommit() throws Exception {
    AtomicInteger notifiedBeforeCommit = new AtomicInteger(-1);
    AtomicInteger notified = new AtomicInteger();
    Gate gate = new Gate() {
      @Override
      public void committing(int batchSize) {
        notifiedBeforeCommit.compareAndSet(-1, notified.get());
      }
    };
    store = OpenStore.open(dir, 10_000, 1_000, gate);
    List<String> problems = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(20);
    try (Connection other = OpenStore.rawConnection(dir)) {
      for (int i = 0; i < 20; i++) {
        store.messages.append(new NewMessage(ROOM, "alice", "t", "c" + i, 1L),
            new AppendListener() {
              @Override
              public void stored(StoredMessage m, boolean duplicate) {
                notified.incrementAndGet();
                try {
                  if (store.messages.after(ROOM, m.seq() - 1, 1).isEmpty()) {
                    problems.add("read connection does not see seq " + m.seq());
                  }
                  try (PreparedStatement ps = other.prepareStatement(
                      "SELECT count(*) FROM messages WHERE conv = ? AND seq = ?")) {
                    ps.setString(1, ROOM.key());
                    ps.setLong(2, m.seq());
                    try (ResultSet rs = ps.executeQuery()) {
                      rs.next();
                      if (rs.getInt(1) != 1) {
                        problems.add("other connection does not see seq " + m.seq());
                      }
                    }
                  }
                } catch (SQLException | RuntimeException e) {
                  problems.add(e.toString());
                }
                done.countDown();
              }

              @Override
              public void failed(Throwable cause) {
                problems.add("failed: " + cause);
                done.countDown();
              }
            });
        if (i == 0) {
          gate.awaitWriter();
        }
      }
      gate.release();
      assertTrue(done.await(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of(), problems);
    assertEquals(0, notifiedBeforeCommit.get(), "listeners called before the first commit");
  }

  /** One message failing inside the batch is rolled back alone; the others get gapless seqs. */
  @Test
  void oneBadMessageDoesNotFailTheOthers() throws Exception {
    Gate gate = failingOnceAfterInserting("bad");
    store = OpenStore.open(dir, 10_000, 1_000, gate);
    RecordingAppendListener first = appendFirstAndHold(gate);
    RecordingAppendListener second = append("c1");
    RecordingAppendListener bad = append("bad");
    RecordingAppendListener third = append("c2");
    gate.release();

    assertEquals(1, first.awaitStored().seq());
    assertEquals(2, second.awaitStored().seq());
    assertInstanceOf(StoreException.class, bad.awaitFailed());
    assertEquals(3, third.awaitStored().seq(), "the bad message used no seq");
    assertEquals(1, store.messages.commitCount(), "all in one batch");
    assertEquals(List.of("c0", "c1", "c2"), store.messages.after(ROOM, 0, 10).stream()
        .map(StoredMessage::cid).collect(Collectors.toList()));
    assertEquals(3, countRows(dir));

    RecordingAppendListener retry = append("bad");
    StoredMessage stored = retry.awaitStored();
    assertFalse(retry.await().duplicate(), "the failed message was never stored");
    assertEquals(4, stored.seq());
  }

  /** A transaction that fails to commit fails every listener of its batch; nothing is kept. */
  @Test
  void failedCommitFailsTheWholeBatch() throws Exception {
    AtomicBoolean failOnce = new AtomicBoolean(true);
    Gate gate = new Gate() {
      @Override
      public void committing(int batchSize) throws SQLException {
        if (failOnce.getAndSet(false)) {
          throw new SQLException("injected commit failure");
        }
      }
    };
    store = OpenStore.open(dir, 10_000, 1_000, gate);
    List<RecordingAppendListener> batch = new ArrayList<>();
    batch.add(appendFirstAndHold(gate));
    for (int i = 1; i < 5; i++) {
      batch.add(append("c" + i));
    }
    gate.release();
    for (RecordingAppendListener l : batch) {
      l.awaitFailed();
      l.assertCalledOnce();
    }
    assertEquals(0, store.messages.lastSeq(ROOM));
    assertEquals(List.of(), store.messages.after(ROOM, 0, 10));
    assertEquals(0, countRows(dir));
    assertEquals(0, store.messages.commitCount());

    assertEquals(1, append("c1").awaitStored().seq(), "seqs of the failed batch are reused");
  }

  /** With the queue full, an append fails at once, on the caller's thread, with a clear error. */
  @Test
  void fullQueueFailsFast() throws Exception {
    Gate gate = new Gate();
    store = OpenStore.open(dir, 3, 1_000, gate);
    List<RecordingAppendListener> accepted = new ArrayList<>();
    accepted.add(appendFirstAndHold(gate)); // taken by the writer: the queue is empty again
    for (int i = 1; i <= 3; i++) {
      accepted.add(append("c" + i));
    }
    RecordingAppendListener refused = append("c4");
    assertTrue(refused.isDone(), "refused before append() returned");
    StoreOverloadedException e = assertInstanceOf(StoreOverloadedException.class,
        refused.awaitFailed());
    assertTrue(e.getMessage().contains("overloaded"), e.getMessage());

    gate.release();
    for (RecordingAppendListener l : accepted) {
      l.awaitStored();
    }
    assertEquals(4, store.messages.lastSeq(ROOM));
    assertEquals(5, append("c4").awaitStored().seq(), "accepted again once there is room");
  }

  /** stop() commits and acknowledges everything already queued before it closes. */
  @Test
  void stopFlushesQueuedAppends() throws Exception {
    Gate gate = new Gate();
    store = OpenStore.open(dir, 10_000, 1_000, gate);
    List<RecordingAppendListener> queued = new ArrayList<>();
    queued.add(appendFirstAndHold(gate));
    for (int i = 1; i < 10; i++) {
      queued.add(append("c" + i));
    }
    Thread stopper = new Thread(() -> {
      try {
        store.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    stopper.start();
    gate.release();
    stopper.join(10_000);
    assertFalse(stopper.isAlive());
    for (RecordingAppendListener l : queued) {
      l.awaitStored();
    }
    assertEquals(10, countRows(dir));
  }

  /** After stop, appends fail at once and reads refuse; stopping twice is harmless. */
  @Test
  void appendAfterStopFails() throws Exception {
    store = OpenStore.open(dir);
    store.close();
    RecordingAppendListener l = append("late");
    assertTrue(l.isDone());
    assertInstanceOf(IllegalStateException.class, l.awaitFailed());
    assertThrows(IllegalStateException.class, () -> store.messages.lastSeq(ROOM));
    assertThrows(IllegalStateException.class, () -> store.accounts.userExists("alice"));
    store.close(); // stopping again is harmless
  }

  /** A listener that throws does not stop the writer or hide other outcomes. */
  @Test
  void throwingListenerDoesNotBreakTheWriter() throws Exception {
    Gate gate = new Gate();
    store = OpenStore.open(dir, 10_000, 1_000, gate);
    store.messages.append(new NewMessage(ROOM, "alice", "t", "c0", 1L), new AppendListener() {
      @Override
      public void stored(StoredMessage message, boolean duplicate) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void failed(Throwable cause) {
        throw new IllegalStateException("listener bug");
      }
    });
    gate.awaitWriter();
    RecordingAppendListener next = append("c1");
    gate.release();
    assertEquals(2, next.awaitStored().seq());
    assertEquals(3, append("c2").awaitStored().seq());
  }
  /**
   * One batch interleaving three conversations, with a failing message and a repeated cid in
   * it: each conversation gets gapless seqs, the repeat is the first's duplicate, and the seqs
   * written for the batch (once per conversation) survive a reopen.
   */
  @Test
  void aBatchOverSeveralConversationsKeepsEachOnesSeqs() throws Exception {
    ConvId dm = ConvId.direct("alice", "bob");
    ConvId other = ConvId.room("other");
    Gate gate = failingOnceAfterInserting("bad");
    store = OpenStore.open(dir, 10_000, 1_000, gate);
    RecordingAppendListener first = appendFirstAndHold(gate); // ROOM seq 1; the rest join it
    List<ConvId> convs = List.of(ROOM, dm, other);
    List<RecordingAppendListener> batch = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      RecordingAppendListener l = new RecordingAppendListener();
      store.messages.append(new NewMessage(convs.get(i % 3), "alice", "t" + i, "m" + i, 1L), l);
      batch.add(l);
    }
    RecordingAppendListener bad = new RecordingAppendListener();
    store.messages.append(new NewMessage(dm, "alice", "bad", "bad", 1L), bad);
    RecordingAppendListener again = new RecordingAppendListener();
    store.messages.append(new NewMessage(other, "alice", "t2", "m2", 1L), again);
    gate.release();

    assertEquals(1, first.awaitStored().seq());
    for (int i = 0; i < 30; i++) {
      long expected = i % 3 == 0 ? 2 + i / 3 : 1 + i / 3;
      assertEquals(expected, batch.get(i).awaitStored().seq(), "message " + i);
    }
    assertInstanceOf(StoreException.class, bad.awaitFailed());
    assertEquals(1, again.awaitStored().seq(), "the repeated cid is the first message again");
    assertTrue(again.await().duplicate());
    assertEquals(1, store.messages.commitCount(), "all in one batch");

    store.close();
    store = OpenStore.open(dir);
    assertEquals(11, store.messages.lastSeq(ROOM));
    assertEquals(10, store.messages.lastSeq(dm));
    assertEquals(10, store.messages.lastSeq(other));
    RecordingAppendListener next = new RecordingAppendListener();
    store.messages.append(new NewMessage(dm, "alice", "after", "after", 1L), next);
    assertEquals(11, next.awaitStored().seq());
  }

  /**
   * Within one batch, a repeated cid inserts nothing: it gets the original's seq, text and ts,
   * and the next message of the conversation takes the very next seq.
   */
  @Test
  void aDuplicateInTheSameBatchTakesNoSeq() throws Exception {
    Gate gate = new Gate();
    store = OpenStore.open(dir, 10_000, 1_000, gate);
    RecordingAppendListener first = appendFirstAndHold(gate); // seq 1, batch of its own
    RecordingAppendListener original = new RecordingAppendListener();
    store.messages.append(new NewMessage(ROOM, "alice", "original", "x", 5L), original);
    RecordingAppendListener repeat = new RecordingAppendListener();
    store.messages.append(new NewMessage(ROOM, "alice", "changed", "x", 9L), repeat);
    RecordingAppendListener next = append("y");
    gate.release();

    assertEquals(1, first.awaitStored().seq());
    StoredMessage stored = original.awaitStored();
    assertEquals(2, stored.seq());
    assertEquals(stored, repeat.awaitStored(), "the original: seq 2, its text and ts");
    assertTrue(repeat.await().duplicate());
    assertEquals(3, next.awaitStored().seq(), "the duplicate used no seq");
    assertEquals(3, store.messages.lastSeq(ROOM));
    assertEquals(3, countRows(dir));
  }
}
