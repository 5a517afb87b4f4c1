package chat.bench;

import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * A look at the machine, not at the server: how long one thread takes to run again after another
 * unparks it, when the cores had a short rest first (as between two sends at a fixed rate). A
 * send and its ok cross several threads in the server and the load generator, so this wake-up's
 * tail bounds the ack tail any server can show here. No target is started.
 */
final class Wakeups {
  private final int count;
  private final long[] pausesMicros;

  private volatile long unparkedAt;
  private volatile boolean signalled;

  Wakeups(Args a) {
    count = a.integer("count", 5_000);
    pausesMicros = a.list("pauses-us", "200,1000,3000").stream().mapToLong(Long::parseLong)
        .toArray();
    if (count < 100 || Arrays.stream(pausesMicros).anyMatch(p -> p < 0)) {
      throw new IllegalArgumentException("--count at least 100, --pauses-us not negative");
    }
  }

  JsonObject run() throws InterruptedException {
    JsonObject result = new JsonObject();
    StringBuilder line = new StringBuilder("wake-up after unpark:");
    for (long pause : pausesMicros) {
      long[] nanos = measure(pause * 1_000);
      Arrays.sort(nanos);
      JsonObject r = new JsonObject();
      r.addProperty("p50Micros", micros(nanos, 0.5));
      r.addProperty("p99Micros", micros(nanos, 0.99));
      r.addProperty("p999Micros", micros(nanos, 0.999));
      r.addProperty("maxMicros", Stats.round(nanos[nanos.length - 1] / 1e3, 1));
      result.add("pause" + pause + "us", r);
      line.append(String.format(" [pause %d us: p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus]",
          pause, micros(nanos, 0.5), micros(nanos, 0.99), micros(nanos, 0.999),
          nanos[nanos.length - 1] / 1e3));
    }
    result.addProperty("count", count);
    result.addProperty("comparison", line.toString());
    return result;
  }

  /** {@code count} wake-ups, each after the waker rested {@code pauseNanos}; their latencies. */
  private long[] measure(long pauseNanos) throws InterruptedException {
    long[] latencies = new long[count];
    Thread waiter = new Thread(() -> {
      for (int i = 0; i < count; i++) {
        while (!signalled) {
          LockSupport.park(this);
        }
        latencies[i] = System.nanoTime() - unparkedAt;
        signalled = false;
      }
    }, "wakeup-waiter");
    waiter.setDaemon(true);
    waiter.start();
    for (int i = 0; i < count; i++) {
      long until = System.nanoTime() + pauseNanos;
      for (long left = pauseNanos; left > 0; left = until - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
      unparkedAt = System.nanoTime();
      signalled = true;
      LockSupport.unpark(waiter);
      while (signalled) { // the waiter has recorded this one before the next begins
        Thread.onSpinWait();
      }
    }
    waiter.join();
    return latencies;
  }

  private static double micros(long[] sorted, double quantile) {
    int i = Math.min(sorted.length - 1, (int) Math.floor(quantile * sorted.length));
    return Stats.round(sorted[i] / 1e3, 1);
  }
}
