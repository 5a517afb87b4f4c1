package chat.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.core.cluster.NodeBus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeliveryTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void aFullQueueDropsMessagesAndTheListenerHearsOneGap() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RecordingListener recorder = new RecordingListener();
    NodeBus.Listener slow = new NodeBus.Listener() {
      @Override
      public void received(String message) {
        recorder.received(message);
        if (message.equals("m0")) {
          entered.countDown();
          await(release);
        }
      }

      @Override
      public void resubscribed() {
        recorder.resubscribed();
      }
    };
    Delivery delivery = new Delivery(slow, 2, "test-delivery");
    try {
      delivery.message("m0");
      await(entered); // the thread is inside the listener: m1 and m2 fill the queue
      for (int i = 1; i <= 5; i++) {
        delivery.message("m" + i);
      }
      release.countDown();

      recorder.assertNext("m0", WAIT);
      assertEquals(RecordingListener.RESUBSCRIBED, recorder.next(WAIT));
      recorder.assertNext("m1", WAIT);
      recorder.assertNext("m2", WAIT);
      delivery.message("m6");
      recorder.assertNext("m6", WAIT);
      recorder.assertNoMessage(Duration.ofMillis(100));
      recorder.assertNeverConcurrent();
    } finally {
      delivery.stop();
    }
  }

  @Test
  void gapsBeforeTheListenerGetsToThemMakeOneCall() throws Exception {
    RecordingListener recorder = new RecordingListener();
    CountDownLatch release = new CountDownLatch(1);
    Delivery delivery = new Delivery(new NodeBus.Listener() {
      @Override
      public void received(String message) {
        await(release);
        recorder.received(message);
      }

      @Override
      public void resubscribed() {
        recorder.resubscribed();
      }
    }, 100, "test-delivery");
    try {
      delivery.message("first");
      delivery.gap();
      delivery.gap();
      delivery.gap();
      release.countDown();
      recorder.assertNext("first", WAIT);
      assertEquals(RecordingListener.RESUBSCRIBED, recorder.next(WAIT));
      delivery.message("second");
      recorder.assertNext("second", WAIT);
    } finally {
      delivery.stop();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("latch not released in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
