package chat.bench.jmh;

import chat.core.ChatConfig;
import chat.core.ChatCore;
import chat.core.SessionHandler;
import chat.core.Outbound;
import chat.core.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Routing one room message to N sessions through the real core (in-memory store): the sender's
 * send frame goes in, and the benchmark waits until every member's session has been handed the
 * event (and its UTF-8 bytes, as the WebSocket transport takes them). No sockets: this is the
 * core's share of the fan-out cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoutingBench {
  @Param({"100", "1000"})
  public int members;

  /** Registrations in flight at once: core's queue of logins waiting for a hash is bounded. */
  private static final int REGISTER_AT_ONCE = 50;

  private ChatCore core;
  private SessionHandler sender;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong replies = new AtomicLong();
  private long cid;

  private final class CountingSession implements Session {
    @Override
    public boolean send(Outbound event) {
      if (event.event() instanceof chat.protocol.Event.Message) {
        event.utf8();
        delivered.incrementAndGet();
      } else {
        replies.incrementAndGet();
      }
      return true;
    }

    @Override
    public void close(int code, String reason) {}
  }

  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    ChatConfig config = ChatConfig.builder().passwordIterations(1_000)
        .sendPerSecond(1_000_000).sendBurst(1_000_000)
        .requestsPerSecond(1_000_000).requestBurst(1_000_000)
        .safety(registrationsAllowed(ChatConfig.Safety.DEFAULTS, 1_000_000)).build();
    core = ChatCore.inMemory(config);
    List<SessionHandler> conns = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      SessionHandler c = core.service().open(new CountingSession());
      conns.add(c);
      c.receiveFrame("{\"type\":\"register\",\"id\":\"r\",\"user\":\"user" + i
          + "\",\"password\":\"bench-password\"}");
      if (conns.size() % REGISTER_AT_ONCE == 0) {
        waitFor(() -> conns.stream().allMatch(x -> x.user() != null)); // core refuses more as busy
      }
    }
    waitFor(() -> conns.stream().allMatch(c -> c.user() != null));
    conns.get(0).receiveFrame("{\"type\":\"create\",\"id\":\"c\",\"room\":\"bench\"}");
    Thread.sleep(100);
    for (SessionHandler c : conns) {
      c.receiveFrame("{\"type\":\"join\",\"id\":\"j\",\"room\":\"bench\"}");
    }
    Thread.sleep(500);
    sender = conns.get(0);
  }

  /** Every member registers from the one in-JVM address: lift that address's hourly cap. */
  private static ChatConfig.Safety registrationsAllowed(ChatConfig.Safety d, int perHour) {
    return new ChatConfig.Safety(d.loginFailuresPerUser(), d.loginFailuresPerAddress(),
        d.loginWindow(), perHour, d.maxRoomsPerUser(), d.roomCreatesPerHour(),
        d.roomCreateBurst(), d.typingPerSecond(), d.typingBurst(), d.searchesPerMinute(),
        d.searchBurst(), d.maxMembershipsPerUser());
  }

  private static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("setup timed out");
      }
      Thread.sleep(5);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    core.close();
  }

  @Benchmark
  public long routeOneMessage() {
    long want = delivered.get() + members;
    sender.receiveFrame("{\"type\":\"send\",\"to\":\"#bench\",\"text\":\"hello\",\"cid\":\"c"
        + (cid++) + "\"}");
    while (delivered.get() < want) {
      Thread.onSpinWait();
    }
    return want;
  }
}
