package chat.bench.jmh;

import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A store append until durable: one at a time (each waits for its own commit: the latency of a
 * lone send), and 256 concurrent appends (what group commit can batch into one transaction).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreAppendBench {
  @Param({"memory", "sqlite"})
  public String store;

  /** Direct conversations the appends go to in turn: 1, or many (as 100 chatting pairs). */
  @Param({"1", "100"})
  public int conversations;

  private BenchStore bench;
  private MessageStore messages;
  private long cid;
  private ConvId[] convs;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    convs = new ConvId[conversations];
    for (int i = 0; i < conversations; i++) {
      convs[i] = ConvId.direct("alice" + i, "bob" + i);
    }
    bench = new BenchStore(store, "store-bench-");
    messages = bench.get(MessageStore.class);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    bench.close();
  }

  private void append(CountDownLatch done) {
    ConvId conv = convs[(int) (cid % convs.length)];
    messages.append(new NewMessage(conv, conv.userA(),
        "hello there, a sixty-four byte message text!", "c" + (cid++),
        System.currentTimeMillis()), new AppendListener() {
          @Override
          public void stored(StoredMessage message, boolean duplicate) {
            done.countDown();
          }

          @Override
          public void failed(Throwable cause) {
            done.countDown();
          }
        });
  }

  @Benchmark
  public void appendOneAndWait() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    append(done);
    done.await();
  }

  @Benchmark
  @OperationsPerInvocation(256)
  public void append256Concurrent() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(256);
    for (int i = 0; i < 256; i++) {
      append(done);
    }
    done.await();
  }
}
