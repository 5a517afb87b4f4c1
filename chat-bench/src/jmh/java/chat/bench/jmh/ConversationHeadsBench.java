package chat.bench.jmh;

import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The last seq and rev of each of a user's 200 conversations, as a {@code conversations} request
 * reads them: in one call ({@link MessageStore#heads}), and two reads per conversation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConversationHeadsBench {
  private static final int CONVERSATIONS = 200;

  @Param({"sqlite"})
  public String store;

  private BenchStore bench;
  private MessageStore messages;
  private final List<ConvId> convs = new ArrayList<>();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    bench = new BenchStore(store, "heads-bench-");
    messages = bench.get(MessageStore.class);
    CountDownLatch stored = new CountDownLatch(CONVERSATIONS);
    for (int i = 0; i < CONVERSATIONS; i++) {
      ConvId conv = i % 2 == 0 ? ConvId.room("room" + i) : ConvId.direct("alice", "user" + i);
      convs.add(conv);
      messages.append(new NewMessage(conv, "alice", "hello", "c" + i, System.currentTimeMillis()),
          new AppendListener() {
            @Override
            public void stored(StoredMessage message, boolean duplicate) {
              stored.countDown();
            }

            @Override
            public void failed(Throwable cause) {
              throw new IllegalStateException(cause);
            }
          });
    }
    if (!stored.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the set-up's messages were not stored");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    bench.close();
  }

  @Benchmark
  public Map<ConvId, MessageStore.Heads> inOneCall() {
    return messages.heads(convs);
  }

  @Benchmark
  public Map<ConvId, MessageStore.Heads> twoReadsEach() {
    Map<ConvId, MessageStore.Heads> heads = new HashMap<>();
    for (ConvId conv : convs) {
      heads.put(conv, new MessageStore.Heads(messages.lastSeq(conv), messages.lastRev(conv)));
    }
    return heads;
  }
}
