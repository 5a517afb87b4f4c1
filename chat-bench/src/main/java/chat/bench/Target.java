package chat.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The server under test: one given by {@code --url} (and optionally {@code --server-pid}), or one
 * this process starts and stops itself: the packaged chat server jar ({@code --server-jar}),
 * several of them as the nodes of a cluster ({@link #startCluster}), or the Node.js peer
 * ({@link #startNodePeer}). Also reads the server's memory.
 */
final class Target implements AutoCloseable {
  final String name;
  final URI uri;
  /** Where clients connect: {@link #uri}, or every node of a cluster (client i to node i % N). */
  private List<URI> uris;
  final long pid; // -1: unknown
  final boolean jvm;
  private final Process process;
  private final Path dataDir;
  private final Path log;
  private boolean keepDir;
  private BenchPostgres postgres; // with --store postgres: the database, stopped after the server
  private List<Target> nodes = List.of(); // a cluster's servers
  private BenchRedis redis; // a cluster's bus, stopped after its nodes

  private Target(String name, URI uri, long pid, boolean jvm, Process process, Path dataDir,
      Path log) {
    this.name = name;
    this.uri = uri;
    this.uris = List.of(uri);
    this.pid = pid;
    this.jvm = jvm;
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
    // A started server must not outlive the load generator, even on Ctrl-C or SIGTERM.
    this.killer = process == null ? null : new Thread(process::destroyForcibly);
    if (killer != null) {
      Runtime.getRuntime().addShutdownHook(killer);
    }
  }

  private final Thread killer;

  static Target external(URI uri, long pid) {
    return new Target("server", uri, pid, true, null, null, null);
  }

  /**
   * Starts the packaged server on 127.0.0.1 with free ports, a temporary data directory, cheap
   * password hashing, the rate limits and connection caps raised out of the way of a benchmark
   * (every connection comes from a few loopback addresses), and Shenandoah as the deploy runs it
   * unless {@code extraJvm} names another collector. Store {@code postgres}: on a private
   * PostgreSQL server started first, durable ({@link BenchPostgres}).
   */
  static Target startJar(Path jar, String store, String heap, List<String> extraJvm,
      List<String> extraArgs, String logLevel, boolean keepDir) throws Exception {
    if (!logLevel.matches("trace|debug|info|warn|error")) {
      throw new IllegalArgumentException("--server-log-level: trace|debug|info|warn|error");
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("no server jar at " + jar
          + " (build it: mvn -B -q -DskipTests package)");
    }
    BenchPostgres postgres = store.equals("postgres") ? BenchPostgres.start() : null;
    try {
      Target t = startJar(jar, store, heap, extraJvm, extraArgs, logLevel, keepDir, postgres);
      t.postgres = postgres;
      return t;
    } catch (Exception | Error e) {
      if (postgres != null) {
        postgres.close();
      }
      throw e;
    }
  }

  /**
   * Starts {@code count} server nodes ({@code --node-id node-1..}) on one private PostgreSQL and
   * one private Redis ({@link BenchRedis}), each as {@link #startJar} starts a server alone.
   * Clients are spread over the nodes ({@link #uris}); the server CPU figure is the nodes' sum
   * (not PostgreSQL's or Redis', as for a server alone); heap and RSS figures are n/a.
   */
  static Target startCluster(Path jar, int count, String heap, List<String> extraJvm,
      List<String> extraArgs, String logLevel, boolean keepDir) throws Exception {
    BenchPostgres postgres = BenchPostgres.start();
    BenchRedis redis = null;
    List<Target> nodes = new ArrayList<>();
    try {
      redis = BenchRedis.start();
      for (int i = 1; i <= count; i++) {
        List<String> args = new ArrayList<>(List.of("--redis-url", redis.url(),
            "--node-id", "node-" + i));
        args.addAll(extraArgs);
        nodes.add(startJar(jar, "postgres", heap, extraJvm, args, logLevel, keepDir, postgres));
      }
    } catch (Exception | Error e) {
      nodes.forEach(Target::close);
      if (redis != null) {
        redis.close();
      }
      postgres.close();
      throw e;
    }
    Target t = new Target("cluster(postgres+redis, " + count + " nodes)", nodes.get(0).uri, -1,
        true, null, null, null);
    t.nodes = nodes;
    t.uris = nodes.stream().map(n -> n.uri).toList();
    t.redis = redis;
    t.postgres = postgres;
    return t;
  }

  /** Where clients connect: one server's URI, or a cluster's nodes' in order. */
  List<URI> uris() {
    return uris;
  }

  private static Target startJar(Path jar, String store, String heap, List<String> extraJvm,
      List<String> extraArgs, String logLevel, boolean keepDir, BenchPostgres postgres)
      throws Exception {
    Path dataDir = Files.createTempDirectory("chat-bench-data-");
    Path portsFile = dataDir.resolve("ports.json");
    Path log = dataDir.resolve("server.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-Xms" + heap);
    if (extraJvm.stream().noneMatch(a -> a.matches("-XX:\\+Use\\w+GC"))) {
      cmd.add("-XX:+UseShenandoahGC"); // the collector the systemd unit runs it with
    }
    cmd.addAll(extraJvm);
    // gc: G1's and Parallel's "Pause Young ... N.NNNms" lines; gc+phases: ZGC's and
    // Shenandoah's pauses ("Pause Mark Start N.NNNms"), which -Xlog:gc alone does not show.
    cmd.add("-Xlog:gc,gc+phases:file=" + dataDir.resolve("gc.log"));
    cmd.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=" + logLevel,
        "-jar", jar.toString(),
        "--host", "127.0.0.1", "--port", "0", "--http-port", "0",
        "--store", store, "--data-dir", dataDir.resolve("db").toString(),
        "--ports-file", portsFile.toString(),
        "--password-iterations", "1000",
        "--send-per-second", "1000000", "--send-burst", "1000000",
        "--requests-per-second", "1000000", "--request-burst", "1000000",
        "--max-connections", "1000000", "--max-connections-per-ip", "1000000",
        // every generated user registers from loopback
        "--registrations-per-ip-per-hour", "1000000",
        "--auth-timeout-ms", "600000"));
    if (postgres != null) {
      cmd.addAll(List.of("--postgres-url", postgres.url()));
    }
    cmd.addAll(extraArgs);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(portsFile) || Files.size(portsFile) == 0) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("server did not start:\n" + Files.readString(log));
      }
      Thread.sleep(20);
    }
    Thread.sleep(50); // the ports file may still be being written
    JsonObject ports = JsonParser.parseString(Files.readString(portsFile)).getAsJsonObject();
    URI uri = URI.create("ws://127.0.0.1:" + ports.get("ws").getAsInt() + "/ws");
    Target t = new Target("server(" + store + ")", uri, p.pid(), true, p, dataDir, log);
    t.keepDir = keepDir;
    return t;
  }

  /**
   * Starts the Node.js comparison peer ({@code node-peer/server.js}) in its naive or coalescing
   * variant; runs {@code npm install} there first if {@code ws} is missing.
   */
  static Target startNodePeer(Path peerDir, String variant) throws Exception {
    Path server = peerDir.resolve("server.js");
    if (!Files.isRegularFile(server)) {
      throw new IllegalArgumentException("no Node peer at " + server);
    }
    if (!Files.isDirectory(peerDir.resolve("node_modules").resolve("ws"))) {
      Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund",
          "--loglevel=error").directory(peerDir.toFile()).inheritIO().start();
      if (!npm.waitFor(180, TimeUnit.SECONDS) || npm.exitValue() != 0) {
        npm.destroyForcibly();
        throw new IllegalStateException("npm install failed in " + peerDir);
      }
    }
    Path dir = Files.createTempDirectory("chat-bench-peer-");
    Path portsFile = dir.resolve("ports.json");
    Path log = dir.resolve("peer.log");
    Process p = new ProcessBuilder("node", server.toString(), "--port", "0", "--mode", variant,
        "--ports-file", portsFile.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(portsFile) || Files.size(portsFile) == 0) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("node peer did not start:\n" + Files.readString(log));
      }
      Thread.sleep(20);
    }
    Thread.sleep(50);
    JsonObject ports = JsonParser.parseString(Files.readString(portsFile)).getAsJsonObject();
    URI uri = URI.create("ws://127.0.0.1:" + ports.get("ws").getAsInt() + "/ws");
    return new Target("node-" + variant, uri, p.pid(), false, p, dir, log);
  }

  /** The server's resident set size in KiB, from /proc (-1 if unknown). */
  long rssKib() {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /**
   * The heap's "used" figure in GC.heap_info's output: "used 123K" for G1 and Parallel, "used
   * 12M" for ZGC, "123K used" for Shenandoah. Only the text before the Metaspace line is the
   * heap's (Metaspace's line says "used" too).
   */
  private static final Pattern USED =
      Pattern.compile("used (\\d+)([KMG])\\b|\\b(\\d+)([KMG]) used");

  /** Used heap in KiB after a full GC (jcmd GC.run, then GC.heap_info); -1 if not a JVM. */
  long heapUsedAfterGcKib() {
    if (pid <= 0 || !jvm) {
      return -1;
    }
    try {
      jcmd("GC.run");
      return heapUsedKib(jcmd("GC.heap_info"));
    } catch (Exception e) {
      return -1;
    }
  }

  /** The heap's used KiB in GC.heap_info's output, or -1 if it has none. */
  static long heapUsedKib(String heapInfo) {
    int metaspace = heapInfo.indexOf("Metaspace");
    Matcher m = USED.matcher(metaspace < 0 ? heapInfo : heapInfo.substring(0, metaspace));
    if (!m.find()) {
      return -1;
    }
    int g = m.group(1) != null ? 1 : 3;
    long value = Long.parseLong(m.group(g));
    return switch (m.group(g + 1)) {
      case "G" -> value << 20;
      case "M" -> value << 10;
      default -> value;
    };
  }

  private String jcmd(String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  /** CPU time (user + system) the server process has used so far, in ms; -1 if unknown. */
  long cpuMillis() {
    if (!nodes.isEmpty()) {
      long sum = 0;
      for (Target node : nodes) {
        long ms = node.cpuMillis();
        if (ms < 0) {
          return -1;
        }
        sum += ms;
      }
      return sum;
    }
    if (pid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      return ticks * 10; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Bytes in the started server's GC log so far (0 if none). */
  long gcLogLength() {
    try {
      return dataDir == null ? 0 : Files.size(dataDir.resolve("gc.log"));
    } catch (IOException e) {
      return 0;
    }
  }

  /** The longest GC pause logged since {@code from} (see {@link #gcLogLength}); -1 if unknown. */
  double maxGcPauseMsSince(long from) {
    Path gc = dataDir == null ? null : dataDir.resolve("gc.log");
    if (gc == null || !Files.exists(gc)) {
      return -1;
    }
    try {
      return Mixed.maxPause(gc, from);
    } catch (IOException e) {
      return -1;
    }
  }

  String logTail() {
    if (!nodes.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < nodes.size(); i++) {
        String tail = nodes.get(i).logTail();
        if (!tail.isEmpty()) {
          sb.append("node-").append(i + 1).append(":\n").append(tail).append('\n');
        }
      }
      return sb.toString().strip();
    }
    if (log == null) {
      return "";
    }
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    if (killer != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException e) {
        // already shutting down: the hook kills it
      }
    }
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    nodes.forEach(Target::close);
    if (redis != null) {
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (dataDir != null && keepDir) {
      System.out.println(name + ": server dir kept at " + dataDir);
    } else if (dataDir != null) {
      try (Stream<Path> s = Files.walk(dataDir)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // a temp folder
      }
    }
  }
}
