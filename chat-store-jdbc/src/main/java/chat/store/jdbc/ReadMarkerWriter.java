package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.store.ConvId;
import chat.core.store.ReadMarkerListener;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves read markers in batches, on a thread of its own ({@code NAME-read-markers}), so that a
 * {@code read} neither waits for a commit on the request thread nor costs a commit of its own.
 * Every reader of a conversation sends one as it views new messages: written one by one, each
 * was a transaction and an fsync, on SQLite under the lock the next batch of sends needs, and a
 * user who sends reads as fast as the connection allows could keep that lock busy.
 *
 * <p>Moves wait in a map keyed by user and conversation, one entry per marker at the highest
 * seq asked for it. The thread takes everything waiting, writes one forward-only upsert per
 * marker (the same statement as a single move) in one transaction, and once it has committed
 * tells every move's listener: {@code moved} for the one whose seq raised the marker, not moved
 * for the others of that marker. Until then {@link #pending} lets reads count the moves (a user's
 * own {@code conversations} after its {@code read} sees it). If the transaction fails, every
 * listener of the batch hears {@code failed} and the markers stay where they were.
 *
 * <p>Bounded: at most {@code maxPending} moves wait; beyond that {@link #submit} refuses and
 * the caller writes the move itself, which slows that caller down instead of growing the map.
 *
 * <p>Lifecycle: the thread starts with the first move; {@link #stop} writes what waits and ends
 * it, after which {@link #submit} refuses.
 */
final class ReadMarkerWriter {
  private static final Logger log = LoggerFactory.getLogger(ReadMarkerWriter.class);

  static final int DEFAULT_MAX_PENDING = 10_000;
  private static final long STOP_WAIT_MS = 30_000;
  /** The same statement as a single move: it only ever raises a marker. */
  static final String UPSERT = "INSERT INTO read_markers (user_name, conv, seq) VALUES (?, ?, ?)"
      + " ON CONFLICT (user_name, conv) DO UPDATE SET seq = excluded.seq"
      + " WHERE excluded.seq > read_markers.seq";

  /** A marker's waiting moves: the highest seq, whose listener moved it, and the others'. */
  private static final class Move {
    long seq;
    ReadMarkerListener mover;
    final List<ReadMarkerListener> others = new ArrayList<>(0);

    Move(long seq, ReadMarkerListener mover) {
      this.seq = seq;
      this.mover = mover;
    }
  }

  private final JdbcDatabase database;
  private final String name;
  private final int maxPending;
  private final Object lock = new Object();
  // All guarded by lock. Waiting: by user, then conversation. Writing: what the thread took for
  // the batch it is writing, still counted by pending() until the batch has ended.
  private Map<String, Map<ConvId, Move>> waiting = new HashMap<>();
  private int waitingCount;
  private Map<String, Map<ConvId, Move>> writing = Map.of();
  private Thread thread;
  private boolean stopped;
  private long batches; // written by the thread, read by tests

  ReadMarkerWriter(JdbcDatabase database, String name, int maxPending) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be positive: " + maxPending);
    }
    this.database = requireNonNull(database, "database is null");
    this.name = requireNonNull(name, "name is null");
    this.maxPending = maxPending;
  }

  /**
   * Queues a move of {@code user}'s marker in {@code conv} to {@code seq} (positive);
   * {@code listener} hears once it is stored. False, with nothing queued, if the writer is
   * stopped or {@code maxPending} moves already wait.
   */
  boolean submit(String user, ConvId conv, long seq, ReadMarkerListener listener) {
    requireNonNull(user, "user is null");
    requireNonNull(conv, "conv is null");
    requireNonNull(listener, "listener is null");
    synchronized (lock) {
      if (stopped || waitingCount >= maxPending) {
        return false;
      }
      Map<ConvId, Move> mine = waiting.computeIfAbsent(user, u -> new HashMap<>());
      Move move = mine.get(conv);
      if (move == null) {
        mine.put(conv, new Move(seq, listener));
      } else if (seq > move.seq) {
        move.others.add(move.mover);
        move.seq = seq;
        move.mover = listener;
      } else {
        move.others.add(listener); // the marker goes at least as far as it asked
      }
      waitingCount++;
      if (thread == null) {
        thread = new Thread(this::run, name + "-read-markers");
        thread.setDaemon(true); // stop() writes what waits
        thread.start();
      }
      lock.notifyAll();
      return true;
    }
  }

  /** The highest seq waiting or being written for {@code user}'s marker in {@code conv}, or 0. */
  long pending(String user, ConvId conv) {
    synchronized (lock) {
      return Math.max(seqOf(waiting, user, conv), seqOf(writing, user, conv));
    }
  }

  /** Every marker of {@code user} with a move waiting or being written, at its highest seq. */
  Map<ConvId, Long> pending(String user) {
    synchronized (lock) {
      Map<ConvId, Long> out = new HashMap<>();
      for (Map<String, Map<ConvId, Move>> m : List.of(writing, waiting)) {
        Map<ConvId, Move> mine = m.get(user);
        if (mine != null) {
          mine.forEach((conv, move) -> out.merge(conv, move.seq, Math::max));
        }
      }
      return out;
    }
  }

  /** Batches written so far (committed or failed). */
  long batches() {
    synchronized (lock) {
      return batches;
    }
  }

  /** Writes what waits, then ends the thread; later moves are refused. Idempotent. */
  void stop() throws InterruptedException {
    Thread t;
    synchronized (lock) {
      stopped = true;
      lock.notifyAll();
      t = thread;
    }
    if (t != null) {
      t.join(STOP_WAIT_MS);
      if (t.isAlive()) {
        log.error("the read-marker writer did not finish within {} ms", STOP_WAIT_MS);
      }
    }
  }

  private void run() {
    while (true) {
      Map<String, Map<ConvId, Move>> batch;
      synchronized (lock) {
        while (waitingCount == 0 && !stopped) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            // nobody should interrupt the writer; keep serving
          }
        }
        if (waitingCount == 0) {
          return; // stopped, and nothing left
        }
        batch = waiting;
        writing = batch;
        waiting = new HashMap<>();
        waitingCount = 0;
      }
      Map<Move, Boolean> outcome = null;
      RuntimeException failure = null;
      try {
        outcome = write(batch);
      } catch (RuntimeException e) { // a StoreException, or the database closed under it
        log.error("writing the read markers of {} users failed; they stay where they were",
            batch.size(), e);
        failure = e;
      }
      synchronized (lock) {
        writing = Map.of();
        batches++;
      }
      for (Map<ConvId, Move> mine : batch.values()) {
        for (Move move : mine.values()) {
          boolean moved = outcome != null && outcome.get(move);
          tell(move.mover, moved, failure);
          for (ReadMarkerListener other : move.others) {
            tell(other, false, failure);
          }
        }
      }
    }
  }

  private static void tell(ReadMarkerListener listener, boolean moved, RuntimeException failure) {
    try {
      if (failure != null) {
        listener.failed(failure);
      } else {
        listener.stored(moved);
      }
    } catch (RuntimeException e) {
      log.warn("a read-marker listener threw; the writer carries on", e);
    }
  }

  /** Writes the batch in one transaction; for each marker, whether it moved. */
  private Map<Move, Boolean> write(Map<String, Map<ConvId, Move>> batch) {
    return database.transaction(c -> {
      Map<Move, Boolean> moved = new IdentityHashMap<>();
      try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
        for (Map.Entry<String, Map<ConvId, Move>> user : batch.entrySet()) {
          for (Map.Entry<ConvId, Move> e : user.getValue().entrySet()) {
            Move move = e.getValue();
            ps.setString(1, user.getKey());
            ps.setString(2, e.getKey().key());
            ps.setLong(3, move.seq);
            moved.put(move, ps.executeUpdate() == 1);
          }
        }
      }
      return moved;
    });
  }

  private static long seqOf(Map<String, Map<ConvId, Move>> m, String user, ConvId conv) {
    Map<ConvId, Move> mine = m.get(user);
    Move move = mine == null ? null : mine.get(conv);
    return move == null ? 0L : move.seq;
  }
}
