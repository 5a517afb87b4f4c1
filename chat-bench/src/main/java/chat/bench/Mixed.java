package chat.bench;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Mixed load: C connections in rooms of {@code --room-size}, {@code --rate} messages per second
 * in total from random members into their rooms, for {@code --duration}. Reports the end-to-end
 * latency (scheduled send to each receiver), the server's CPU and, for a server this harness
 * started (it adds {@code -Xlog:gc,gc+phases}), its GC pauses during the run. With
 * {@code --read-every-ms N} every client also reads what it receives, as the web client does
 * while its user views the room: at most every N ms, a {@code read} up to the newest seq.
 */
final class Mixed {
  private final Scenario.Context ctx;
  private final int clients;
  private final int roomSize;
  private final double rate;
  private final long durationNanos;
  private final String text;
  private final int readEveryMs;
  /** Per client (by the number in its name): the newest seq received, and the last read sent. */
  private final AtomicLongArray receivedSeq;
  private final long[] readSeq;
  private final LongAdder reads = new LongAdder();
  private final LongAdder deliveries = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicInteger closes = new AtomicInteger();
  private volatile ConcurrentHistogram latency = Stats.histogram();

  Mixed(Scenario.Context ctx) {
    Args a = ctx.args();
    this.ctx = ctx;
    clients = a.integer("clients", 10_000);
    roomSize = Math.max(2, a.integer("room-size", 20));
    rate = a.dbl("rate", 500);
    durationNanos = a.duration("duration", "30s").toNanos();
    text = "z".repeat(Math.max(1, a.integer("text-bytes", 64)));
    readEveryMs = a.integer("read-every-ms", 0);
    receivedSeq = new AtomicLongArray(clients);
    readSeq = new long[clients];
  }

  private String room(int i) {
    return ctx.prefix() + "-m" + (i / roomSize);
  }

  JsonObject run(Target target, int runs) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      names.add(ctx.prefix() + "-" + i);
    }
    Users users = ctx.users(target);
    BenchClient.Sink sink = new BenchClient.Sink() {
      @Override
      public void onMessage(BenchClient c, byte[] a, int off, int len) {
        deliveries.increment();
        if (readEveryMs > 0) {
          receivedSeq.accumulateAndGet(number(c.user), BenchClient.seq(a, off, len), Math::max);
        }
        int v = BenchClient.cidValue(a, off, len);
        if (v > 0) {
          Stats.record(latency, System.nanoTime() - BenchClient.digits(a, v, off + len));
        }
      }

      @Override
      public void onSendError(BenchClient c, long id, String code) {
        errors.increment();
      }

      @Override
      public void onClose(BenchClient c, int code, String reason) {
        if (code != 1000 && code != 1001 && closes.incrementAndGet() <= 5) {
          System.err.println("client " + c.user + " closed: " + code + " " + reason);
        }
      }
    };
    long t0 = System.nanoTime();
    // The first member of each room creates it; the rest join once it exists.
    List<String> firsts = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      (i % roomSize == 0 ? firsts : rest).add(names.get(i));
    }
    List<BenchClient> creators = users.open(firsts, c -> sink, c ->
        c.request(BenchClient.obj("type", "create", "room", roomOf(c.user))).thenCompose(r ->
            c.call(BenchClient.obj("type", "join", "room", roomOf(c.user)))));
    List<BenchClient> members = users.open(rest, c -> sink,
        c -> c.call(BenchClient.obj("type", "join", "room", roomOf(c.user))));
    users.save();
    List<BenchClient> all = new ArrayList<>(creators);
    all.addAll(members);
    double setupSeconds = (System.nanoTime() - t0) / 1e9;
    Thread reader = readEveryMs > 0 ? startReading(all) : null;
    Thread.sleep(1_000);

    JsonObject result = new JsonObject();
    result.addProperty("target", target.name);
    result.addProperty("setupSeconds", Stats.round(setupSeconds, 2));
    List<Double> p99s = new ArrayList<>();
    List<Double> cores = new ArrayList<>();
    List<Double> maxPauses = new ArrayList<>();
    ConcurrentHistogram last = null;
    long sent = 0;
    for (int run = 0; run < runs; run++) {
      latency = Stats.histogram();
      long gcFrom = target.gcLogLength();
      long cpu0 = target.cpuMillis();
      long start = System.nanoTime();
      long interval = (long) (1e9 / rate);
      long end = start + durationNanos;
      for (long k = 0; ; k++) {
        long due = start + k * interval;
        if (due >= end) {
          break;
        }
        long now;
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(due - now);
        }
        BenchClient s = all.get(ThreadLocalRandom.current().nextInt(all.size()));
        s.send("#" + roomOf(s.user), k, due + "." + k + "." + run + "." + ctx.prefix(), text);
        sent++;
      }
      double secs = (System.nanoTime() - start) / 1e9;
      long cpu1 = target.cpuMillis();
      Thread.sleep(1_000); // the last deliveries arrive
      // Deliveries later than that go to a fresh histogram: iterating one still being recorded
      // into throws (a run whose tail passes a second did).
      ConcurrentHistogram done = latency;
      latency = Stats.histogram();
      last = done.copy();
      p99s.add(Stats.ms(last.getValueAtPercentile(99)));
      cores.add(cpu0 < 0 ? -1 : Stats.round((cpu1 - cpu0) / 1000.0 / secs, 2));
      maxPauses.add(target.maxGcPauseMsSince(gcFrom));
    }
    if (reader != null) {
      reader.interrupt();
      reader.join();
    }
    result.addProperty("clients", clients);
    result.addProperty("rooms", (clients + roomSize - 1) / roomSize);
    result.addProperty("offeredRate", rate);
    result.add("latency", Stats.latency(last));
    result.add("p99Ms", Stats.spread(p99s));
    result.add("serverCpuCores", Stats.spread(cores));
    result.add("maxGcPauseMs", Stats.spread(maxPauses));
    result.addProperty("messagesSent", sent);
    result.addProperty("deliveries", deliveries.sum());
    result.addProperty("readsSent", reads.sum());
    String line = String.format("mixed %s C=%d rooms of %d, %.0f msg/s%s: latency %s; p99 %s ms; "
        + "server %s cores; max GC pause %s ms", target.name, clients, roomSize, rate,
        readEveryMs > 0 ? ", reads every " + readEveryMs + " ms (" + reads.sum() + " sent)" : "",
        Stats.latencyText(last), Stats.spreadText(p99s, "%.2f"),
        Stats.spreadText(cores, "%.2f"), Stats.spreadText(maxPauses, "%.2f"));
    return Scenario.finish(result, line, errors.sum(), closes.get(), all);
  }

  private String roomOf(String user) {
    return room(number(user));
  }

  private static int number(String user) {
    return Integer.parseInt(user.substring(user.lastIndexOf('-') + 1));
  }

  /**
   * A thread that, every {@code readEveryMs}, sends each client that received something since
   * its last read a {@code read} of its room up to the newest seq (no id: no reply). Clients are
   * taken in slices, one every 10 ms, so that their reads spread over the interval as real
   * users' do, instead of arriving in one burst.
   */
  private Thread startReading(List<BenchClient> all) {
    int slices = Math.max(1, readEveryMs / 10);
    List<List<BenchClient>> bySlice = new ArrayList<>();
    for (int k = 0; k < slices; k++) {
      bySlice.add(new ArrayList<>());
    }
    for (BenchClient c : all) {
      bySlice.get(number(c.user) % slices).add(c);
    }
    Thread t = new Thread(() -> {
      try {
        for (long tick = 0; ; tick++) {
          Thread.sleep(readEveryMs / slices);
          for (BenchClient c : bySlice.get((int) (tick % slices))) {
            int i = number(c.user);
            long seq = receivedSeq.get(i);
            if (seq > readSeq[i] && c.isOpen()) {
              readSeq[i] = seq;
              c.sendFrame("{\"type\":\"read\",\"conv\":\"#" + roomOf(c.user) + "\",\"seq\":"
                  + seq + "}");
              reads.increment();
            }
          }
        }
      } catch (InterruptedException e) {
        // the runs are over
      }
    }, "mixed-reader");
    t.setDaemon(true);
    t.start();
    return t;
  }

  static final Pattern PAUSE = Pattern.compile("Pause.*?([0-9.]+)ms\\s*$");

  /** The longest "Pause ... N.NNNms" line of a gc log (any collector) from byte {@code from} on. */
  static double maxPause(Path gcLog, long from) throws IOException {
    byte[] all = Files.readAllBytes(gcLog);
    String text = new String(all, (int) Math.min(from, all.length),
        (int) Math.max(0, all.length - from));
    double max = 0;
    for (String line : text.split("\n")) {
      Matcher m = PAUSE.matcher(line);
      if (m.find()) {
        max = Math.max(max, Double.parseDouble(m.group(1)));
      }
    }
    return max;
  }
}
