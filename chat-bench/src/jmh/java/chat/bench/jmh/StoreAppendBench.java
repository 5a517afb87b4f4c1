package chat.bench.jmh;

import chat.core.ChatConfig;
import chat.core.ChatCoreModule;
import chat.core.Lifecycle;
import chat.core.memory.InMemoryStoreModule;
import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import chat.store.jdbc.SqliteStoreModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

  private Lifecycle lifecycle;
  private MessageStore messages;
  private Path dir;
  private long cid;
  private ConvId[] convs;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    ChatConfig config = ChatConfig.builder().passwordIterations(1_000).build();
    convs = new ConvId[conversations];
    for (int i = 0; i < conversations; i++) {
      convs[i] = ConvId.direct("alice" + i, "bob" + i);
    }
    dir = Files.createTempDirectory("store-bench-");
    Injector injector = Guice.createInjector(new ChatCoreModule(config),
        store.equals("sqlite") ? new SqliteStoreModule(dir) : new InMemoryStoreModule());
    lifecycle = injector.getInstance(Lifecycle.class);
    lifecycle.start();
    messages = injector.getInstance(MessageStore.class);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    lifecycle.stop();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
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
