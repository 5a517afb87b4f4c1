package chat.core;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code max} events per key within a sliding window (e.g. registrations per address per
 * hour). Remembers at most {@code max} times per key. Thread-safe.
 */
final class WindowLimiter {
  private final Ticker ticker;
  private final int max;
  private final long windowNanos;
  private final Map<String, ArrayDeque<Long>> events = new ConcurrentHashMap<>();

  WindowLimiter(Ticker ticker, int max, long windowNanos) {
    this.ticker = ticker;
    this.max = max;
    this.windowNanos = windowNanos;
  }

  /** Counts an event for {@code key}: 0 if allowed, else the milliseconds until one will be. */
  long tryAcquire(String key) {
    long now = ticker.nanos();
    ArrayDeque<Long> times = events.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (times) {
      trim(times, now);
      if (times.size() < max) {
        times.addLast(now);
        return 0;
      }
      long freeAt = times.peekFirst() + windowNanos;
      return Math.max(1, (freeAt - now + 999_999) / 1_000_000);
    }
  }

  /** Takes back the latest event of {@code key} (it did not happen after all). */
  void release(String key) {
    ArrayDeque<Long> times = events.get(key);
    if (times != null) {
      synchronized (times) {
        times.pollLast();
      }
    }
  }

  /** Forgets keys without events in the window. */
  void sweep() {
    long now = ticker.nanos();
    for (Iterator<ArrayDeque<Long>> it = events.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Long> times = it.next();
      synchronized (times) {
        trim(times, now);
        if (times.isEmpty()) {
          it.remove();
        }
      }
    }
  }

  private void trim(ArrayDeque<Long> times, long now) {
    while (!times.isEmpty() && now - times.peekFirst() > windowNanos) {
      times.removeFirst();
    }
  }
}
