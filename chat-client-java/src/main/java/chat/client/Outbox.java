package chat.client;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Frames on their way to the current connection, sent no faster than a token bucket allows, so
 * the client stays under the server's flood limit (which closes a connection that sends too
 * fast). Each connection starts with a full bucket, as the server's count does. Only accessed by
 * the client's state thread.
 */
final class Outbox {
  private final double perSecond;
  private final int burst;
  private final BiConsumer<Runnable, Long> scheduleNanos; // runs a task later on the same thread
  private final ArrayDeque<String> frames = new ArrayDeque<>();
  private WsConnection connection; // null while there is none
  private TokenBucket bucket;
  private boolean flushScheduled;

  Outbox(double perSecond, int burst, BiConsumer<Runnable, Long> scheduleNanos) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.scheduleNanos = scheduleNanos;
  }

  /** From now on frames go to {@code c} (or nowhere, if null); what was queued is dropped. */
  void attach(WsConnection c) {
    frames.clear();
    connection = c;
    bucket = new TokenBucket(perSecond, burst, System::nanoTime);
  }

  void write(String frame) {
    frames.add(frame);
    flush();
  }

  private void flush() {
    while (connection != null && !frames.isEmpty()) {
      long wait = bucket.tryTake();
      if (wait > 0) {
        if (!flushScheduled) {
          flushScheduled = true;
          scheduleNanos.accept(() -> {
            flushScheduled = false; // before flushing, which may need to schedule the next round
            flush();
          }, wait);
        }
        return;
      }
      connection.send(frames.poll());
    }
  }
}
