package chat.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisPresenceTest {
  @RegisterExtension static final PrivateRedis server = new PrivateRedis();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  // Fast timings: a node that stops beating is counted out within about half a second.
  private static final Duration HEARTBEAT = Duration.ofMillis(100);
  private static final Duration TTL = Duration.ofMillis(400);
  private static final Duration REAP = Duration.ofMillis(100);

  private final List<RedisPresence> started = new ArrayList<>();
  /** Every user any node reported offline, in order, across the nodes of one test. */
  private final List<String> reported = new CopyOnWriteArrayList<>();
  /** Every user any node reported back online after its node was counted out while alive. */
  private final List<String> back = new CopyOnWriteArrayList<>();
  private Redis redis;
  private String prefix;

  @BeforeEach
  void setUp() throws Exception {
    if (!server.isRunning()) {
      server.start();
    }
    redis = Redis.create(server.url());
    prefix = "test:presence:" + PREFIXES.incrementAndGet() + ":";
  }

  @AfterEach
  void tearDown() {
    started.forEach(RedisPresence::stop);
    redis.close();
  }

  private RedisPresence node(String id) {
    return node(id, HEARTBEAT, TTL, REAP);
  }

  /** A node that beats and reaps only once an hour: nothing but the code under test resyncs. */
  private RedisPresence slowNode(String id) {
    return node(id, Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(1));
  }

  private RedisPresence node(String id, Duration heartbeat, Duration ttl, Duration reap) {
    RedisPresence presence = new RedisPresence(redis, prefix, id, heartbeat, ttl, reap);
    presence.start(reported::add, back::add);
    started.add(presence);
    return presence;
  }

  @Test
  void firstAndLastSessionAcrossTwoNodes() {
    RedisPresence a = node("a");
    RedisPresence b = node("b");
    assertFalse(b.isOnline("ann"));

    assertTrue(a.signedIn("ann"), "first session anywhere");
    assertFalse(b.signedIn("ann"), "already online on a");
    assertFalse(a.signedIn("ann"), "second session on a");
    assertTrue(a.isOnline("ann") && b.isOnline("ann"));

    assertFalse(a.signedOut("ann"), "one more on a");
    assertFalse(a.signedOut("ann"), "still on b");
    assertTrue(a.isOnline("ann"));
    assertTrue(b.signedOut("ann"), "last session anywhere");
    assertFalse(a.isOnline("ann") || b.isOnline("ann"));

    assertFalse(b.signedOut("ann"), "no session left to sign out");
    assertTrue(b.signedIn("ann"), "online again");
    assertTrue(reported.isEmpty(), "no node died: " + reported);
    assertTrue(back.isEmpty(), "no node was counted out: " + back);
  }

  /** A member list's question: who of these is online, here or on another node. */
  @Test
  void onlineAmongAnswersForUsersHereAndOnOtherNodes() throws Exception {
    RedisPresence a = node("a");
    RedisPresence b = node("b");
    a.signedIn("ann");
    b.signedIn("bob");
    b.signedIn("cat");
    b.signedOut("cat");

    assertEquals(Set.of("ann", "bob"), a.onlineAmong(List.of("ann", "bob", "cat", "dan")));
    assertEquals(Set.of("ann", "bob"), b.onlineAmong(List.of("ann", "bob", "cat", "dan")));
    assertEquals(Set.of(), a.onlineAmong(List.of()));

    server.kill(); // Redis gone: only this node's own sessions count, at once
    assertEquals(Set.of("ann"), a.onlineAmong(List.of("ann", "bob")));
    server.start();
  }

  @Test
  void aNodeCountedOutWhilePausedBringsItsUsersBackOnline() {
    RedisPresence a = node("a");
    RedisPresence b = node("b");
    a.signedIn("lea");
    a.signedIn("max");
    b.signedIn("max");

    a.paused(true); // a long pause: no beats, so b counts a out
    Waits.until(WAIT, () -> reported.contains("lea"), "lea reported offline");
    assertFalse(b.isOnline("lea"));
    assertTrue(back.isEmpty());

    a.paused(false);
    Waits.until(WAIT, () -> back.contains("lea"), "lea reported back online");
    assertTrue(b.isOnline("lea"));
    assertEquals(List.of("lea"), back, "max never left: he is on b too");
    assertEquals(List.of("lea"), reported);
    assertFalse(a.signedOut("max"), "a's session of max was counted in again, b's remains");
    assertTrue(b.signedOut("max"));
  }

  @Test
  void aNodeThatStopsBeatingHasItsUsersReportedOfflineOnceByOneNode() {
    RedisPresence a = node("a");
    RedisPresence b = node("b");
    RedisPresence c = node("c");
    a.signedIn("ann");
    a.signedIn("ann");
    a.signedIn("cat");
    b.signedIn("cat");

    a.abandon(); // as if killed: nothing counted out
    Waits.until(WAIT, () -> reported.contains("ann"), "ann reported offline");
    long reapsB = b.reaps();
    long reapsC = c.reaps();
    Waits.until(WAIT, () -> b.reaps() >= reapsB + 3 && c.reaps() >= reapsC + 3,
        "more reaps on both survivors");

    assertEquals(List.of("ann"), reported);
    assertFalse(b.isOnline("ann"));
    assertTrue(b.isOnline("cat"), "cat is still on b");
    assertTrue(b.signedOut("cat"), "b's session of cat was the last");
  }

  @Test
  void stopCountsTheNodeOutAndReportsWhoWentOffline() {
    RedisPresence a = node("a");
    RedisPresence b = node("b");
    a.signedIn("dan");
    a.signedIn("eve");
    b.signedIn("eve");

    a.stop();
    assertEquals(List.of("dan"), reported);
    assertFalse(b.isOnline("dan"));
    assertTrue(b.isOnline("eve"));
    assertTrue(b.signedOut("eve"));
  }

  @Test
  void afterRedisLosesEverythingEachNodeCountsItsSessionsInAgain() throws Exception {
    RedisPresence a = node("a");
    RedisPresence b = node("b");
    a.signedIn("fay");
    b.signedIn("gus");
    a.signedIn("gus");
    b.signedIn("kim");

    server.kill();
    server.start(); // empty: no persistence
    Waits.until(WAIT, () -> b.isOnline("fay") && a.isOnline("kim"), "both nodes counted in again");

    assertFalse(a.signedOut("gus"), "gus is still on b");
    assertTrue(b.signedOut("gus"));
    assertTrue(b.signedOut("fay") == false && a.signedOut("fay"), "fay's last session was on a");
    assertTrue(reported.isEmpty(), "nobody went offline: " + reported);
  }

  @Test
  void aNodeRestartedWithTheSameIdStartsFromNothing() {
    RedisPresence a = node("a");
    RedisPresence b = node("b");
    a.signedIn("hal");
    a.abandon();
    Waits.until(WAIT, () -> reported.contains("hal"), "hal reported offline");

    RedisPresence again = new RedisPresence(redis, prefix, "a", HEARTBEAT, TTL, REAP);
    again.start(reported::add, back::add);
    started.add(again);
    assertFalse(b.isOnline("hal"));
    assertTrue(again.signedIn("hal"));
    assertTrue(b.isOnline("hal"));
  }

  @Test
  void whileRedisIsDownAnswersComeFromThisNodeWithoutWaiting() throws Exception {
    RedisPresence a = node("a");
    a.signedIn("ivy");
    server.kill();

    long start = System.nanoTime();
    assertTrue(a.isOnline("ivy"), "ivy has a session here");
    assertTrue(a.signedIn("jon"), "first session here");
    assertFalse(a.signedOut("ivy"), "a last session is never announced while Redis is down");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 3_000, "took " + tookMs + " ms");

    server.start();
    Waits.until(WAIT, () -> reported.contains("ivy"), "ivy reported offline once Redis is back");
    RedisPresence b = node("b");
    Waits.until(WAIT, () -> b.isOnline("jon"), "jon counted in");
    assertFalse(b.isOnline("ivy"));
  }

  @Test
  void aUserWithASessionHereIsOnlineHereWhateverRedisHolds() {
    RedisPresence a = slowNode("a");
    RedisPresence b = slowNode("b");
    a.signedIn("lea");
    try (var other = redis.client().connect()) {
      other.sync().flushall(); // as a Redis restarted without persistence, before a's next beat
    }
    assertTrue(a.isOnline("lea"), "lea's session is on this node");
    assertFalse(b.isOnline("lea"), "the other node knows only what Redis holds");
  }

  @Test
  void aCountThatMissedRedisReachesItSoonAfterRedisIsBack() throws Exception {
    RedisPresence a = slowNode("a");
    server.kill();
    assertTrue(a.signedIn("max"), "first session here, counted here alone");
    server.start();

    RedisPresence b = slowNode("b");
    Waits.until(WAIT, () -> b.isOnline("max"), "max counted in without waiting for a's beat");
    assertTrue(a.isOnline("max"));
    assertTrue(reported.isEmpty(), "nobody went offline: " + reported);
  }
}
