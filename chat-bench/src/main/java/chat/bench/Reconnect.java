package chat.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Reconnect storm: C clients in rooms of {@code --room-size} drop their TCP connections at once;
 * while they are away {@code --missed} messages are posted into every room; then all of them
 * reconnect at once, log in by token, list {@code conversations} and fetch {@code history after}
 * their last seen seq. Reports the time until the last one has caught up, and per-client times.
 */
final class Reconnect {
  private final Scenario.Context ctx;
  private final int clients;
  private final int roomSize;
  private final int missed;
  private final int concurrency;

  Reconnect(Scenario.Context ctx) {
    Args a = ctx.args();
    this.ctx = ctx;
    clients = a.integer("clients", 1000);
    roomSize = Math.max(1, a.integer("room-size", 20));
    missed = a.integer("missed", 5);
    concurrency = a.integer("storm-concurrency", 500);
  }

  /** Which room a client is in: the number its name ends with, over the room size. */
  private int roomOf(BenchClient c) {
    return Integer.parseInt(c.user.substring(c.user.lastIndexOf('-') + 1)) / roomSize;
  }

  private String room(BenchClient c) {
    return roomName(roomOf(c));
  }

  private String roomName(int r) {
    return ctx.prefix() + "-r" + r;
  }

  private Target target;

  JsonObject run(Target target, int runs) throws Exception {
    this.target = target;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      names.add(ctx.prefix() + "-" + i);
    }
    int rooms = (clients + roomSize - 1) / roomSize;
    Users users = ctx.users(target);
    BenchClient.Sink seqSink = new BenchClient.Sink() {
      @Override
      public void onMessage(BenchClient c, byte[] a, int off, int len) {
        long seq = BenchClient.seq(a, off, len);
        if (seq > c.lastSeq) {
          c.lastSeq = seq;
        }
      }
    };
    // Each room is created by its first client (the server caps the rooms one user may own and
    // how many it creates at once) and joined by the others; then the poster joins every room,
    // stays connected and posts what the others miss.
    List<String> firsts = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      (i % roomSize == 0 ? firsts : rest).add(names.get(i));
    }
    Function<BenchClient, CompletableFuture<?>> join = c ->
        c.call(BenchClient.obj("type", "join", "room", room(c))).thenApply(r -> {
          c.lastSeq = r.get("lastSeq").getAsLong();
          return r;
        });
    List<BenchClient> current = new ArrayList<>(users.open(firsts, c -> seqSink, c ->
        c.request(BenchClient.obj("type", "create", "room", room(c)))
            .thenCompose(r -> join.apply(c))));
    current.addAll(users.open(rest, c -> seqSink, join));
    List<BenchClient> poster = users.open(List.of(ctx.prefix() + "-poster"), c -> seqSink, c -> {
      CompletableFuture<?> f = Fanout.none();
      for (int r = 0; r < rooms; r++) {
        String room = roomName(r);
        f = f.thenCompose(x -> c.call(BenchClient.obj("type", "join", "room", room)));
      }
      return f;
    });
    users.save();
    Thread.sleep(1_000);

    JsonObject result = new JsonObject();
    result.addProperty("target", target.name);
    List<Double> totals = new ArrayList<>();
    ConcurrentHistogram perClient = null;
    long fetched = 0;
    for (int run = 0; run < runs; run++) {
      for (BenchClient c : current) {
        c.conn.abort();
      }
      Thread.sleep(1_000 + clients / 10); // the server notices the drops
      // Messages the clients miss while away.
      BenchClient p = poster.get(0);
      List<CompletableFuture<JsonObject>> posts = new ArrayList<>();
      for (int m = 0; m < missed; m++) {
        for (int r = 0; r < rooms; r++) {
          JsonObject send = BenchClient.obj("type", "send", "to", "#" + roomName(r),
              "text", "missed " + m, "cid", "m" + run + "." + m + "." + r);
          posts.add(p.call(send));
        }
      }
      long[] targetSeq = new long[rooms];
      for (CompletableFuture<JsonObject> f : posts) {
        JsonObject ok = f.get(60, TimeUnit.SECONDS);
        String conv = ok.get("conv").getAsString();
        int r = Integer.parseInt(conv.substring(conv.lastIndexOf("-r") + 2));
        targetSeq[r] = Math.max(targetSeq[r], ok.get("seq").getAsLong());
      }
      ConcurrentHistogram h = Stats.histogram();
      Semaphore inFlight = new Semaphore(concurrency);
      List<BenchClient> next = new ArrayList<>(clients);
      long t0 = System.nanoTime();
      java.util.concurrent.atomic.AtomicLong fetchedNow = new java.util.concurrent.atomic.AtomicLong();
      List<CompletableFuture<BenchClient>> done = new ArrayList<>(clients);
      for (BenchClient old : current) {
        inFlight.acquire();
        long want = targetSeq[roomOf(old)];
        CompletableFuture<BenchClient> f = stormOne(old, want, fetchedNow, 0)
            .whenComplete((n, e) -> {
              inFlight.release();
              Stats.record(h, System.nanoTime() - t0);
            });
        done.add(f);
      }
      int failed = 0;
      for (CompletableFuture<BenchClient> f : done) {
        try {
          next.add(f.get(120, TimeUnit.SECONDS));
        } catch (Exception e) {
          if (++failed <= 3) {
            System.err.println("reconnect failed: " + e);
          }
        }
      }
      fetched += fetchedNow.get();
      double total = (System.nanoTime() - t0) / 1e9;
      if (failed > 0) {
        throw new IllegalStateException(failed + " of " + clients + " clients did not catch up");
      }
      totals.add(Stats.round(total, 3));
      perClient = h;
      current = next;
    }
    result.addProperty("clients", clients);
    result.addProperty("rooms", rooms);
    result.addProperty("missedPerRoom", missed);
    result.add("allCaughtUpSeconds", Stats.spread(totals));
    result.add("perClientCaughtUp", Stats.latency(perClient));
    result.addProperty("messagesFetched", fetched);
    result.addProperty("connectRetries", retries);
    String line = String.format("reconnect %s C=%d rooms=%d missed=%d: all caught up in %s s; "
        + "per client %s", target.name, clients, rooms, missed, Stats.spreadText(totals, "%.2f"),
        Stats.latencyText(perClient));
    result.addProperty("summary", line);
    for (BenchClient c : current) {
      c.conn.close(1000);
    }
    poster.get(0).conn.close(1000);
    Thread.sleep(200);
    return result;
  }

  private int retries;

  /** One client of the storm: reconnect, log in by token, catch up; retried if refused. */
  private CompletableFuture<BenchClient> stormOne(BenchClient old, long want,
      java.util.concurrent.atomic.AtomicLong fetched, int attempt) {
    BenchClient c = old.fresh();
    return c.connect(ctx.net(), target.uri)
        .thenCompose(hello -> c.call(BenchClient.obj("type", "login", "token", c.token)))
        .thenCompose(ok -> c.call(BenchClient.obj("type", "conversations")))
        .thenCompose(convs -> catchUp(c, convs, want))
        .handle((n, e) -> {
          if (e == null) {
            fetched.addAndGet(n);
            return CompletableFuture.completedFuture(c);
          }
          if (attempt < 3 && String.valueOf(e.getMessage()).contains("before open")) {
            synchronized (this) {
              retries++;
            }
            return stormOne(old, want, fetched, attempt + 1);
          }
          return CompletableFuture.<BenchClient>failedFuture(e);
        }).thenCompose(x -> x);
  }

  /** Fetches history after the client's last seq until it has {@code want}; returns messages. */
  private CompletableFuture<Integer> catchUp(BenchClient c, JsonObject convs, long want) {
    String conv = "#" + room(c);
    long last = -1;
    for (JsonElement e : convs.getAsJsonArray("conversations")) {
      JsonObject o = e.getAsJsonObject();
      if (conv.equals(o.get("conv").getAsString())) {
        last = o.get("lastSeq").getAsLong();
      }
    }
    if (last < want) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          c.user + ": conversations says lastSeq " + last + " < " + want));
    }
    return page(c, conv, want, 0);
  }

  private CompletableFuture<Integer> page(BenchClient c, String conv, long want, int got) {
    if (c.lastSeq >= want) {
      return CompletableFuture.completedFuture(got);
    }
    JsonObject req = BenchClient.obj("type", "history", "conv", conv);
    req.addProperty("after", c.lastSeq);
    req.addProperty("limit", 200);
    return c.call(req).thenCompose(r -> {
      JsonArray msgs = r.getAsJsonArray("messages");
      for (JsonElement m : msgs) {
        long seq = m.getAsJsonObject().get("seq").getAsLong();
        if (seq > c.lastSeq) {
          c.lastSeq = seq;
        }
      }
      if (msgs.size() == 0 && c.lastSeq < want) {
        throw new IllegalStateException(c.user + ": history ends at " + c.lastSeq);
      }
      return page(c, conv, want, got + msgs.size());
    });
  }
}
