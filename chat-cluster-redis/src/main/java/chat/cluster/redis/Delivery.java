package chat.cluster.redis;

import chat.core.cluster.NodeBus;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the bus's messages to its listener on one thread of its own, in arrival order, so a
 * slow listener never holds Lettuce's I/O thread (and may itself call Redis). The queue is
 * bounded: a message that does not fit is dropped like any other lost message, and the listener
 * hears {@link NodeBus.Listener#resubscribed()} instead. Gaps coalesce: several before the
 * listener gets to them make one call.
 */
final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);
  /** Queued to wake the thread for a gap; never handed to the listener. */
  private static final Object GAP = new Object();

  private final NodeBus.Listener listener;
  private final BlockingQueue<Object> queue;
  private final AtomicBoolean gap = new AtomicBoolean();
  private final AtomicBoolean overflowLogged = new AtomicBoolean();
  private final Thread thread;
  private volatile boolean stopped;

  Delivery(NodeBus.Listener listener, int capacity, String threadName) {
    this.listener = listener;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a message for the listener; drops it (and reports a gap) if the queue is full. */
  void message(String message) {
    if (!queue.offer(message)) {
      if (overflowLogged.compareAndSet(false, true)) {
        log.warn("Node bus listener is behind by {} messages: dropping, it will repair",
            queue.size());
      }
      gap(); // the queue is full, so the thread is awake and sees the flag soon
    }
  }

  /** Something was lost: the listener repairs, after the messages queued so far. */
  void gap() {
    gap.set(true);
    queue.offer(GAP); // if full, the thread is busy and sees the flag on its next message
  }

  /** Stops the thread; nothing reaches the listener once this returns (unless called by it). */
  void stop() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    if (Thread.currentThread() != thread) {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    }
  }

  private void run() {
    while (!stopped) {
      Object next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        continue; // stop() interrupts; the loop checks it
      }
      if (next != GAP && !stopped) {
        deliver(() -> listener.received((String) next));
      }
      if (gap.getAndSet(false) && !stopped) {
        overflowLogged.set(false);
        deliver(listener::resubscribed);
      }
    }
  }

  private static void deliver(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.error("Node bus listener failed", e); // a bug in the listener, not in the bus
    }
  }
}
