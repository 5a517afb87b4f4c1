package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.cluster.redis.PrivateRedis;
import chat.store.jdbc.PrivatePostgres;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server jars on one PostgreSQL and one Redis (which asks for a password, as the cloud
 * deployment's does): users on different nodes talk as if on one server; three senders on three
 * nodes into one room give every receiver on every node the same gap-free order; Redis killed and restarted mid-stream loses no acknowledged message for
 * any receiver, and afterwards every node sees who is online on every other.
 */
class ClusterIT {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  /** As ElastiCache's AUTH token in deploy/cloudformation/chat-cluster.yaml. */
  private static final String REDIS_PASSWORD = "aut0kenOfTheStack";
  @RegisterExtension
  static final PrivateRedis redis = new PrivateRedis(REDIS_PASSWORD);

  private static final AtomicInteger TESTS = new AtomicInteger();
  @TempDir static Path tmp;
  private static final List<ServerProcess> nodes = new ArrayList<>();
  private final List<WireClient> clients = new ArrayList<>();
  /** This test's prefix of user and room names: the nodes and their database are shared. */
  private final String t = "t" + TESTS.incrementAndGet();

  /** Three nodes on one new database and Redis, for every test of the class. */
  @BeforeAll
  static void startNodes() throws Exception {
    String db = postgres.newDatabase();
    for (int i = 0; i < 3; i++) {
      nodes.add(ServerProcess.start(tmp.resolve("node" + i), "--store", "postgres",
          "--postgres-url", db, "--redis-url", redis.url(), "--node-id", "node" + i,
          "--redis-password", REDIS_PASSWORD,
          "--send-per-second", "10000", "--send-burst", "10000", "--requests-per-second",
          "10000", "--request-burst", "10000"));
    }
  }

  @AfterEach
  void closeClients() throws Exception {
    for (WireClient c : clients) {
      c.close();
    }
  }

  @AfterAll
  static void stopNodes() throws Exception {
    try {
      for (ServerProcess node : nodes) {
        ServerLogs.assertNoErrors(node);
      }
    } finally {
      for (ServerProcess node : nodes) {
        node.close();
      }
    }
  }

  private WireClient connect(int node) throws InterruptedException {
    WireClient c = WireClient.connect(nodes.get(node).wsUri());
    clients.add(c);
    return c;
  }

  /** This test's room, as a conversation name. */
  private String room() {
    return "#" + t + "general";
  }

  private static JsonObject awaitMessage(WireClient c, String text) throws InterruptedException {
    return c.await(f -> f.get("type").getAsString().equals("message")
        && f.get("text").getAsString().equals(text), "message '" + text + "'");
  }

  @Test
  void usersOnDifferentNodesTalkAsOnOneServer() throws Exception {
    WireClient alice = connect(0).register(t + "alice");
    WireClient bob = connect(1).register(t + "bob");
    WireClient carol = connect(2).register(t + "carol");
    WireClient bobOnThree = connect(2).loginWithToken(bob.token);
    alice.ok(Frames.of("type", "create", "room", t + "general"));
    bob.ok(Frames.of("type", "join", "room", t + "general"));
    carol.ok(Frames.of("type", "join", "room", t + "general"));

    // A room message and a direct message, each to every session on every node.
    Map<String, Double> before = MetricsIT.scrape(nodes.get(0));
    long seq = alice.send(room(), "hello all", "c1").get("seq").getAsLong();
    for (WireClient c : List.of(bob, carol, bobOnThree)) {
      JsonObject m = awaitMessage(c, "hello all");
      assertEquals(room(), m.get("conv").getAsString());
      assertEquals(seq, m.get("seq").getAsLong());
    }
    assertClusterMetricsMoved(before, MetricsIT.scrape(nodes.get(0)));
    // Every node is ready, bus included.
    for (ServerProcess node : nodes) {
      assertEquals("200 {\"status\":\"ready\"}", ready(node));
    }
    carol.send("@" + bob.user, "psst", "c2");
    assertEquals("@" + carol.user, awaitMessage(bob, "psst").get("conv").getAsString());
    assertEquals("@" + carol.user, awaitMessage(bobOnThree, "psst").get("conv").getAsString());

    // Typing and read markers cross nodes.
    bob.ok(Frames.of("type", "typing", "conv", room()));
    assertEquals(bob.user, alice.await("typing").get("user").getAsString());
    bob.ok(Frames.of("type", "read", "conv", room(), "seq", seq));
    JsonObject read = alice.await("read");
    assertEquals(bob.user, read.get("user").getAsString());
    assertEquals(seq, read.get("seq").getAsLong());

    // Presence: bob is online while either of his sessions is, on whichever node.
    bob.close();
    alice.sync();
    assertTrue(alice.syncTypes("presence").isEmpty(), "bob is still online on node three");
    JsonObject members = alice.ok(Frames.of("type", "members", "room", t + "general"));
    for (JsonElement e : members.getAsJsonArray("members")) {
      assertTrue(e.getAsJsonObject().get("online").getAsBoolean(), members.toString());
    }
    bobOnThree.close();
    JsonObject off = alice.await("presence");
    assertEquals(bob.user, off.get("user").getAsString());
    assertFalse(off.get("online").getAsBoolean());

    // Logging out everywhere closes carol's sessions on every node.
    WireClient carolOnOne = connect(0).loginWithToken(carol.token);
    carol.ok(Frames.of("type", "logout", "all", true));
    assertEquals(1008, carolOnOne.awaitClose());
    assertEquals("logged out", carolOnOne.closeReason);
  }

  @Test
  void aKickOnOneNodeStopsDeliveryOnTheOthers() throws Exception {
    WireClient alice = connect(0).register(t + "alice");
    WireClient bob = connect(1).register(t + "bob");
    WireClient carol = connect(1).register(t + "carol");
    alice.ok(Frames.of("type", "create", "room", t + "general"));
    bob.ok(Frames.of("type", "join", "room", t + "general"));
    carol.ok(Frames.of("type", "join", "room", t + "general"));
    alice.send(room(), "before", "c1");
    awaitMessage(bob, "before"); // node two has the roster cached now
    awaitMessage(carol, "before");

    alice.ok(Frames.of("type", "kick", "room", t + "general", "user", bob.user));
    bob.await(f -> f.get("type").getAsString().equals("member")
        && f.get("action").getAsString().equals("kick"), "the kick");
    alice.send(room(), "after", "c2");
    awaitMessage(carol, "after");
    for (JsonObject f : bob.sync()) {
      assertFalse(f.get("type").getAsString().equals("message"), "bob got " + f);
    }
    bob.error(Frames.of("type", "history", "conv", room()), "forbidden");
  }

  @Test
  void threeSendersOnThreeNodesGiveEveryReceiverOneGaplessOrder() throws Exception {
    int perSender = 60;
    List<WireClient> senders = new ArrayList<>();
    List<WireClient> receivers = new ArrayList<>();
    senderAndReaderOnEachNode(senders, receivers);

    sendConcurrently(senders, perSender, i -> { });

    int total = 3 * perSender;
    Map<Long, String> first = null;
    for (WireClient r : concat(receivers, senders)) {
      Map<Long, String> seen = receive(r, total);
      assertEquals(total, seen.size());
      assertEquals(1L, (long) ((TreeMap<Long, String>) seen).firstKey());
      assertEquals((long) total, (long) ((TreeMap<Long, String>) seen).lastKey());
      if (first == null) {
        first = seen;
      } else {
        assertEquals(first, seen, "every receiver sees the same messages under the same seqs");
      }
    }
  }

  @Test
  void redisKilledAndRestartedMidStreamLosesNothingAcknowledged() throws Exception {
    int perSender = 80;
    List<WireClient> senders = new ArrayList<>();
    List<WireClient> receivers = new ArrayList<>();
    senderAndReaderOnEachNode(senders, receivers);

    // Redis dies halfway and comes back only after the last send: the messages sent meanwhile
    // reach other nodes' sessions only through the catch-up that follows the resubscription.
    sendConcurrently(senders, perSender, i -> {
      if (i == perSender / 2) {
        redis.kill();
      }
    });
    assertEquals("503 {\"status\":\"not ready\",\"notReady\":[\"bus\"]}", awaitReady(0, 503),
        "a node without its bus is not ready");
    redis.start();

    // Every receiver has every acknowledged message: live, or repaired from the store, or (if
    // its node closed it with 1012) by catching up from history, as a client does.
    int total = 3 * perSender;
    for (int i = 0; i < receivers.size(); i++) {
      WireClient r = receivers.get(i);
      Map<Long, String> seen = receiveOrCatchUp(r, total, i);
      assertEquals(total, seen.size(), t + "reader" + i + " has every message");
    }
    double repairedGaps = 0;
    for (int i = 0; i < nodes.size(); i++) {
      assertEquals("200 {\"status\":\"ready\"}", awaitReady(i, 200));
      Map<String, Double> metrics = MetricsIT.scrape(nodes.get(i));
      assertTrue(series(metrics, "chat_bus_resubscribes_total") >= 1,
          "node" + i + " counted its bus coming back");
      repairedGaps += series(metrics, "chat_bus_repaired_gaps_total");
    }
    assertTrue(repairedGaps >= 1, "the nodes counted the gaps they repaired from the store");

    // Presence is whole again: a user who signs in on any node is seen online from every other
    // (a sign-in while a node's Redis connection was still coming back reaches Redis when the
    // node resynchronises, within about a second). The next test starts from a whole cluster.
    List<WireClient> probes = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      WireClient probe = connect(i).register(t + "probe" + i);
      probe.ok(Frames.of("type", "join", "room", t + "general"));
      probes.add(probe);
    }
    for (int i = 0; i < nodes.size(); i++) {
      awaitOnline(probes.get(i), probes);
    }
  }

  /** Waits (bounded) until {@code asker}'s node lists every one of {@code users} online. */
  private void awaitOnline(WireClient asker, List<WireClient> users) throws Exception {
    List<String> names = users.stream().map(u -> u.user).toList();
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (true) {
      JsonObject members = asker.ok(Frames.of("type", "members", "room", t + "general"));
      List<String> offline = new ArrayList<>();
      for (JsonElement e : members.getAsJsonArray("members")) {
        JsonObject m = e.getAsJsonObject();
        String user = m.get("user").getAsString();
        if (names.contains(user) && !m.get("online").getAsBoolean()) {
          offline.add(user);
        }
      }
      if (offline.isEmpty()) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, asker.user + " still sees " + offline
          + " offline: " + members);
      Thread.sleep(100); // polling the cluster's state, not synchronising with a thread
    }
  }

  /**
   * What a clustered node exports besides a lone server's, in one scrape of the sender's node
   * after its send: the bus publish latency (timed, with buckets), the resubscriptions and
   * repaired gaps (counted when the bus breaks: the Redis test), the PostgreSQL pool in use.
   */
  private static void assertClusterMetricsMoved(Map<String, Double> before,
      Map<String, Double> after) {
    String count = "chat_bus_publish_seconds_count";
    String sum = "chat_bus_publish_seconds_sum";
    assertTrue(series(after, count) > series(before, count), "publishes counted");
    assertTrue(series(after, sum) > series(before, sum), "and their latency measured");
    assertTrue(series(after, "chat_bus_publish_seconds_bucket{le=\"0.001\"}") >= 0
        && series(after, "chat_bus_publish_seconds_bucket{le=\"+Inf\"}") >= 1, "in buckets");
    series(after, "chat_bus_resubscribes_total");
    series(after, "chat_bus_repaired_gaps_total");
    double active = series(after, "chat_db_pool_connections{state=\"active\"}");
    double idle = series(after, "chat_db_pool_connections{state=\"idle\"}");
    assertTrue(active + idle >= 1, "the pool holds connections: " + active + " active, "
        + idle + " idle");
    assertTrue(series(after, "chat_db_pool_waiting") >= 0);
  }

  /** The value of one series of a scrape; it must be there. */
  private static double series(Map<String, Double> scrape, String name) {
    Double value = scrape.get(name);
    assertTrue(value != null, "no series " + name + " in " + scrape.keySet());
    return value;
  }

  private static String ready(ServerProcess node) throws Exception {
    java.net.http.HttpResponse<String> r = MetricsIT.get(node, "/readyz", null);
    return r.statusCode() + " " + r.body().strip();
  }

  /** /readyz of node {@code i} once it answers {@code status} (bounded), or its last answer. */
  private static String awaitReady(int i, int status) throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    String answer;
    do {
      answer = ready(nodes.get(i));
      if (answer.startsWith(status + " ")) {
        return answer;
      }
      Thread.sleep(100); // polling the node's state, not synchronising with a thread
    } while (System.nanoTime() < deadline);
    return answer;
  }

  /** A sender and a reader signed in on each node, all members of this test's room. */
  private void senderAndReaderOnEachNode(List<WireClient> senders, List<WireClient> receivers)
      throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      senders.add(connect(i).register(t + "sender" + i));
      receivers.add(connect(i).register(t + "reader" + i));
    }
    senders.get(0).ok(Frames.of("type", "create", "room", t + "general"));
    for (WireClient c : concat(senders.subList(1, 3), receivers)) {
      c.ok(Frames.of("type", "join", "room", t + "general"));
    }
  }

  /**
   * Each sender sends {@code perSender} messages into the room, all at once; {@code between}
   * runs in the first sender's thread before its i-th send. Every send must be acknowledged.
   */
  private void sendConcurrently(List<WireClient> senders, int perSender,
      Step between) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(senders.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (WireClient s : senders) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perSender; i++) {
            if (s == senders.get(0)) {
              between.before(i);
            }
            s.send(room(), s.user + " " + i, s.user + "-" + i);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The first {@code total} room messages {@code c} receives, checked to come in seq order. */
  private Map<Long, String> receive(WireClient c, int total) throws InterruptedException {
    Map<Long, String> seen = new TreeMap<>();
    long last = 0;
    while (seen.size() < total) {
      JsonObject m = c.await(f -> f.get("type").getAsString().equals("message")
          && f.get("conv").getAsString().equals(room()), "message " + (seen.size() + 1));
      long seq = m.get("seq").getAsLong();
      assertEquals(last + 1, seq, c.user + ": messages in order, without a gap or a repeat");
      last = seq;
      seen.put(seq, m.get("text").getAsString());
    }
    return seen;
  }

  /**
   * What a client ends up with: the messages it receives live, in order; if its server closes it
   * (1012: the node could not vouch for what it missed), it reconnects to the same node and reads
   * the history after the last message it has, as the SDK and the web client do.
   */
  private Map<Long, String> receiveOrCatchUp(WireClient c, int total, int node)
      throws InterruptedException {
    Map<Long, String> seen = new TreeMap<>();
    long last = 0;
    WireClient current = c;
    while (seen.size() < total) {
      JsonObject m = current.awaitUnlessClosed(f -> f.get("type").getAsString().equals("message")
          && f.get("conv").getAsString().equals(room()), "message " + (last + 1));
      if (m == null) {
        assertEquals(1012, current.awaitClose(), current.closeReason);
        current = connect(node).loginWithToken(c.token);
        JsonObject page = current.ok(Frames.of("type", "history", "conv", room(), "after",
            last, "limit", 500));
        for (JsonElement e : page.getAsJsonArray("messages")) {
          JsonObject h = e.getAsJsonObject();
          assertEquals(last + 1, h.get("seq").getAsLong());
          last = h.get("seq").getAsLong();
          seen.put(last, h.get("text").getAsString());
        }
        continue;
      }
      long seq = m.get("seq").getAsLong();
      if (seq <= last) {
        continue; // read from history after a reconnect already
      }
      assertEquals(last + 1, seq, c.user + ": messages in order, without a gap");
      last = seq;
      seen.put(seq, m.get("text").getAsString());
    }
    return seen;
  }

  /** What the first sender does before its i-th send. */
  private interface Step {
    void before(int i) throws Exception;
  }

  private static List<WireClient> concat(List<WireClient> a, List<WireClient> b) {
    List<WireClient> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
