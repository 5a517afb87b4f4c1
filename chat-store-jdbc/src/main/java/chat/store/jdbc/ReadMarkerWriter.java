package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.store.ConvId;
import chat.core.store.ReadMarkerListener;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
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
 * <p>Moves wait in a map keyed by user and conversation: per marker, its moves in the order
 * they came and the highest seq among them. The thread takes everything waiting and, in one
 * transaction, reads each marker and writes it once, at that highest seq, with the same
 * forward-only upsert as a single move. Once it has committed it tells every move's listener,
 * in order, whether that move raised the marker, exactly as if the moves had been written one
 * by one (seqs 3, 9, 5 on a marker at 0: moved, moved, not). Until then {@link #pending} lets
 * reads count the moves (a user's own {@code conversations} after its {@code read} sees it). If
 * the transaction fails, every listener of the batch hears {@code failed} and the markers stay
 * where they were.
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
  /** One marker, as stored. */
  static final String READ = "SELECT seq FROM read_markers WHERE user_name = ? AND conv = ?";

  /** One marker's waiting moves, in the order they came, and the highest seq among them. */
  private static final class Moves {
    long seq;
    final List<Long> seqs = new ArrayList<>(1);
    final List<ReadMarkerListener> listeners = new ArrayList<>(1);
    /** Set by the writer thread: whether each move raised the marker. */
    boolean[] moved;

    void add(long s, ReadMarkerListener listener) {
      seq = Math.max(seq, s);
      seqs.add(s);
      listeners.add(listener);
    }
  }

  private final JdbcDatabase database;
  private final String name;
  private final int maxPending;
  private final Object lock = new Object();
  // All guarded by lock. Waiting: by user, then conversation. Writing: what the thread took for
  // the batch it is writing, still counted by pending() until the batch has ended.
  private Map<String, Map<ConvId, Moves>> waiting = new HashMap<>();
  private int waitingCount;
  private Map<String, Map<ConvId, Moves>> writing = Map.of();
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
      waiting.computeIfAbsent(user, u -> new HashMap<>())
          .computeIfAbsent(conv, c -> new Moves()).add(seq, listener);
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
      for (Map<String, Map<ConvId, Moves>> m : List.of(writing, waiting)) {
        Map<ConvId, Moves> mine = m.get(user);
        if (mine != null) {
          mine.forEach((conv, moves) -> out.merge(conv, moves.seq, Math::max));
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
      Map<String, Map<ConvId, Moves>> batch;
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
      RuntimeException failure = null;
      try {
        write(batch);
      } catch (RuntimeException e) { // a StoreException, or the database closed under it
        log.error("writing the read markers of {} users failed; they stay where they were",
            batch.size(), e);
        failure = e;
      }
      synchronized (lock) {
        writing = Map.of();
        batches++;
      }
      for (Map<ConvId, Moves> mine : batch.values()) {
        for (Moves moves : mine.values()) {
          for (int i = 0; i < moves.listeners.size(); i++) {
            tell(moves.listeners.get(i), failure == null && moves.moved[i], failure);
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

  /**
   * Writes the batch in one transaction and sets each move's outcome: each marker is written
   * once, at its highest seq. The upsert says whether that raised it (exact, even beside another
   * node's writes on PostgreSQL), which is all a marker with one move needs, as most have. With
   * several, the marker is read first, to say which of the earlier moves raised it too. (On
   * PostgreSQL another node may move the marker between the two; the stored marker is right
   * either way.)
   */
  private void write(Map<String, Map<ConvId, Moves>> batch) {
    database.transaction(c -> {
      try (PreparedStatement read = c.prepareStatement(READ);
          PreparedStatement upsert = c.prepareStatement(UPSERT)) {
        for (Map.Entry<String, Map<ConvId, Moves>> user : batch.entrySet()) {
          for (Map.Entry<ConvId, Moves> e : user.getValue().entrySet()) {
            String conv = e.getKey().key();
            Moves moves = e.getValue();
            long at = 0L; // where the marker was; only read when there are several moves
            if (moves.seqs.size() > 1) {
              read.setString(1, user.getKey());
              read.setString(2, conv);
              try (ResultSet rs = read.executeQuery()) {
                at = rs.next() ? rs.getLong(1) : 0L;
              }
            }
            upsert.setString(1, user.getKey());
            upsert.setString(2, conv);
            upsert.setLong(3, moves.seq);
            boolean raised = upsert.executeUpdate() == 1;
            moves.moved = new boolean[moves.seqs.size()];
            for (int i = 0; raised && i < moves.seqs.size(); i++) {
              long seq = moves.seqs.get(i);
              moves.moved[i] = seq > at;
              at = Math.max(at, seq);
            }
          }
        }
      }
      return null;
    });
  }

  private static long seqOf(Map<String, Map<ConvId, Moves>> m, String user, ConvId conv) {
    Map<ConvId, Moves> mine = m.get(user);
    Moves moves = mine == null ? null : mine.get(conv);
    return moves == null ? 0L : moves.seq;
  }
}
