package chat.bench.jmh;

import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.ReadMarkerListener;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Read-marker moves on the SQLite store, from 4 threads, each move raising a marker: one at a
 * time on the calling thread ({@code direct}: a transaction and an fsync each, as every
 * {@code read} was written before), and queued ({@code queued}: each thread hands 32 users'
 * moves over, as 32 readers' requests would arrive, and waits until all are stored).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(4)
public class ReadMarkerBench {
  private static final int BURST = 32;
  private static final ConvId ROOM = ConvId.room("general");

  @Param({"sqlite"})
  public String store;

  private BenchStore bench;
  private AccountStore accounts;
  private final AtomicInteger threads = new AtomicInteger();

  /** One thread's users and the seq its next moves go to. */
  @State(Scope.Thread)
  public static class Mover {
    String[] users;
    long seq;

    @Setup(Level.Trial)
    public void setUp(ReadMarkerBench b) {
      int t = b.threads.getAndIncrement();
      users = new String[BURST];
      for (int i = 0; i < BURST; i++) {
        users[i] = "t" + t + "-user" + i;
      }
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    bench = new BenchStore(store, "read-marker-bench-");
    accounts = bench.get(AccountStore.class);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    bench.close();
  }

  /** One move, written before it returns. */
  @Benchmark
  public boolean direct(Mover m) {
    m.seq++;
    return accounts.advanceReadMarker(m.users[0], ROOM, m.seq);
  }

  /** 32 users' moves queued, then waited for. */
  @Benchmark
  @OperationsPerInvocation(BURST)
  public void queued(Mover m) throws InterruptedException {
    m.seq++;
    CountDownLatch stored = new CountDownLatch(BURST);
    ReadMarkerListener listener = new ReadMarkerListener() {
      @Override
      public void stored(boolean moved) {
        stored.countDown();
      }

      @Override
      public void failed(Throwable cause) {
        throw new IllegalStateException("a move failed", cause);
      }
    };
    for (String user : m.users) {
      accounts.advanceReadMarker(user, ROOM, m.seq, listener);
    }
    if (!stored.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("moves not stored within 30 s");
    }
  }
}
