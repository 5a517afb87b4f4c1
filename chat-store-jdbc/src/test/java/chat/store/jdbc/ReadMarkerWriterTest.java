package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ConvId;
import chat.core.store.HeardMove;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-marker moves written in batches, on a real SQLite file: the moves that wait while a batch
 * is written go in one transaction, each marker once, and every listener hears after the commit.
 */
class ReadMarkerWriterTest {
  private static final ConvId GENERAL = ConvId.room("general");

  @TempDir
  Path tmp;
  private OpenStore store;
  private GatedDatabase gated;
  private ReadMarkerWriter writer;

  @BeforeEach
  void open() throws Exception {
    store = OpenStore.open(tmp.resolve("db"));
    gated = new GatedDatabase(store.database);
  }

  @AfterEach
  void close() throws Exception {
    gated.open();
    if (writer != null) {
      writer.stop();
    }
    store.close();
  }

  private HeardMove submit(String user, ConvId conv, long seq) {
    HeardMove h = new HeardMove();
    assertTrue(writer.submit(user, conv, seq, h), "refused " + user + " " + conv + " " + seq);
    return h;
  }

  private static List<Boolean> moved(List<HeardMove> heard) throws Exception {
    List<Boolean> out = new ArrayList<>();
    for (HeardMove h : heard) {
      out.add(h.moved());
    }
    return out;
  }

  /** The marker as stored in the file, read on a connection of its own. */
  private long stored(String user, ConvId conv) throws Exception {
    try (Connection c = OpenStore.rawConnection(store.dir);
        PreparedStatement ps = c.prepareStatement(
            "SELECT seq FROM read_markers WHERE user_name = ? AND conv = ?")) {
      ps.setString(1, user);
      ps.setString(2, conv.key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }
  }

  /** Starts the writer and leaves it inside the transaction of a first batch (bob's move). */
  private HeardMove busyWithAFirstBatch(int maxPending) throws Exception {
    writer = new ReadMarkerWriter(gated, "test", maxPending);
    gated.close();
    HeardMove bob = submit("bob", GENERAL, 1);
    gated.awaitEntered();
    return bob;
  }

  /**
   * 300 markers moved while a batch is being written go in the next one transaction; three
   * moves of one marker (3, 9, 5) store 9 and are heard as written one by one: moved, moved, not.
   */
  @Test
  void movesThatWaitGoInOneTransaction() throws Exception {
    HeardMove bob = busyWithAFirstBatch(ReadMarkerWriter.DEFAULT_MAX_PENDING);
    HeardMove three = submit("alice", GENERAL, 3);
    HeardMove nine = submit("alice", GENERAL, 9);
    HeardMove five = submit("alice", GENERAL, 5);
    // A marker already stored at 4: each move is heard against where the ones before left it.
    assertTrue(store.accounts.advanceReadMarker("carol", GENERAL, 4));
    List<HeardMove> carol = List.of(submit("carol", GENERAL, 2), submit("carol", GENERAL, 6),
        submit("carol", GENERAL, 5), submit("carol", GENERAL, 8));
    List<HeardMove> others = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      others.add(submit("user" + i, ConvId.direct("user" + i, "zed"), i + 1));
    }
    assertEquals(9, writer.pending("alice", GENERAL), "counted while it waits");
    assertEquals(Map.of(GENERAL, 9L), writer.pending("alice"));
    assertEquals(1, writer.pending("bob", GENERAL), "counted while it is written");
    assertEquals(0, stored("alice", GENERAL));
    assertFalse(bob.heard(), "not heard before its commit");

    gated.open();
    assertTrue(bob.moved());
    assertTrue(three.moved());
    assertTrue(nine.moved());
    assertFalse(five.moved());
    assertEquals(List.of(false, true, false, true), moved(carol));
    assertEquals(8, stored("carol", GENERAL));
    for (HeardMove h : others) {
      assertTrue(h.moved());
    }
    assertEquals(2, writer.batches(), "bob's batch, then everything that waited");
    assertEquals(2, gated.transactions());
    assertEquals(9, stored("alice", GENERAL));
    assertEquals(300, stored("user299", ConvId.direct("user299", "zed")));
    assertEquals(0, writer.pending("alice", GENERAL), "nothing waits once stored");
  }

  /** At most maxPending moves wait: beyond that a move is refused, for the caller to write. */
  @Test
  void beyondMaxPendingAMoveIsRefused() throws Exception {
    busyWithAFirstBatch(2);
    submit("alice", GENERAL, 3);
    submit("alice", GENERAL, 4);
    assertFalse(writer.submit("alice", GENERAL, 5, new HeardMove()), "two moves wait already");
    assertFalse(writer.submit("carol", GENERAL, 1, new HeardMove()));
    assertEquals(4, writer.pending("alice", GENERAL), "the refused move is not counted");
  }

  /** A failed transaction: its listeners hear the failure, nothing waits, the next batch runs. */
  @Test
  void aFailedBatchIsHeardAndTheWriterGoesOn() throws Exception {
    writer = new ReadMarkerWriter(gated, "test", 10);
    gated.failNext();
    HeardMove failed = submit("alice", GENERAL, 3);
    ExecutionException e = assertThrows(ExecutionException.class, failed::moved);
    assertInstanceOf(StoreException.class, e.getCause());
    assertEquals(0, writer.pending("alice", GENERAL));
    assertEquals(0, stored("alice", GENERAL));
    assertTrue(submit("alice", GENERAL, 2).moved());
    assertEquals(2, stored("alice", GENERAL));
  }

  /** Stopping writes what waits and hears it; later moves are refused. */
  @Test
  void stopWritesWhatWaits() throws Exception {
    busyWithAFirstBatch(10);
    HeardMove waiting = submit("alice", GENERAL, 7);
    Thread opener = new Thread(gated::open);
    opener.start(); // stop() waits for the thread, which waits for the gate
    writer.stop();
    opener.join(10_000);
    assertTrue(waiting.heard(), "heard before stop() returned");
    assertTrue(waiting.moved());
    assertEquals(7, stored("alice", GENERAL));
    assertFalse(writer.submit("alice", GENERAL, 8, new HeardMove()));
  }

  /**
   * The database, with a gate its transactions wait at while closed (telling the test they have
   * reached it), and a failure to inject into the next one.
   */
  private static final class GatedDatabase implements JdbcDatabase {
    private final JdbcDatabase real;
    private final CountDownLatch entered = new CountDownLatch(1);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile boolean failNext;
    private volatile int transactions;

    GatedDatabase(JdbcDatabase real) {
      this.real = real;
    }

    void close() {
      gate = new CountDownLatch(1);
    }

    void open() {
      gate.countDown();
    }

    void failNext() {
      failNext = true;
    }

    void awaitEntered() throws InterruptedException, TimeoutException {
      if (!entered.await(10, TimeUnit.SECONDS)) {
        throw new TimeoutException("no transaction reached the gate");
      }
    }

    int transactions() {
      return transactions;
    }

    @Override
    public <T> T read(SqlWork<T> work) {
      return real.read(work);
    }

    @Override
    public <T> T write(SqlWork<T> work) {
      return real.write(work);
    }

    @Override
    public <T> T transaction(SqlWork<T> work) {
      transactions++; // one writer thread
      entered.countDown();
      try {
        if (!gate.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never opened the gate");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (failNext) {
        failNext = false;
        return real.transaction(c -> {
          throw new java.sql.SQLException("injected");
        });
      }
      return real.transaction(work);
    }
  }
}
