package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.local.LocalTransport;
import chat.core.memory.InMemoryStoreModule;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import com.google.inject.AbstractModule;
import com.google.inject.util.Modules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The login starvation the probe found: a crowd of wrong passwords filled the hashing
 * queue, real users' logins waited past their sign-in deadline, and the queue was worked off
 * even for connections that had gone. Here each hash waits for a permit, so the test decides
 * when hashing happens, and each takes one second on the core's clock.
 */
class PasswordChecksTest {
  private final ManualTicker ticker = new ManualTicker();
  private final Semaphore permits = new Semaphore(0);
  private final AtomicInteger hashed = new AtomicInteger();
  /** Until armed, verifications pass without a permit (the core's warm-up at start). */
  private final java.util.concurrent.atomic.AtomicBoolean armed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private ChatCore core;
  private LocalTransport local;

  /** Verifies like PBKDF2 would, after a permit, and takes a second of the manual clock. */
  private final class GatedHasher implements PasswordHasher {
    private final PasswordHasher real = new Pbkdf2PasswordHasher(1_000);

    @Override
    public String hash(String password) {
      return real.hash(password);
    }

    @Override
    public boolean verify(String password, String stored) {
      if (!armed.get()) {
        return real.verify(password, stored);
      }
      try {
        if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
          throw new AssertionError("no permit to hash");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      hashed.incrementAndGet();
      ticker.advance(Duration.ofSeconds(1));
      return real.verify(password, stored);
    }
  }

  @BeforeEach
  void start() {
    // Generous throttles: this test is about the queue, not the failure limits.
    ChatConfig config = ChatConfig.builder().passwordIterations(1_000).authTimeoutMs(10_000)
        .safety(new ChatConfig.Safety(1_000, 1_000, Duration.ofMinutes(15), 1_000, 10, 60, 10,
            3, 10, 60, 10, 1_000))
        .build();
    core = ChatCore.start(Modules.override(new ChatCoreModule(config, new ManualClock(), ticker))
        .with(new AbstractModule() {
          @Override
          protected void configure() {
            bind(PasswordHasher.class).toInstance(new GatedHasher());
          }
        }), new InMemoryStoreModule());
    local = new LocalTransport(core.service(), 1_000);
    armed.set(true);
  }

  @AfterEach
  void stop() {
    permits.release(10_000);
    core.close();
    local.close();
  }

  private EventRecorder connect(List<chat.core.local.LocalClient> into) {
    EventRecorder recorder = new EventRecorder();
    into.add(local.connect(recorder));
    recorder.next(Event.Hello.class);
    return recorder;
  }

  @Test
  void workOfClosedConnectionsIsDroppedAndALateSignInIsAnsweredAtOnce() throws Exception {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    List<chat.core.local.LocalClient> crowd = new ArrayList<>();
    // Enough that, whatever the average settles at (at least 0.28 s after one hash), the queue
    // left after the first round is far longer than a sign-in may wait (the rest of the crowd
    // is refused at once, as the queue grows).
    for (int i = 0; i < 50 * threads; i++) {
      connect(crowd);
      crowd.get(i).call(new Request.Login("x" + i, "user" + i, "wrong password"));
    }
    // Let a few run so the average is known (one second each), then the crowd goes away.
    // (Requests reach the core on its own threads, in no set order: which ones run first is not
    // known, so the test waits for the count, polled with a deadline.)
    permits.release(threads);
    long hashedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hashed.get() < threads) {
      assertTrue(System.nanoTime() < hashedBy, "the first round was never hashed");
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    // Hold the next ones on the gate: the queue is long and each takes a second. Wait until the
    // crowd is queued and the first round's time is in the average.
    PasswordChecks checks = core.instance(PasswordChecks.class);
    long queuedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (checks.estimatedWaitMs() <= PasswordChecks.MAX_SIGN_IN_WAIT_MS) {
      assertTrue(System.nanoTime() < queuedBy, "the crowd never queued up");
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    List<chat.core.local.LocalClient> real = new ArrayList<>();
    EventRecorder user = connect(real);
    CompletableFuture<Event> late = real.get(0).call(
        new Request.Login("late", "someone", "wrong password"));
    Event answer = late.get(5, TimeUnit.SECONDS);
    Event.Error busy = assertInstanceOf(Event.Error.class, answer);
    assertEquals(ErrorCode.RATE_LIMITED, busy.code(), busy.message());
    assertTrue(busy.retryAfterMs() > PasswordChecks.MAX_SIGN_IN_WAIT_MS,
        "wait " + busy.retryAfterMs());
    assertTrue(real.get(0).isOpen(), "answered, not left to time out");

    int before = hashed.get();
    for (int i = threads; i < crowd.size(); i++) {
      crowd.get(i).close();
    }
    // The core learns of the closes on its own thread: wait for it (polled, with a deadline).
    long closedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (core.service().connectionCount() > threads + 1) {
      assertTrue(System.nanoTime() < closedBy, "closes never reached the core");
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    permits.release(crowd.size());
    // Everything queued is worked off or dropped (polled, with a deadline).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (checks.estimatedWaitMs() > 0) {
      assertTrue(System.nanoTime() < deadline, "the queue never emptied");
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    List<chat.core.local.LocalClient> after = new ArrayList<>();
    connect(after);
    Event next = after.get(0).call(new Request.Login("n", "nobody", "wrong password"))
        .get(10, TimeUnit.SECONDS);
    assertEquals(ErrorCode.UNAUTHORIZED, ((Event.Error) next).code());
    // At most the ones already running when the crowd closed were hashed, plus the last login.
    assertTrue(hashed.get() - before <= threads + 1,
        "hashed " + (hashed.get() - before) + " after the crowd closed");
    user.drain();
  }
}
