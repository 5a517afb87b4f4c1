package chat.bench;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * P pairs of users exchanging direct messages. Phase 1 (saturation): every user keeps {@code
 * --window} sends outstanding (a new one on each ok), and the harness counts oks per second and
 * the ack latency (send to ok: the ok comes only after the message is stored). Phase 2: a fixed
 * total {@code --rate} (default: half the saturated figure) and its ack latency.
 */
final class Direct {
  private final Scenario.Context ctx;
  private final int pairs;
  private final int window;
  private final long durationNanos;
  private final long warmupNanos;
  private final double rateArg;
  private final long latencyNanos;
  private final String text;
  private final long base = System.nanoTime() - 1;

  private final LongAdder acks = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder deliveries = new LongAdder();
  private final AtomicInteger closes = new AtomicInteger();
  private final AtomicLong cids = new AtomicLong();
  private volatile boolean saturating;
  private volatile ConcurrentHistogram latency = Stats.histogram();
  private List<BenchClient> all;

  Direct(Scenario.Context ctx) {
    Args a = ctx.args();
    this.ctx = ctx;
    pairs = a.integer("pairs", 100);
    window = a.integer("window", 4);
    durationNanos = a.duration("duration", "10s").toNanos();
    warmupNanos = a.duration("warmup", "2s").toNanos();
    rateArg = a.dbl("rate", 0);
    latencyNanos = a.duration("latency-duration", "10s").toNanos();
    text = "y".repeat(Math.max(1, a.integer("text-bytes", 64)));
  }

  private String peerOf(BenchClient c) {
    return "@" + ctx.prefix() + "-" + (c.index ^ 1);
  }

  private void sendOne(BenchClient c, long sentAt) {
    c.send(peerOf(c), sentAt - base, "d" + cids.incrementAndGet() + "." + ctx.prefix(), text);
  }

  JsonObject run(Target target, int runs) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 2 * pairs; i++) {
      names.add(ctx.prefix() + "-" + i);
    }
    Users users = ctx.users(target);
    long t0 = System.nanoTime();
    all = users.open(names, c -> sink(), c -> Fanout.none());
    users.save();
    double setupSeconds = (System.nanoTime() - t0) / 1e9;

    JsonObject result = new JsonObject();
    result.addProperty("target", target.name);
    result.addProperty("setupSeconds", Stats.round(setupSeconds, 2));
    List<Double> rates = new ArrayList<>();
    List<Double> cores = new ArrayList<>();
    ConcurrentHistogram saturated = null;
    for (int run = 0; run < runs; run++) {
      latency = Stats.histogram();
      saturating = true;
      for (BenchClient c : all) {
        for (int w = 0; w < window; w++) {
          sendOne(c, System.nanoTime());
        }
      }
      Thread.sleep(warmupNanos / 1_000_000);
      long a0 = acks.sum();
      long cpu0 = target.cpuMillis();
      long s0 = System.nanoTime();
      latency.reset();
      Thread.sleep(durationNanos / 1_000_000);
      long a1 = acks.sum();
      long s1 = System.nanoTime();
      long cpu1 = target.cpuMillis();
      saturating = false;
      saturated = latency;
      double secs = (s1 - s0) / 1e9;
      rates.add(Stats.round((a1 - a0) / secs, 0));
      cores.add(cpu0 < 0 ? -1 : Stats.round((cpu1 - cpu0) / 1000.0 / secs, 2));
      Thread.sleep(1_000); // outstanding sends finish
    }
    result.add("acksPerSecond", Stats.spread(rates));
    result.add("serverCpuCores", Stats.spread(cores));
    result.add("saturatedAckLatency", Stats.latency(saturated));

    double rate = rateArg > 0 ? rateArg : Math.max(10, Stats.median(rates) / 2);
    latency = Stats.histogram();
    long interval = (long) (1e9 / rate);
    long start = System.nanoTime();
    long warm = Math.min(1_000_000_000L, latencyNanos / 5);
    long end = start + warm + latencyNanos;
    boolean reset = false;
    for (long k = 0; ; k++) {
      long due = start + k * interval;
      if (due >= end) {
        break;
      }
      if (!reset && due >= start + warm) {
        latency.reset();
        reset = true;
      }
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      sendOne(all.get((int) (k % all.size())), due);
    }
    Thread.sleep(1_000);
    result.addProperty("offeredRate", Stats.round(rate, 0));
    result.add("ackLatency", Stats.latency(latency));
    result.addProperty("acks", acks.sum());
    result.addProperty("deliveries", deliveries.sum());
    String line = String.format("direct %s pairs=%d window=%d: %s acked sends/s saturated "
        + "(server %.2f cores, ack %s); at %.0f/s ack %s", target.name, pairs, window,
        Stats.spreadText(rates, "%.0f"), Stats.median(cores),
        Stats.latencyText(saturated), rate, Stats.latencyText(latency));
    return Scenario.finish(result, line, errors.sum(), closes.get(), all);
  }

  private BenchClient.Sink sink() {
    return new BenchClient.Sink() {
      @Override
      public void onMessage(BenchClient c, byte[] a, int off, int len) {
        deliveries.increment();
      }

      @Override
      public void onSendOk(BenchClient c, long id, byte[] a, int off, int len) {
        long now = System.nanoTime();
        acks.increment();
        Stats.record(latency, now - (base + id));
        if (saturating) {
          sendOne(c, now);
        }
      }

      @Override
      public void onSendError(BenchClient c, long id, String code) {
        errors.increment();
        if (errors.sum() <= 5) {
          System.err.println("send error: " + code);
        }
        if (saturating) {
          sendOne(c, System.nanoTime());
        }
      }

      @Override
      public void onClose(BenchClient c, int code, String reason) {
        if (code != 1000 && code != 1001 && closes.incrementAndGet() <= 5) {
          System.err.println("user " + c.user + " closed: " + code + " " + reason);
        }
      }
    };
  }
}
