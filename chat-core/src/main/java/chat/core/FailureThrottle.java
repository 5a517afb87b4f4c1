package chat.core;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down a key (an address, or a name at an address) that fails too often: after {@code
 * maxFailures} failures within {@code window}, every further attempt is refused until a delay has
 * passed, and each further attempt, refused or failed, doubles the delay (up to the window). A
 * success, or a window without failures, forgets the key. Attempts still being checked count as
 * failures until they end, so a burst of concurrent attempts cannot slip past the limit.
 * Thread-safe.
 */
final class FailureThrottle {
  private static final long FIRST_DELAY_NANOS = 1_000_000_000L;

  private final Ticker ticker;
  private final int maxFailures;
  private final long windowNanos;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** One key's recent failures. Guarded by itself. */
  private static final class Entry {
    final ArrayDeque<Long> failures = new ArrayDeque<>(); // times, oldest first
    int inFlight;
    int strikes; // attempts beyond the limit
    long blockedUntil;
    long lastActivity;
  }

  FailureThrottle(Ticker ticker, int maxFailures, long windowNanos) {
    this.ticker = ticker;
    this.maxFailures = maxFailures;
    this.windowNanos = windowNanos;
  }

  /**
   * Starts an attempt for {@code key}.
   *
   * @return 0 if the attempt may go on (then {@link #end} must follow), else the milliseconds to
   *     wait before trying again
   */
  long begin(String key) {
    long now = ticker.nanos();
    Entry e = entries.computeIfAbsent(key, k -> new Entry());
    synchronized (e) {
      trim(e, now);
      e.lastActivity = now;
      if (e.failures.size() + e.inFlight < maxFailures
          || (e.inFlight == 0 && e.strikes > 0 && now >= e.blockedUntil)) {
        // Under the limit; or over it, refused before, and the delay has passed: one probe.
        e.inFlight++;
        return 0;
      }
      return strike(e, now);
    }
  }

  /** Ends an attempt {@link #begin} let through. */
  void end(String key, boolean succeeded) {
    long now = ticker.nanos();
    Entry e = entries.get(key);
    if (e == null) {
      return;
    }
    synchronized (e) {
      e.inFlight = Math.max(0, e.inFlight - 1);
      e.lastActivity = now;
      if (succeeded) {
        e.failures.clear();
        e.strikes = 0;
        e.blockedUntil = 0;
      } else {
        e.failures.addLast(now);
        trim(e, now);
        if (e.failures.size() >= maxFailures && e.strikes > 0) {
          e.blockedUntil = now + delay(e.strikes++);
        }
      }
    }
  }

  /** Ends an attempt {@link #begin} let through that was never checked: neither outcome. */
  void cancel(String key) {
    Entry e = entries.get(key);
    if (e != null) {
      synchronized (e) {
        e.inFlight = Math.max(0, e.inFlight - 1);
      }
    }
  }

  /** Forgets keys with nothing in flight and no failure within the window. */
  void sweep() {
    long now = ticker.nanos();
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      synchronized (e) {
        trim(e, now);
        if (e.inFlight == 0 && e.failures.isEmpty() && now - e.lastActivity > windowNanos) {
          it.remove();
        }
      }
    }
  }

  int size() {
    return entries.size();
  }

  private long strike(Entry e, long now) {
    long wait = delay(e.strikes++);
    e.blockedUntil = Math.max(e.blockedUntil, now + wait);
    return Math.max(1, (e.blockedUntil - now + 999_999) / 1_000_000);
  }

  private long delay(int strikes) {
    return Math.min(windowNanos, FIRST_DELAY_NANOS << Math.min(strikes, 30));
  }

  private void trim(Entry e, long now) {
    while (!e.failures.isEmpty() && now - e.failures.peekFirst() > windowNanos) {
      e.failures.removeFirst();
    }
    if (e.failures.isEmpty() && e.inFlight == 0 && now >= e.blockedUntil) {
      e.strikes = 0;
    }
  }
}
