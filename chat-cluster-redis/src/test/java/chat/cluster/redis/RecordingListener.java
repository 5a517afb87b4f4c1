package chat.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import chat.core.cluster.NodeBus;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records what a bus hands its listener, in order, as "msg:TEXT" and "resubscribed"; fails a
 * later assertion if two calls ever overlapped.
 */
final class RecordingListener implements NodeBus.Listener {
  static final String RESUBSCRIBED = "resubscribed";

  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final AtomicBoolean inside = new AtomicBoolean();
  private final AtomicBoolean overlapped = new AtomicBoolean();

  @Override
  public void received(String message) {
    record("msg:" + message);
  }

  @Override
  public void resubscribed() {
    record(RESUBSCRIBED);
  }

  private void record(String event) {
    if (!inside.compareAndSet(false, true)) {
      overlapped.set(true);
    }
    events.add(event);
    inside.set(false);
  }

  /** The next event, waiting at most {@code timeout}. */
  String next(Duration timeout) throws InterruptedException {
    String event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(event, "no event within " + timeout.toMillis() + " ms");
    return event;
  }

  /** Skips events until the message {@code text} arrives; fails if it does not in time. */
  void awaitMessage(String text, Duration timeout) throws InterruptedException {
    awaitEvent("msg:" + text, timeout);
  }

  void awaitResubscribed(Duration timeout) throws InterruptedException {
    awaitEvent(RESUBSCRIBED, timeout);
  }

  private void awaitEvent(String wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String event = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      if (event == null) {
        fail("no " + wanted + " within " + timeout.toMillis() + " ms");
      }
      if (event.equals(wanted)) {
        return;
      }
    }
  }

  /** Fails if anything (other than {@code resubscribed}) arrives within {@code quiet}. */
  void assertNoMessage(Duration quiet) throws InterruptedException {
    long deadline = System.nanoTime() + quiet.toNanos();
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      String event = events.poll(left, TimeUnit.NANOSECONDS);
      if (event != null && !event.equals(RESUBSCRIBED)) {
        fail("unexpected " + event);
      }
    }
  }

  void assertNeverConcurrent() {
    assertFalse(overlapped.get(), "the listener was called by two threads at once");
  }

  void assertNext(String message, Duration timeout) throws InterruptedException {
    assertEquals("msg:" + message, next(timeout));
  }
}
