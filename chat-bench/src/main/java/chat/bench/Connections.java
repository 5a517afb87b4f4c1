package chat.bench;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * C authenticated idle connections (U users, C/U sessions each, logged in by token). Reports the
 * time to open and authenticate all of them, and the server's RSS and heap (after a full GC)
 * per connection; with {@code --hold}, keeps them open (answering pings) and counts drops.
 */
final class Connections {
  private final Scenario.Context ctx;
  private final int connections;
  private final int users;
  private final long holdMillis;

  Connections(Scenario.Context ctx) {
    Args a = ctx.args();
    this.ctx = ctx;
    connections = a.integer("connections", 1000);
    users = Math.max(1, Math.min(connections, a.integer("users", Math.min(connections, 500))));
    holdMillis = a.duration("hold", "0s").toMillis();
  }

  JsonObject run(Target target, int runs) throws Exception {
    AtomicInteger drops = new AtomicInteger();
    BenchClient.Sink sink = new BenchClient.Sink() {
      @Override
      public void onClose(BenchClient c, int code, String reason) {
        if (code != 1000 && code != 1001 && drops.incrementAndGet() <= 5) {
          System.err.println("connection of " + c.user + " dropped: " + code + " " + reason);
        }
      }
    };
    List<String> names = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      names.add(ctx.prefix() + "-" + i);
    }
    Users u = ctx.users(target);
    // Register (or log in) every user once, then let go of those sessions.
    List<BenchClient> registered = u.open(names, c -> new BenchClient.Sink() {}, c -> Fanout.none());
    u.save();
    for (BenchClient c : registered) {
      c.conn.close(1000);
    }
    Thread.sleep(1_000);

    JsonObject result = new JsonObject();
    result.addProperty("target", target.name);
    List<Double> connectSeconds = new ArrayList<>();
    List<Double> heapPerConn = new ArrayList<>();
    List<Double> rssPerConn = new ArrayList<>();
    int open = 0;
    for (int run = 0; run < runs; run++) {
      long heap0 = target.heapUsedAfterGcKib();
      long rss0 = target.rssKib();
      List<String> sessionNames = new ArrayList<>(connections);
      for (int i = 0; i < connections; i++) {
        sessionNames.add(names.get(i % users));
      }
      long t0 = System.nanoTime();
      List<BenchClient> clients = u.open(sessionNames, c -> sink, c -> Fanout.none());
      double secs = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(500);
      long heap1 = target.heapUsedAfterGcKib();
      long rss1 = target.rssKib();
      connectSeconds.add(Stats.round(secs, 3));
      if (heap0 > 0) {
        heapPerConn.add(Stats.round((heap1 - heap0) * 1024.0 / connections, 0));
      }
      if (rss0 > 0) {
        rssPerConn.add(Stats.round((rss1 - rss0) * 1024.0 / connections, 0));
      }
      result.addProperty("heapUsedAfterGcKib", heap1);
      result.addProperty("rssKib", rss1);
      if (holdMillis > 0 && run == runs - 1) {
        long until = System.currentTimeMillis() + holdMillis;
        while (System.currentTimeMillis() < until) {
          Thread.sleep(1_000);
        }
      }
      open = (int) clients.stream().filter(BenchClient::isOpen).count();
      for (BenchClient c : clients) {
        c.conn.close(1000);
      }
      Thread.sleep(2_000 + connections / 5); // the server lets go of them
    }
    result.addProperty("connections", connections);
    result.addProperty("users", users);
    result.add("connectAllSeconds", Stats.spread(connectSeconds));
    result.addProperty("connectionsPerSecond",
        Stats.round(connections / Stats.median(connectSeconds), 0));
    result.add("heapBytesPerConnection", Stats.spread(heapPerConn));
    result.add("rssBytesPerConnection", Stats.spread(rssPerConn));
    result.addProperty("holdSeconds", holdMillis / 1000);
    result.addProperty("openAtEnd", open);
    result.addProperty("dropped", drops.get());
    result.addProperty("connectRetries", u.connectRetries.get());
    String line = String.format("connections %s C=%d users=%d: all authenticated in %s s; "
        + "server heap %s B/conn, RSS %s B/conn; held %d s, %d dropped", target.name,
        connections, users, Stats.spreadText(connectSeconds, "%.2f"),
        Stats.spreadText(heapPerConn, "%.0f"), Stats.spreadText(rssPerConn, "%.0f"),
        holdMillis / 1000, drops.get());
    result.addProperty("summary", line);
    return result;
  }
}
