package chat.client;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Frames on their way to the current connection, sent no faster than a token bucket allows, so
 * the client stays under the server's flood limit (which closes a connection that sends too
 * fast). Each connection starts with a full bucket, as the server's count does, at the rate the
 * application chose (or the default); once the server's hello says its limit, {@link
 * #serverLimit} sets the rate for the rest of the connection. Only accessed by the client's
 * state thread.
 */
final class Outbox {
  /**
   * The share of the server's advertised flood limit a client that chose no rate uses: the
   * server counts pings and pongs too, and the default 40 of the server's default 50 leaves the
   * same room.
   */
  static final double SHARE_OF_SERVER_LIMIT = 0.8;

  private final double perSecond;
  private final int burst;
  private final boolean chosen; // the application set perSecond and burst
  private final BiConsumer<Runnable, Long> scheduleNanos; // runs a task later on the same thread
  private final ArrayDeque<String> frames = new ArrayDeque<>();
  private WsConnection connection; // null while there is none
  private TokenBucket bucket;
  private boolean flushScheduled;

  Outbox(double perSecond, int burst, boolean chosen,
      BiConsumer<Runnable, Long> scheduleNanos) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.chosen = chosen;
    this.scheduleNanos = scheduleNanos;
  }

  /**
   * The current connection's server allows {@code serverPerSecond} frames a second with a burst
   * of {@code serverBurst} (its hello's limits, checked positive when read): a rate the
   * application chose is kept up to that limit; otherwise frames go at {@link
   * #SHARE_OF_SERVER_LIMIT} of it, so a bot on a server with higher limits is not held to the
   * default's 40 a second. Called before the client's first frame on the connection, so the
   * bucket starts full, as the server's does.
   */
  void serverLimit(int serverPerSecond, int serverBurst) {
    double rate = chosen ? Math.min(perSecond, serverPerSecond)
        : serverPerSecond * SHARE_OF_SERVER_LIMIT;
    int size = chosen ? Math.min(burst, serverBurst)
        : Math.max(1, (int) (serverBurst * SHARE_OF_SERVER_LIMIT));
    bucket = new TokenBucket(rate, size, System::nanoTime);
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
