package chat.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The load generator's command line: {@code java -jar chat-bench.jar <scenario> [--flags]}.
 * Prints one summary line per scenario and target, and writes the JSON result to {@code --json}.
 */
public final class Main {
  static final String USAGE = """
      usage: java -jar chat-bench.jar <fanout|direct|connections|reconnect|mixed> [flags]
             java -jar chat-bench.jar wakeups [--count 5000] [--pauses-us 200,1000,3000]
                 (the machine alone: how long a thread takes to run after an unpark)

      target (default: start the packaged server jar on 127.0.0.1, free ports, temp data dir,
      --password-iterations 1000, rate limits raised; killed at the end):
        --url ws://127.0.0.1:8081/ws   use a running server instead (raise its rate limits!)
        --server-pid PID               its pid, for RSS/heap/CPU figures
        --server-jar PATH              default chat-server-app/target/chat-server.jar (from
                                       the repository or chat-bench/)
        --store memory|sqlite|postgres[,..]
                                       store(s) of the started server, one run each (memory);
                                       postgres: on a private, durable PostgreSQL it starts
        --nodes 2[,1]                  on PostgreSQL: a cluster of that many server nodes
                                       on one private PostgreSQL and one private Redis
                                       (1: a server alone, no Redis), one target each;
                                       client i connects to node i % N
        --server-heap 1g               -Xms/-Xmx of the started server (of each node)
        --server-jvm-arg ARG           extra JVM flag for it (repeatable), e.g. JFR
        --server-arg ARG               extra server flag (repeatable)
        --server-log-level warn        its log level (info logs every open and close, and why)
        --keep-server-dir              keep its temp dir (server.log, gc.log, db) and print it
        --peer naive,coalescing        fanout: also run against the Node.js ws peer(s) and
                                       report our figure as a ratio to theirs
        --node-peer-dir DIR            default chat-bench/node-peer
      load generator:
        --io-threads 2                 selector threads of the load generator
        --source-addrs 4|a,b,..        loopback source addresses (4: 127.0.0.1..127.0.0.4)
        --connect-concurrency 50       connections being set up at once
        --user-prefix NAME             user names NAME-0..; with --users-file, tokens are reused
        --users-file FILE              cache of tokens per server epoch (register once)
        --runs 3                       measured repetitions (spread: median [min..max])
        --json FILE                    write the machine-readable result here
      fanout:      --members 1000 --senders 4 --window 8 --duration 10s --warmup 2s
                   --rate 40 --latency-duration 10s --text-bytes 64
      direct:      --pairs 100 --window 4 --duration 10s --warmup 2s
                   --rate 0 (0: half the saturated rate) --latency-duration 10s
      connections: --connections 1000 --users 500 --hold 0s
      reconnect:   --clients 1000 --room-size 20 --missed 5 --storm-concurrency 500
      mixed:       --clients 10000 --room-size 20 --rate 500 --duration 30s (use --store sqlite)
      """;

  private Main() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h")) {
      System.out.print(USAGE);
      return;
    }
    JsonObject result = run(argv);
    if (result.has("comparison")) {
      System.out.println(result.get("comparison").getAsString());
    }
  }

  /** Runs one scenario against its targets and returns the JSON result (also written). */
  static JsonObject run(String[] argv) throws Exception {
    String scenario = argv[0].toLowerCase(Locale.ROOT);
    if (scenario.equals("wakeups")) {
      Args a = new Args(argv, 1);
      JsonObject result = new Wakeups(a).run();
      result.addProperty("scenario", scenario);
      result.add("machine", Machine.describe());
      writeJson(a.str("json", null), result);
      return result;
    }
    if (!List.of("fanout", "direct", "connections", "reconnect", "mixed").contains(scenario)) {
      throw new IllegalArgumentException("unknown scenario " + scenario + "\n" + USAGE);
    }
    Args a = new Args(argv, 1);
    int runs = a.integer("runs", 1);
    String json = a.str("json", null);
    Path usersFile = a.has("users-file") ? Path.of(a.str("users-file", null)) : null;
    String fixedPrefix = a.str("user-prefix", null);
    List<String> sources = sources(a.str("source-addrs", ""));
    JsonObject result = new JsonObject();
    result.addProperty("scenario", scenario);
    result.addProperty("startedAt", Instant.now().toString());
    result.add("machine", Machine.describe());
    JsonArray targets = new JsonArray();
    result.add("targets", targets);

    try (Net net = new Net(a.integer("io-threads", 2), sources)) {
      List<String> peers = scenario.equals("fanout") || scenario.equals("mixed")
          ? a.list("peer", "") : List.of();
      List<Integer> nodes = nodeCounts(a);
      List<String> stores = a.list("store", nodes.isEmpty() ? "memory" : "postgres");
      if (!nodes.isEmpty() && (a.has("url") || !stores.equals(List.of("postgres")))) {
        throw new IllegalArgumentException("--nodes starts its servers on PostgreSQL: "
            + "--store postgres (the default with --nodes), no --url");
      }
      int concurrency = a.integer("connect-concurrency", 50);
      int n = a.has("url") ? 1 : nodes.isEmpty() ? stores.size() : nodes.size();
      for (int i = 0; i < n + peers.size(); i++) {
        Target target;
        if (i < n) {
          target = startServer(a, nodes.isEmpty() ? stores.get(i) : "postgres",
              nodes.isEmpty() ? 1 : nodes.get(i));
        } else {
          target = Target.startNodePeer(Path.of(a.str("node-peer-dir", defaultPeerDir())),
              peers.get(i - n));
        }
        try (target) {
          String prefix = fixedPrefix != null ? fixedPrefix : randomPrefix();
          Scenario.Context ctx = new Scenario.Context(a, net, prefix, usersFile, concurrency);
          JsonObject r;
          try {
            r = switch (scenario) {
              case "fanout" -> new Fanout(ctx).run(target, runs);
              case "direct" -> new Direct(ctx).run(target, runs);
              case "connections" -> new Connections(ctx).run(target, runs);
              case "mixed" -> new Mixed(ctx).run(target, runs);
              default -> new Reconnect(ctx).run(target, runs);
            };
          } catch (Exception e) {
            String tail = target.logTail();
            throw new IllegalStateException(scenario + " against " + target.name + " failed: "
                + e + (tail.isEmpty() ? "" : "\nserver log tail:\n" + tail), e);
          }
          System.out.println(r.get("summary").getAsString());
          targets.add(r);
        }
      }
    }
    result.add("params", new GsonBuilder().create().toJsonTree(a.used));
    if (scenario.equals("fanout") && targets.size() > 1) {
      compare(result, targets);
    }
    writeJson(json, result);
    return result;
  }

  /** Writes {@code result} to the file {@code json} names, if it names one. */
  private static void writeJson(String json, JsonObject result) throws IOException {
    if (json == null) {
      return;
    }
    Path p = Path.of(json);
    if (p.getParent() != null) {
      Files.createDirectories(p.getParent());
    }
    Files.writeString(p, new GsonBuilder().setPrettyPrinting().create().toJson(result));
  }

  /** Our fan-out figure as a ratio to each peer's, measured in the same run. */
  private static void compare(JsonObject result, JsonArray targets) {
    JsonObject ours = targets.get(0).getAsJsonObject();
    double mine = ours.getAsJsonObject("deliveriesPerSecond").get("median").getAsDouble();
    double myP99 = ours.getAsJsonObject("latency").get("p99Ms").getAsDouble();
    JsonObject ratios = new JsonObject();
    StringBuilder line = new StringBuilder("comparison: " + ours.get("target").getAsString());
    for (int i = 1; i < targets.size(); i++) {
      JsonObject peer = targets.get(i).getAsJsonObject();
      double theirs = peer.getAsJsonObject("deliveriesPerSecond").get("median").getAsDouble();
      double p99 = peer.getAsJsonObject("latency").get("p99Ms").getAsDouble();
      JsonObject r = new JsonObject();
      r.addProperty("deliveriesRatio", Stats.round(theirs == 0 ? 0 : mine / theirs, 2));
      r.addProperty("p99Ratio", Stats.round(p99 == 0 ? 0 : myP99 / p99, 2));
      ratios.add(peer.get("target").getAsString(), r);
      line.append(String.format(" | vs %s: deliveries x%.2f, p99 x%.2f",
          peer.get("target").getAsString(), mine / theirs, p99 == 0 ? 0 : myP99 / p99));
    }
    result.add("ratios", ratios);
    result.addProperty("comparison", line.toString());
  }

  /** {@code --url}'s server, or a started one: alone, or {@code count} nodes of a cluster. */
  private static Target startServer(Args a, String store, int count) throws Exception {
    if (a.has("url")) {
      return Target.external(URI.create(a.str("url", null)), a.integer("server-pid", -1));
    }
    String heap = a.str("server-heap", "1g");
    String logLevel = a.str("server-log-level", "warn");
    return count == 1
        ? Target.startJar(serverJar(a), store, heap, a.all("server-jvm-arg"),
            a.all("server-arg"), logLevel, a.has("keep-server-dir"))
        : Target.startCluster(serverJar(a), count, heap, a.all("server-jvm-arg"),
            a.all("server-arg"), logLevel, a.has("keep-server-dir"));
  }

  /** {@code --nodes 2,1}: one target per entry, each a cluster of that many nodes (1: alone). */
  private static List<Integer> nodeCounts(Args a) {
    List<Integer> counts = new ArrayList<>();
    for (String s : a.list("nodes", "")) {
      int count = Integer.parseInt(s);
      if (count < 1 || count > 16) {
        throw new IllegalArgumentException("--nodes: 1 to 16 per target, got " + s);
      }
      counts.add(count);
    }
    return counts;
  }

  private static Path serverJar(Args a) {
    if (a.has("server-jar")) {
      return Path.of(a.str("server-jar", null));
    }
    for (String candidate : List.of("chat-server-app/target/chat-server.jar",
        "../chat-server-app/target/chat-server.jar")) {
      if (Files.isRegularFile(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    return Path.of("chat-server-app/target/chat-server.jar");
  }

  private static String defaultPeerDir() {
    return Files.isDirectory(Path.of("chat-bench/node-peer")) ? "chat-bench/node-peer" : "node-peer";
  }

  static List<String> sources(String spec) {
    List<String> out = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return out;
    }
    if (spec.matches("\\d+")) {
      for (int i = 1; i <= Integer.parseInt(spec); i++) {
        out.add("127.0.0." + i);
      }
      return out;
    }
    for (String s : spec.split(",")) {
      out.add(s.trim());
    }
    return out;
  }

  static String randomPrefix() {
    String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder("b");
    for (int i = 0; i < 6; i++) {
      sb.append(chars.charAt(ThreadLocalRandom.current().nextInt(chars.length())));
    }
    return sb.toString();
  }
}
