package chat.bench;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * One room of N members, S of them senders. Phase 1 (saturation): the senders keep {@code
 * --window} messages in flight (sent, not yet delivered to every member) and the members count
 * deliveries. Phase 2 (latency): {@code --rate} messages per second in total, and the time from
 * each message's scheduled send to its arrival at every member (one sample per delivery).
 * Against a cluster ({@code --nodes 2}) member i is on node i % N, so the room and the senders
 * are split evenly between the nodes: each message reaches the other node's half over Redis.
 */
final class Fanout {
  private final Scenario.Context ctx;
  private final int members;
  private final int senders;
  private final int window;
  private final long durationNanos;
  private final long warmupNanos;
  private final double rate;
  private final long latencyNanos;
  private final String text;

  private final LongAdder deliveries = new LongAdder();
  private final AtomicLong sent = new AtomicLong();
  private final LongAdder acks = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicInteger closes = new AtomicInteger();
  private volatile ConcurrentHistogram latency = Stats.histogram();

  Fanout(Scenario.Context ctx) {
    Args a = ctx.args();
    this.ctx = ctx;
    members = a.integer("members", 1000);
    senders = Math.min(members, a.integer("senders", 4));
    window = a.integer("window", 8);
    durationNanos = a.duration("duration", "10s").toNanos();
    warmupNanos = a.duration("warmup", "2s").toNanos();
    rate = a.dbl("rate", 40);
    latencyNanos = a.duration("latency-duration", "10s").toNanos();
    text = "x".repeat(Math.max(1, a.integer("text-bytes", 64)));
  }

  JsonObject run(Target target, int runs) throws Exception {
    String room = ctx.prefix() + "-room";
    List<String> names = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      names.add(ctx.prefix() + "-" + i);
    }
    Users users = ctx.users(target);
    long t0 = System.nanoTime();
    // The first member creates the room (conflict: it exists from an earlier run); then all join.
    List<BenchClient> first = users.open(names.subList(0, 1), c -> sink(), c ->
        c.request(BenchClient.obj("type", "create", "room", room, "topic", "bench"))
            .thenCompose(r -> c.call(BenchClient.obj("type", "join", "room", room))));
    List<BenchClient> rest = users.open(names.subList(1, members), c -> sink(),
        c -> c.call(BenchClient.obj("type", "join", "room", room)));
    List<BenchClient> all = new ArrayList<>(first);
    all.addAll(rest);
    users.save();
    double setupSeconds = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(1_000); // let member and presence events settle
    String to = "#" + room;
    List<BenchClient> senderClients = all.subList(0, senders);

    JsonObject result = new JsonObject();
    result.addProperty("target", target.name);
    result.addProperty("nodes", target.uris().size());
    result.addProperty("setupSeconds", Stats.round(setupSeconds, 2));
    List<Double> rates = new ArrayList<>();
    List<Double> serverCores = new ArrayList<>();
    List<Double> ownCores = new ArrayList<>();
    List<Double> nsPerDelivery = new ArrayList<>();
    ConcurrentHistogram saturatedLatency = null;
    for (int run = 0; run < runs; run++) {
      latency = Stats.histogram();
      double[] r = saturate(target, senderClients, to);
      rates.add(Stats.round(r[0], 0));
      serverCores.add(Stats.round(r[1], 2));
      ownCores.add(Stats.round(r[2], 2));
      // CPU the server spent per delivery: cores busy divided by deliveries per second.
      nsPerDelivery.add(r[1] < 0 || r[0] <= 0 ? -1 : Stats.round(r[1] * 1e9 / r[0], 0));
      saturatedLatency = latency;
      drain(10);
    }
    result.add("deliveriesPerSecond", Stats.spread(rates));
    result.add("serverCpuCores", Stats.spread(serverCores));
    result.add("loadGeneratorCpuCores", Stats.spread(ownCores));
    result.add("serverCpuNsPerDelivery", Stats.spread(nsPerDelivery));
    result.add("saturatedLatency", Stats.latency(saturatedLatency));

    // Phase 2: fixed offered rate.
    latency = Stats.histogram();
    long before = deliveries.sum();
    long sentBefore = sent.get();
    long interval = (long) (1e9 / rate);
    long start = System.nanoTime();
    long warm = Math.min(1_000_000_000L, latencyNanos / 5);
    long end = start + warm + latencyNanos;
    boolean reset = false;
    long k = 0;
    while (true) {
      long due = start + k * interval;
      if (due >= end) {
        break;
      }
      if (!reset && due >= start + warm) {
        latency.reset(); // the first second is warm-up
        reset = true;
      }
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      BenchClient s = senderClients.get((int) (k % senders));
      s.send(to, k, due + "." + k + "." + ctx.prefix(), text);
      sent.incrementAndGet();
      k++;
    }
    long expected = (sent.get() - sentBefore) * members;
    drainUntil(before + expected, 10);
    result.addProperty("offeredRate", rate);
    result.add("latency", Stats.latency(latency));
    result.addProperty("latencyDeliveriesMissing", Math.max(0, before + expected - deliveries.sum()));
    result.addProperty("messagesSent", sent.get());
    result.addProperty("deliveries", deliveries.sum());
    result.addProperty("acks", acks.sum());
    double ns = Stats.median(nsPerDelivery);
    String line = String.format("fanout %s members=%d senders=%d: %s deliveries/s saturated "
        + "(server %.2f cores, %s CPU/delivery); at %.0f msg/s %s", target.name, members,
        senders, Stats.spreadText(rates, "%.0f"), Stats.median(serverCores),
        ns < 0 ? "n/a" : String.format("%.0f ns", ns), rate, Stats.latencyText(latency));
    return Scenario.finish(result, line, errors.sum(), closes.get(), all);
  }

  /** Returns deliveries/s, server cores busy, load-generator cores busy. */
  private double[] saturate(Target target, List<BenchClient> senderClients, String to)
      throws InterruptedException {
    long start = System.nanoTime();
    long measureFrom = start + warmupNanos;
    long end = measureFrom + durationNanos;
    long d0 = -1;
    long t0 = 0;
    long cpu0 = 0;
    long own0 = 0;
    long k = 0;
    while (true) {
      long now = System.nanoTime();
      if (d0 < 0 && now >= measureFrom) {
        d0 = deliveries.sum();
        t0 = now;
        cpu0 = target.cpuMillis();
        own0 = Stats.ownCpuMillis();
        latency.reset();
      }
      if (now >= end) {
        break;
      }
      if (closes.get() > 0 && closes.get() >= members / 2) {
        break; // the server dropped most of the room
      }
      long inFlight = sent.get() - errors.sum() - deliveries.sum() / members;
      if (inFlight < window) {
        BenchClient s = senderClients.get((int) (k % senderClients.size()));
        long t = System.nanoTime();
        s.send(to, k, t + "." + k + "." + ctx.prefix(), text);
        sent.incrementAndGet();
        k++;
      } else {
        LockSupport.parkNanos(50_000);
      }
    }
    long t1 = System.nanoTime();
    long d1 = deliveries.sum();
    long cpu1 = target.cpuMillis();
    long own1 = Stats.ownCpuMillis();
    double secs = (t1 - t0) / 1e9;
    return new double[] {(d1 - d0) / secs,
        cpu0 < 0 ? -1 : (cpu1 - cpu0) / 1000.0 / secs, (own1 - own0) / 1000.0 / secs};
  }

  private void drain(int seconds) throws InterruptedException {
    drainUntil(sent.get() * members, seconds);
  }

  private void drainUntil(long target, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (deliveries.sum() < target && System.nanoTime() < deadline
        && closes.get() == 0) {
      Thread.sleep(10);
    }
  }

  private BenchClient.Sink sink() {
    return new BenchClient.Sink() {
      @Override
      public void onMessage(BenchClient c, byte[] a, int off, int len) {
        deliveries.increment();
        int v = BenchClient.cidValue(a, off, len);
        if (v > 0) {
          long sentAt = BenchClient.digits(a, v, off + len);
          Stats.record(latency, System.nanoTime() - sentAt);
        }
      }

      @Override
      public void onSendOk(BenchClient c, long id, byte[] a, int off, int len) {
        acks.increment();
      }

      @Override
      public void onSendError(BenchClient c, long id, String code) {
        errors.increment();
        if (errors.sum() <= 5) {
          System.err.println("send error: " + code);
        }
      }

      @Override
      public void onClose(BenchClient c, int code, String reason) {
        if (code != 1000 && code != 1001) {
          if (closes.incrementAndGet() <= 5) {
            System.err.println("member " + c.user + " closed: " + code + " " + reason);
          }
        }
      }
    };
  }

  static CompletableFuture<Void> none() {
    return CompletableFuture.completedFuture(null);
  }
}
