package chat.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoreExecutorsTest {
  private final CoreExecutors executors = new CoreExecutors();

  @AfterEach
  void stop() {
    executors.stop();
  }

  @Test
  void aPeriodicTaskThatThrowsRunsAgain() throws InterruptedException {
    executors.start();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch thirdRun = new CountDownLatch(3);
    executors.every("a task that fails at first", () -> {
      thirdRun.countDown();
      if (runs.incrementAndGet() <= 2) {
        throw new IllegalStateException("the store is down"); // e.g. a database outage
      }
    }, 1);
    assertTrue(thirdRun.await(10, TimeUnit.SECONDS),
        "the task ran " + runs.get() + " times: a failure ended it");
  }
}
