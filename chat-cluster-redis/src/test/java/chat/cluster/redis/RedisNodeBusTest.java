package chat.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisNodeBusTest {
  @RegisterExtension static final PrivateRedis server = new PrivateRedis();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  private final List<AutoCloseable> closing = new ArrayList<>();
  private Redis redis;
  private String channel;

  @BeforeEach
  void setUp() throws Exception {
    if (!server.isRunning()) {
      server.start();
    }
    redis = Redis.create(server.url());
    channel = "test:events:" + CHANNELS.incrementAndGet();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    redis.close();
  }

  private RedisNodeBus started(RecordingListener listener) {
    RedisNodeBus bus = new RedisNodeBus(redis, channel);
    bus.start(listener);
    closing.add(bus::stop);
    return bus;
  }

  @Test
  void twoBusesGetEveryMessageOfBothInEachPublishersOrder() throws Exception {
    RecordingListener a = new RecordingListener();
    RecordingListener b = new RecordingListener();
    RedisNodeBus busA = started(a);
    RedisNodeBus busB = started(b);
    assertTrue(busA.connected() && busB.connected());

    int n = 500;
    Thread other = new Thread(() -> {
      for (int i = 0; i < n; i++) {
        busB.publish("b" + i);
      }
    });
    other.start();
    for (int i = 0; i < n; i++) {
      busA.publish("a" + i);
    }
    other.join();

    for (RecordingListener listener : List.of(a, b)) {
      int nextA = 0;
      int nextB = 0;
      for (int i = 0; i < 2 * n; i++) {
        String event = listener.next(WAIT);
        if (event.startsWith("msg:a")) {
          assertEquals("msg:a" + nextA++, event);
        } else {
          assertEquals("msg:b" + nextB++, event);
        }
      }
      listener.assertNoMessage(Duration.ofMillis(100));
      listener.assertNeverConcurrent();
    }
  }

  @Test
  void redisKilledAndRestartedMakesBothResubscribeAndMessagesFlowAgain() throws Exception {
    RecordingListener a = new RecordingListener();
    RecordingListener b = new RecordingListener();
    RedisNodeBus busA = started(a);
    RedisNodeBus busB = started(b);
    busA.publish("before");
    b.assertNext("before", WAIT);

    server.kill();
    Waits.until(WAIT, () -> !busA.connected() && !busB.connected(), "both see Redis gone");
    server.start();

    a.awaitResubscribed(WAIT);
    b.awaitResubscribed(WAIT);
    assertTrue(busA.connected() && busB.connected());
    // The publishing connection may still be reconnecting: its first publishes may be lost
    // (and reported as a gap), so publish until one arrives.
    AtomicInteger sent = new AtomicInteger();
    Waits.until(WAIT, () -> {
      busA.publish("after" + sent.incrementAndGet());
      return busB.connected() && receivedAny(b);
    }, "a message after the restart");
    a.assertNeverConcurrent();
    b.assertNeverConcurrent();
  }

  private static boolean receivedAny(RecordingListener listener) {
    try {
      String event = listener.next(Duration.ofMillis(200));
      return event.startsWith("msg:after");
    } catch (AssertionError | InterruptedException e) {
      return false;
    }
  }

  @Test
  void publishWhileRedisIsDownNeitherThrowsNorBlocksAndReportsAGapOnceBack() throws Exception {
    RecordingListener a = new RecordingListener();
    RedisNodeBus busA = started(a);
    server.kill();
    Waits.until(WAIT, () -> !busA.connected(), "the bus sees Redis gone");

    long start = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      busA.publish("lost" + i);
    }
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 1_000, "1000 publishes while down took " + tookMs + " ms");

    server.start();
    a.awaitResubscribed(WAIT);
    AtomicInteger sent = new AtomicInteger();
    Waits.until(WAIT, () -> {
      busA.publish("back" + sent.incrementAndGet());
      return receivedBack(a);
    }, "own message after the restart");
  }

  private static boolean receivedBack(RecordingListener listener) {
    try {
      String event = listener.next(Duration.ofMillis(200));
      assertFalse(event.startsWith("msg:lost"), "a message published while down arrived");
      return event.startsWith("msg:back");
    } catch (InterruptedException e) {
      return false;
    } catch (AssertionError e) {
      if (e.getMessage() != null && e.getMessage().contains("published while down")) {
        throw e;
      }
      return false;
    }
  }

  @Test
  void startFailsClearlyWhenRedisIsUnreachable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (Redis nowhere = Redis.create("redis://127.0.0.1:" + closedPort)) {
      RedisNodeBus bus = new RedisNodeBus(nowhere, channel);
      long start = System.nanoTime();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> bus.start(new RecordingListener()));
      assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
      assertFalse(bus.connected());
    }
  }

  @Test
  void afterStopNothingArrives() throws Exception {
    RecordingListener a = new RecordingListener();
    RecordingListener b = new RecordingListener();
    RedisNodeBus busA = started(a);
    RedisNodeBus busB = started(b);
    busB.stop();
    assertFalse(busB.connected());
    busA.publish("after-stop");
    a.assertNext("after-stop", WAIT);
    b.assertNoMessage(Duration.ofMillis(300));
  }

  @Test
  void aNonRedisUrlIsRefused() throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Redis.create("http://user:secret@example.org"));
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }
}
