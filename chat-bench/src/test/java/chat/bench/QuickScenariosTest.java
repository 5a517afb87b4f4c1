package chat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chat.testkit.Binaries;
import chat.testkit.PostgresBinaries;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick mode of every scenario, against the packaged server jar on 127.0.0.1 with free ports
 * and a temporary data directory (the harness starts and kills it). CI checks that each finishes
 * and reports; it asserts no timing, since these machines are shared.
 */
class QuickScenariosTest {
  private static final String JAR = System.getProperty("chat.server.jar",
      "../chat-server-app/target/chat-server.jar");

  @TempDir
  Path dir;

  private JsonObject run(String scenario, String... flags) throws Exception {
    assumeTrue(Files.isRegularFile(Path.of(JAR)), "no packaged server jar at " + JAR);
    Path json = dir.resolve(scenario + ".json");
    List<String> args = new ArrayList<>(List.of(scenario, "--server-jar", JAR,
        "--server-heap", "256m", "--json", json.toString(), "--io-threads", "1"));
    args.addAll(List.of(flags));
    Main.run(args.toArray(new String[0]));
    JsonObject result = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertEquals(scenario, result.get("scenario").getAsString());
    assertTrue(result.getAsJsonObject("machine").get("cores").getAsInt() > 0);
    JsonObject target = result.getAsJsonArray("targets").get(0).getAsJsonObject();
    assertTrue(target.get("summary").getAsString().startsWith(scenario), target.toString());
    return target;
  }

  private static double median(JsonObject o, String field) {
    return o.getAsJsonObject(field).get("median").getAsDouble();
  }

  @Test
  @Timeout(60)
  void fanout() throws Exception {
    JsonObject t = run("fanout", "--members", "20", "--senders", "2", "--duration", "1s",
        "--warmup", "500ms", "--rate", "20", "--latency-duration", "1s");
    assertTrue(median(t, "deliveriesPerSecond") > 0, t.toString());
    assertTrue(t.getAsJsonObject("latency").get("count").getAsLong() > 0, t.toString());
    assertTrue(t.get("deliveries").getAsLong() > 0);
    assertEquals(0, t.get("latencyDeliveriesMissing").getAsLong(), t.toString());
    assertEquals(0, t.get("closedDuringRun").getAsInt(), t.toString());
  }

  /** The machine's wake-up check starts no server and reports ordered quantiles per pause. */
  @Test
  @Timeout(60)
  void wakeups() throws Exception {
    Path json = dir.resolve("wakeups.json");
    Main.run(new String[] {"wakeups", "--count", "300", "--pauses-us", "0,100",
        "--json", json.toString()});
    JsonObject result = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertEquals("wakeups", result.get("scenario").getAsString());
    assertEquals(300, result.get("count").getAsInt());
    for (String pause : List.of("pause0us", "pause100us")) {
      JsonObject r = result.getAsJsonObject(pause);
      double p50 = r.get("p50Micros").getAsDouble();
      double p99 = r.get("p99Micros").getAsDouble();
      double max = r.get("maxMicros").getAsDouble();
      assertTrue(p50 > 0 && p50 <= p99 && p99 <= max, r.toString());
    }
    assertTrue(result.get("comparison").getAsString().contains("pause 100 us"));
    assertThrows(IllegalArgumentException.class,
        () -> Main.run(new String[] {"wakeups", "--count", "10"}));
  }

  @Test
  @Timeout(60)
  void directWithSqlite() throws Exception {
    JsonObject t = run("direct", "--store", "sqlite", "--pairs", "5", "--duration", "1s",
        "--warmup", "500ms", "--latency-duration", "1s");
    assertTrue(median(t, "acksPerSecond") > 0, t.toString());
    assertTrue(t.getAsJsonObject("ackLatency").get("count").getAsLong() > 0, t.toString());
    assertEquals(0, t.get("errors").getAsLong(), t.toString());
  }

  @Test
  @Timeout(60)
  void connections() throws Exception {
    JsonObject t = run("connections", "--connections", "100", "--users", "20");
    assertEquals(100, t.get("openAtEnd").getAsInt(), t.toString());
    assertTrue(median(t, "connectAllSeconds") > 0, t.toString());
    assertTrue(t.get("rssKib").getAsLong() > 0, t.toString());
    assertTrue(t.get("heapUsedAfterGcKib").getAsLong() > 0, t.toString());
    assertEquals(0, t.get("dropped").getAsInt(), t.toString());
  }

  @Test
  @Timeout(60)
  void reconnect() throws Exception {
    // 12 rooms: more than one user may create at once, as in a full-size run.
    JsonObject t = run("reconnect", "--clients", "60", "--room-size", "5", "--missed", "3");
    assertTrue(median(t, "allCaughtUpSeconds") > 0, t.toString());
    assertEquals(60, t.getAsJsonObject("perClientCaughtUp").get("count").getAsLong());
    assertEquals(60 * 3, t.get("messagesFetched").getAsLong(), t.toString());
  }

  @Test
  @Timeout(60)
  void mixedWithSqlite() throws Exception {
    JsonObject t = run("mixed", "--store", "sqlite", "--clients", "40", "--room-size", "10",
        "--rate", "50", "--duration", "1s", "--read-every-ms", "100");
    assertTrue(t.getAsJsonObject("latency").get("count").getAsLong() > 0, t.toString());
    assertTrue(t.get("deliveries").getAsLong() > 0, t.toString());
    assertTrue(t.get("readsSent").getAsLong() > 0, t.toString());
    assertTrue(t.getAsJsonObject("maxGcPauseMs").has("median"), t.toString());
    assertEquals(0, t.get("errors").getAsLong(), t.toString());
  }

  /**
   * Two nodes on PostgreSQL and Redis, then one node alone: every message reaches the members on
   * both nodes. Skipped without {@code redis-server} and PostgreSQL's {@code initdb}.
   */
  @Test
  @Timeout(120)
  void fanoutOnTwoNodes() throws Exception {
    assumeTrue(Binaries.onPath("redis-server").isPresent(), "no redis-server on the PATH");
    assumeTrue(PostgresBinaries.installed().isPresent(), "no PostgreSQL (initdb)");
    Path json = dir.resolve("cluster.json");
    Main.run(new String[] {"fanout", "--server-jar", JAR, "--server-heap", "256m",
        "--io-threads", "1", "--nodes", "2,1", "--members", "10", "--senders", "2",
        "--duration", "1s", "--warmup", "300ms", "--rate", "20", "--latency-duration", "1s",
        "--json", json.toString()});
    JsonObject result = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertEquals(2, result.getAsJsonArray("targets").size());
    for (int i = 0; i < 2; i++) {
      JsonObject t = result.getAsJsonArray("targets").get(i).getAsJsonObject();
      assertEquals(2 - i, t.get("nodes").getAsInt(), t.toString());
      assertTrue(median(t, "deliveriesPerSecond") > 0, t.toString());
      assertEquals(0, t.get("latencyDeliveriesMissing").getAsLong(), t.toString());
      assertEquals(0, t.get("closedDuringRun").getAsInt(), t.toString());
    }
  }

  /** The ratio against the Node.js peers; skipped unless {@code npm install} was run there. */
  @Test
  @Timeout(60)
  void fanoutAgainstNodePeers() throws Exception {
    Path peer = Path.of(System.getProperty("chat.bench.node-peer", "node-peer"));
    assumeTrue(Files.isDirectory(peer.resolve("node_modules").resolve("ws")),
        "no node_modules in " + peer + " (npm install there)");
    Path json = dir.resolve("peers.json");
    Main.run(new String[] {"fanout", "--server-jar", JAR, "--server-heap", "256m",
        "--io-threads", "1", "--members", "10", "--senders", "1", "--duration", "1s",
        "--warmup", "300ms", "--rate", "20", "--latency-duration", "1s",
        "--peer", "naive,coalescing", "--node-peer-dir", peer.toString(),
        "--json", json.toString()});
    JsonObject result = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertEquals(3, result.getAsJsonArray("targets").size());
    JsonObject ratios = result.getAsJsonObject("ratios");
    assertTrue(ratios.getAsJsonObject("node-naive").get("deliveriesRatio").getAsDouble() > 0);
    assertTrue(ratios.getAsJsonObject("node-coalescing").get("deliveriesRatio").getAsDouble() > 0);
  }
}
