package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.transport.ws.RawWebSocket;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the packaged server does with clients that do not play by the rules (PROTOCOL.md
 * "Transport", "Limits and overload", "Close codes"): Origin and path checks on the upgrade,
 * oversized (also fragmented), binary and non-UTF-8 frames, the auth deadline, floods, a reader
 * that stops reading, and a peer that stops answering pings. Raw sockets ({@link RawWebSocket})
 * send what real clients never would.
 *
 * <p>One server (allowed origins, 1 KiB frames) serves the handshake and frame tests; the
 * deadline, flood, slow-consumer and heartbeat tests each start one with the limit they need.
 */
class AbuseIT {
  private static final String[] FAST = {"--send-per-second", "100000", "--send-burst", "100000",
      "--requests-per-second", "100000", "--request-burst", "100000"};
  private static final int MAX_FRAME = 1024;

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
      "--allowed-origins", "https://chat.example.org, http://localhost:5173",
      "--max-frame-bytes", String.valueOf(MAX_FRAME));
  /** Where the servers of the tests that need limits of their own keep their data. */
  @TempDir static Path tmp;
  private static final AtomicInteger dirs = new AtomicInteger();

  private static ServerProcess server() {
    return shared.process();
  }

  /** {@link #FAST}, then {@code more}. */
  private static String[] fast(String... more) {
    String[] args = java.util.Arrays.copyOf(FAST, FAST.length + more.length);
    System.arraycopy(more, 0, args, FAST.length, more.length);
    return args;
  }

  /** A server of the test's own, for a limit the shared one does not have. */
  private static ServerProcess startServer(String... args) throws Exception {
    return ServerProcess.start(tmp.resolve("data-" + dirs.incrementAndGet()), args);
  }

  // ---- the upgrade ----

  /** Upgrades to {@code path} with the given Origin (null: none); true on 101 and a hello. */
  private static boolean upgrades(String path, String origin) throws Exception {
    return upgradesTo(server(), path, origin);
  }

  private static boolean upgradesTo(ServerProcess to, String path, String origin)
      throws Exception {
    RawWebSocket.Builder b = RawWebSocket.to(to.wsPort()).path(path);
    if (origin != null) {
      b.header("Origin", origin);
    }
    try (RawWebSocket ws = b.open()) {
      if (ws.upgraded()) {
        assertEquals("hello", ws.readJson().get("type").getAsString());
        return true;
      }
      // Refused: an HTTP error (docs/protocol.md: 404), no WebSocket, and the connection ends.
      assertEquals(404, ws.status(), "status line: " + ws.statusLine());
      assertTrue(ws.awaitEndOfStream(5_000), "refused connection left open");
      return false;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://chat.example.org", "http://localhost:5173",
      "HTTPS://Chat.Example.ORG", "https://chat.example.org:443"})
  void aListedOriginIsAccepted(String origin) throws Exception {
    assertTrue(upgrades("/ws", origin), origin);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://evil.example", "https://chat.example.org.evil.test",
      "https://evil-chat.example.org", "https://evilchat.example.org", "http://chat.example.org",
      "https://chat.example.org:8443", "http://localhost:5174", "http://localhost",
      "https://chat.example.org/", "https://user@chat.example.org", "null", ""})
  void anUnlistedOrLookAlikeOriginIsRefused(String origin) throws Exception {
    assertFalse(upgrades("/ws", origin), origin);
  }

  /** The explicit list replaces the default one: the server's own web origin is not on it. */
  @Test
  void theDefaultOriginsAreReplacedByTheList() throws Exception {
    assertFalse(upgrades("/ws", "http://localhost:" + server().httpPort));
    assertFalse(upgrades("/ws", "http://127.0.0.1:" + server().httpPort));
  }

  /**
   * Without --allowed-origins the server's own pages may connect, also when their HTTP port was
   * chosen by the system (--http-port 0, as every server of these tests is started).
   */
  @Test
  void withoutAListTheServersOwnPagesAreAllowedOnTheBoundHttpPort() throws Exception {
    try (ServerProcess defaults = startServer("--store", "memory")) {
      for (String origin : new String[] {"http://127.0.0.1:" + defaults.httpPort,
          "http://localhost:" + defaults.httpPort}) {
        assertTrue(upgradesTo(defaults, "/ws", origin), origin);
      }
      assertFalse(upgradesTo(defaults, "/ws", "http://127.0.0.1:0"));
      assertFalse(upgradesTo(defaults, "/ws", "http://localhost:" + (defaults.httpPort + 1)));
      assertFalse(upgradesTo(defaults, "/ws", "https://chat.example.org"));
    }
  }

  /** Bots and command-line clients send no Origin: accepted. */
  @Test
  void noOriginIsAccepted() throws Exception {
    assertTrue(upgrades("/ws", null));
    try (WireClient c = WireClient.connect(server().wsUri())) {
      c.ok(Frames.of("type", "ping"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/ws/", "/wss", "/ws/x", "/api/ws", "/WS", "/index.html"})
  void onlyTheWsPathUpgrades(String path) throws Exception {
    assertFalse(upgrades(path, null), path);
  }

  // ---- frames ----

  /** A raw connection past the hello, not signed in (frame rules apply before login too). */
  private static RawWebSocket raw() throws IOException {
    RawWebSocket ws = RawWebSocket.connect(server().wsPort());
    assertEquals("hello", ws.readJson().get("type").getAsString());
    return ws;
  }

  /** A ping request padded with an ignored field to exactly {@code bytes} bytes. */
  private static byte[] pingOfSize(String id, int bytes) {
    String head = "{\"type\":\"ping\",\"id\":\"" + id + "\",\"pad\":\"";
    String tail = "\"}";
    String frame = head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    byte[] utf8 = frame.getBytes(StandardCharsets.UTF_8);
    assertEquals(bytes, utf8.length);
    return utf8;
  }

  /** A frame of exactly maxFrameBytes is fine; one byte more closes the connection 1009. */
  @Test
  void aFrameOverMaxFrameBytesIsClosedWith1009() throws Exception {
    try (RawWebSocket ws = raw()) {
      ws.sendFrame(true, RawWebSocket.TEXT, pingOfSize("fits", MAX_FRAME));
      assertReply(ws.readJson(), "fits");
      ws.sendFrame(true, RawWebSocket.TEXT, pingOfSize("big", MAX_FRAME + 1));
      assertEquals(1009, ws.awaitClose(10_000).code());
    }
  }

  /** Fragments count together: each under the limit, their sum over it, closes 1009. */
  @Test
  void fragmentsOfOneMessageAreCountedTogether() throws Exception {
    try (RawWebSocket ws = raw()) {
      byte[] fits = pingOfSize("frag-ok", MAX_FRAME);
      ws.sendFragmented(RawWebSocket.TEXT, fits, 400, 400, MAX_FRAME - 800);
      assertReply(ws.readJson(), "frag-ok"); // a fragmented message is one request

      byte[] tooBig = pingOfSize("frag-big", 3 * 400);
      ws.sendFragmented(RawWebSocket.TEXT, tooBig, 400, 400, 400);
      assertEquals(1009, ws.awaitClose(10_000).code());
    }
  }

  /** A message that never ends is closed 1009 as soon as its fragments pass the limit. */
  @Test
  void anUnfinishedMessageIsClosedWith1009OnceItsFragmentsPassTheLimit() throws Exception {
    try (RawWebSocket ws = raw()) {
      byte[] part = "x".repeat(400).getBytes(StandardCharsets.UTF_8);
      ws.sendFrame(false, RawWebSocket.TEXT, "{\"type\":\"ping\",\"pad\":\""
          .getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 3; i++) { // 1,200+ bytes, and no final fragment
        ws.sendFrame(false, RawWebSocket.CONTINUATION, part);
      }
      assertEquals(1009, ws.awaitClose(10_000).code());
    }
  }

  @Test
  void aBinaryFrameIsClosedWith1003() throws Exception {
    try (RawWebSocket ws = raw()) {
      ws.sendFrame(true, RawWebSocket.BINARY,
          "{\"type\":\"ping\",\"id\":\"b\"}".getBytes(StandardCharsets.UTF_8));
      assertEquals(1003, ws.awaitClose(10_000).code());
    }
  }

  @Test
  void invalidUtf8IsClosedWith1007() throws Exception {
    try (RawWebSocket ws = raw()) {
      byte[] head = "{\"type\":\"ping\",\"id\":\"".getBytes(StandardCharsets.UTF_8);
      byte[] frame = new byte[head.length + 4];
      System.arraycopy(head, 0, frame, 0, head.length);
      frame[head.length] = (byte) 0xC3; // a lead byte followed by no continuation byte
      frame[head.length + 1] = (byte) 0x28;
      frame[head.length + 2] = '"';
      frame[head.length + 3] = '}';
      ws.sendFrame(true, RawWebSocket.TEXT, frame);
      assertEquals(1007, ws.awaitClose(10_000).code());
    }
  }

  /** Malformed requests, before and after login, get bad_request and the connection stays. */
  @Test
  void badFramesGetAnErrorAndKeepTheConnectionOpen() throws Exception {
    try (RawWebSocket ws = raw()) {
      List<String> bad = List.of("", " ", "{", "}", "{}", "[]", "[{\"type\":\"ping\"}]",
          "{\"type\":\"ping\"} {\"type\":\"ping\"}", "{\"type\":\"ping\",\"type\":\"ping\"}",
          "{\"type\":null}", "{\"type\":\"PING\"}", "{'type':'ping'}",
          "{\"type\":\"ping\",\"x\":" + "[".repeat(40) + "]".repeat(40) + "}",
          "{\"type\":\"history\",\"conv\":\"@x\",\"limit\":1e99}",
          "{\"type\":\"history\",\"conv\":\"@x\",\"after\":99999999999999999999999}",
          "{\"type\":\"send\",\"to\":\"@x\",\"text\":\"\\ud800\",\"cid\":\"\u0000\"}");
      for (String frame : bad) {
        ws.sendText(frame);
        JsonObject reply = ws.readJson();
        assertEquals("error", reply.get("type").getAsString(), frame + " -> " + reply);
        assertTrue(List.of("bad_request", "unauthorized").contains(
            reply.get("code").getAsString()), frame + " -> " + reply);
      }
      ws.sendText(Frames.of("type", "register", "id", "r", "user", "sturdy", "password",
          WireClient.PASSWORD).toString());
      assertReply(ws.readJson(), "r");
      for (String frame : bad) {
        ws.sendText(frame);
        JsonObject reply = ws.readJson();
        assertEquals("error", reply.get("type").getAsString(), frame + " -> " + reply);
        assertEquals("bad_request", reply.get("code").getAsString(), frame + " -> " + reply);
      }
      ws.sendText(Frames.of("type", "rooms", "id", "still-here").toString());
      assertReply(ws.readJson(), "still-here");
    }
  }

  // ---- deadlines and floods ----

  /**
   * A connection that has not signed in within authTimeoutMs is closed 1008; pings do not
   * extend the deadline, and a signed-in connection is not affected. (One second rather than
   * less, so that the signed-in connection reliably makes it on a cold, busy JVM.)
   */
  @Test
  void noLoginWithinTheAuthTimeoutIsClosedWith1008() throws Exception {
    try (ServerProcess s = startServer("--store", "memory", "--auth-timeout-ms", "1000");
        WireClient signedIn = WireClient.connect(s.wsUri())) {
      signedIn.register("early");
      long start = System.nanoTime();
      try (RawWebSocket ws = RawWebSocket.connect(s.wsPort())) {
        JsonObject hello = ws.readJson();
        assertEquals(1000, hello.getAsJsonObject("limits").get("authTimeoutMs").getAsInt());
        ws.sendText("{\"type\":\"ping\",\"id\":\"p\"}");
        assertReply(ws.readJson(), "p");

        RawWebSocket.Closed closed = ws.awaitClose(10_000);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1008, closed.code());
        assertEquals("authentication timeout", closed.reason());
        assertTrue(elapsedMs >= 1000, "closed after " + elapsedMs + " ms");
      }
      // Opened before the one just closed, so older than the deadline: still fine.
      signedIn.ok(Frames.of("type", "ping"));
      assertTrue(signedIn.isOpen());
    }
  }

  /**
   * More frames than the per-connection bucket allows (any frames, malformed ones included)
   * close the connection 1008 "flood"; a connection within its burst is served.
   */
  @Test
  void aFloodOfFramesIsClosedWith1008() throws Exception {
    try (ServerProcess s = startServer("--store", "memory", "--requests-per-second", "5",
        "--request-burst", "10")) {
      try (RawWebSocket calm = RawWebSocket.connect(s.wsPort())) {
        calm.readJson();
        for (int i = 0; i < 9; i++) {
          calm.sendText("{\"type\":\"ping\",\"id\":\"c" + i + "\"}");
          assertReply(calm.readJson(), "c" + i);
        }
      }
      for (String frame : List.of("{\"type\":\"ping\"}", "not even json")) {
        try (RawWebSocket flood = RawWebSocket.connect(s.wsPort())) {
          flood.readJson();
          for (int i = 0; i < 40; i++) {
            try {
              flood.sendText(frame);
            } catch (IOException e) {
              break; // already closed by the server
            }
          }
          RawWebSocket.Closed closed = flood.awaitClose(10_000);
          assertEquals(1008, closed.code(), frame);
          assertEquals("flood", closed.reason(), frame);
        }
      }
    }
  }

  /**
   * The server pings (here every 2 s); a peer that does not answer is disconnected within about
   * 1.5 intervals, while one that answers (every WebSocket library does) stays.
   */
  @Test
  void aPeerThatDoesNotAnswerPingsIsDisconnected() throws Exception {
    try (ServerProcess s = startServer("--store", "memory", "--ping-interval-seconds", "2");
        WireClient answering = WireClient.connect(s.wsUri())) {
      answering.register("answers");
      try (RawWebSocket silent = RawWebSocket.connect(s.wsPort())) {
        silent.readJson();
        silent.sendText(Frames.of("type", "register", "id", "r", "user", "silent",
            "password", WireClient.PASSWORD).toString());
        assertReply(silent.readJson(), "r"); // readText answers pings; from here on, nothing
        AtomicInteger pings = new AtomicInteger();
        RawWebSocket.Closed closed = silent.readUntilClose(15_000, f -> {
          if (f.opcode() == RawWebSocket.PING) {
            pings.incrementAndGet();
          }
        });
        assertTrue(pings.get() >= 1, "the server never pinged; closed " + closed);
      }
      answering.ok(Frames.of("type", "ping"));
      assertTrue(answering.isOpen());
    }
  }

  /**
   * Each read that moves a marker is an event to every member of the room: a user moving its
   * marker by one, as fast as its connection may send, gets its events cut to the default rate
   * (10 a second, a burst of 30), the last one saying the highest seq (docs/protocol.md).
   */
  @Test
  void readsMovingOneByOneCostAtMostTheReadEventRate() throws Exception {
    int messages = 300;
    try (ServerProcess s = startServer(fast("--store", "memory"));
        WireClient alice = WireClient.connect(s.wsUri());
        WireClient bob = WireClient.connect(s.wsUri())) {
      room("busy", alice, bob);
      sendBatch(alice, 0, messages, "m");
      bob.sync();

      long start = System.nanoTime();
      for (int seq = 1; seq < messages; seq++) {
        alice.fire(Frames.of("type", "read", "conv", "#busy", "seq", seq));
      }
      alice.ok(Frames.of("type", "read", "conv", "#busy", "seq", messages));
      // the last event names the last seq, however many moves it stands for
      List<Long> seqs = new ArrayList<>();
      for (long seq = 0; seq != messages; ) {
        JsonObject read = bob.await("read");
        assertEquals("alice", read.get("user").getAsString(), read.toString());
        seq = read.get("seq").getAsLong();
        seqs.add(seq);
      }
      double seconds = (System.nanoTime() - start) / 1e9;

      assertTrue(seqs.size() <= 30 + 10 * Math.ceil(seconds) + 1,
          seqs.size() + " read events in " + seconds + " s: " + seqs);
      for (int i = 1; i < seqs.size(); i++) {
        assertTrue(seqs.get(i) > seqs.get(i - 1), "out of order: " + seqs);
      }
      assertEquals(List.of(), bob.syncTypes("read")); // nothing more once the last is told
      ServerLogs.assertNoErrors(s);
    }
  }

  /**
   * A room's members' read events together are bounded in deliveries (here 3 a second, a burst
   * of 6, in a room of 3: two events at once, then one a second): two members reading as fast
   * as they may reach the third as a handful of events, ending at each one's last seq.
   */
  @Test
  void aRoomsReadEventsTogetherCostAtMostItsDeliveryBudget() throws Exception {
    int messages = 20;
    try (ServerProcess s = startServer(
        fast("--store", "memory", "--room-read-deliveries-per-second", "3"));
        WireClient alice = WireClient.connect(s.wsUri());
        WireClient bob = WireClient.connect(s.wsUri());
        WireClient carol = WireClient.connect(s.wsUri())) {
      room("busy", alice, bob, carol);
      sendBatch(alice, 0, messages, "m");
      alice.sync();

      long start = System.nanoTime();
      for (int seq = 1; seq <= messages; seq++) {
        bob.fire(Frames.of("type", "read", "conv", "#busy", "seq", seq));
        carol.fire(Frames.of("type", "read", "conv", "#busy", "seq", seq));
      }
      bob.sync();
      carol.sync();
      int events = 0;
      java.util.Map<String, Long> last = new java.util.HashMap<>();
      while (last.getOrDefault("bob", 0L) < messages || last.getOrDefault("carol", 0L) < messages) {
        JsonObject read = alice.await("read");
        last.merge(read.get("user").getAsString(), read.get("seq").getAsLong(), Math::max);
        events++;
      }
      double seconds = (System.nanoTime() - start) / 1e9;

      assertTrue(events <= 2 + Math.ceil(seconds) + 1, events + " read events in " + seconds
          + " s");
      assertEquals(List.of(), alice.syncTypes("read"));
      ServerLogs.assertNoErrors(s);
    }
  }

  /**
   * Every first sign-in and last close of a user is an event to everyone who shares a room with
   * it: an account that connects and disconnects in a loop gets its changes cut to the rate (here
   * 60 a minute, a burst of 20), and the others still end with its true state (docs/protocol.md).
   */
  @Test
  void anAccountFlappingOnlineAndOfflineCostsAtMostThePresenceRate() throws Exception {
    int flaps = 60;
    try (ServerProcess s = startServer(
        fast("--store", "memory", "--presence-changes-per-minute", "60"));
        WireClient alice = WireClient.connect(s.wsUri())) {
      alice.register("alice");
      alice.ok(Frames.of("type", "create", "room", "lobby"));
      String token;
      try (WireClient bob = WireClient.connect(s.wsUri())) {
        bob.register("bob");
        bob.ok(Frames.of("type", "join", "room", "lobby"));
        token = bob.token;
      }
      alice.sync();

      long start = System.nanoTime();
      for (int i = 0; i < flaps; i++) {
        try (WireClient again = WireClient.connect(s.wsUri())) {
          again.loginWithToken(token);
        }
      }
      List<JsonObject> presence = new ArrayList<>(alice.syncTypes("presence"));
      double seconds = (System.nanoTime() - start) / 1e9;
      if (presence.isEmpty() || presence.get(presence.size() - 1).get("online").getAsBoolean()) {
        // bob is offline, and the last word was not that: the change waits for its token
        presence.add(alice.await("presence"));
      }

      // 2 changes per flap without the bound; 19 of the burst were left after bob's sign-up
      assertTrue(presence.size() <= 19 + Math.ceil(seconds) + 1,
          presence.size() + " presence events in " + seconds + " s");
      JsonObject last = presence.get(presence.size() - 1);
      assertEquals("bob", last.get("user").getAsString(), last.toString());
      assertFalse(last.get("online").getAsBoolean(), "bob is offline, but last said " + last);
      ServerLogs.assertNoErrors(s);
    }
  }

  /**
   * One connection's frames are bounded by the flood limit; a user with many connections shares
   * one budget for the requests with no limit of their own (here 50 a second, a burst of 1,000).
   * Beyond it they are refused rate_limited, and every connection stays open.
   */
  @Test
  void oneUserOnManyConnectionsSharesOneRequestBudget() throws Exception {
    int connections = 20;
    int each = 70; // within one connection's burst of 100
    try (ServerProcess s = startServer("--store", "memory", "--user-requests-per-second", "50")) {
      List<WireClient> clients = new ArrayList<>();
      try {
        WireClient first = WireClient.connect(s.wsUri()).register("alice");
        clients.add(first);
        while (clients.size() < connections) {
          clients.add(WireClient.connect(s.wsUri()).loginWithToken(first.token));
        }
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
          for (int i = 0; i < each; i++) {
            clients.get(c).fire(Frames.of("type", "conversations", "id", "q" + c + "-" + i));
          }
        }
        int ok = 0;
        int refused = 0;
        for (int c = 0; c < connections; c++) {
          for (int i = 0; i < each; i++) {
            JsonObject reply = clients.get(c).awaitReply("q" + c + "-" + i);
            if (reply.get("type").getAsString().equals("ok")) {
              ok++;
            } else {
              assertEquals("rate_limited", reply.get("code").getAsString(), reply.toString());
              assertTrue(reply.get("retryAfterMs").getAsLong() > 0, reply.toString());
              refused++;
            }
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        assertTrue(ok <= 1_000 + 50 * Math.ceil(seconds) + 1,
            ok + " of " + connections * each + " answered in " + seconds + " s");
        assertEquals(connections * each, ok + refused);
        for (WireClient c : clients) {
          assertTrue(c.isOpen(), "a connection was closed");
          c.ok(Frames.of("type", "ping")); // pings are outside the budget
        }
        ServerLogs.assertNoErrors(s);
      } finally {
        for (WireClient c : clients) {
          c.close();
        }
      }
    }
  }

  /**
   * A join or leave is an event to every member of the room: one user joining and leaving in a
   * loop gets its changes refused beyond the default (60 a minute, a burst of 100), so the
   * members hear at most that many.
   */
  @Test
  void joiningAndLeavingInALoopIsRefusedBeyondTheJoinRate() throws Exception {
    int flaps = 100; // 200 changes
    try (ServerProcess s = startServer(fast("--store", "memory"));
        WireClient alice = WireClient.connect(s.wsUri());
        WireClient bob = WireClient.connect(s.wsUri())) {
      alice.register("alice");
      bob.register("bob");
      alice.ok(Frames.of("type", "create", "room", "lobby"));
      alice.sync();

      long start = System.nanoTime();
      int refused = 0;
      for (int i = 0; i < flaps; i++) {
        for (String type : new String[] {"join", "leave"}) {
          JsonObject reply = bob.request(Frames.of("type", type, "room", "lobby"));
          if (reply.get("type").getAsString().equals("error")) {
            assertEquals("rate_limited", reply.get("code").getAsString(), reply.toString());
            refused++;
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<JsonObject> told = alice.syncTypes("member");

      assertTrue(told.size() <= 100 + Math.ceil(seconds) + 1,
          told.size() + " member events in " + seconds + " s");
      assertTrue(refused > 0, "nothing refused");
      assertTrue(bob.isOpen());
      ServerLogs.assertNoErrors(s);
    }
  }

  /**
   * Anyone may create a room and invite others into it, and each invite and kick is an event to
   * every member: an owner inviting and kicking in a loop gets its changes refused beyond the
   * default (600 a minute, a burst of 100), so the members hear at most that many.
   */
  @Test
  void invitingAndKickingInALoopIsRefusedBeyondTheModerationRate() throws Exception {
    int loops = 100; // 200 changes
    try (ServerProcess s = startServer(fast("--store", "memory"));
        WireClient alice = WireClient.connect(s.wsUri());
        WireClient bob = WireClient.connect(s.wsUri());
        WireClient carol = WireClient.connect(s.wsUri())) {
      alice.register("alice");
      bob.register("bob");
      carol.register("carol");
      alice.ok(Frames.of("type", "create", "room", "den", "private", true));
      alice.ok(Frames.of("type", "invite", "room", "den", "user", "carol")); // one token
      carol.sync();

      long start = System.nanoTime();
      int refused = 0;
      for (int i = 0; i < loops; i++) {
        for (String type : new String[] {"invite", "kick"}) {
          JsonObject reply = alice.request(Frames.of("type", type, "room", "den", "user", "bob"));
          if (reply.get("type").getAsString().equals("error")) {
            assertEquals("rate_limited", reply.get("code").getAsString(), reply.toString());
            refused++;
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<JsonObject> told = carol.syncTypes("member");

      assertTrue(told.size() <= 99 + Math.ceil(seconds * 10) + 1,
          told.size() + " member events in " + seconds + " s");
      assertTrue(refused > 0, "nothing refused");
      assertTrue(alice.isOpen());
      ServerLogs.assertNoErrors(s);
    }
  }

  // ---- slow consumers ----

  /**
   * A member that stops reading, in a busy room, is closed 1008 "slow consumer" once its unsent
   * backlog passes --max-outbound-bytes: it got every message up to then, in order and without
   * a gap, and nothing after; the other members got every message in order; after reconnecting,
   * the slow one catches up with conversations and history.
   */
  @Test
  void aMemberThatStopsReadingIsClosedAsASlowConsumerAndTheOthersGetEverything()
      throws Exception {
    try (ServerProcess s = startServer(fast("--store", "memory", "--max-outbound-bytes", "65536"));
        WireClient alice = WireClient.connect(s.wsUri());
        WireClient bob = WireClient.connect(s.wsUri())) {
      room("busy", alice, bob);

      // Carol: a small receive window; she joins, then never reads again (for now).
      RawWebSocket carol = RawWebSocket.to(s.wsPort()).receiveBuffer(4_096).open();
      try {
        assertTrue(carol.upgraded(), carol.statusLine());
        carol.readJson(); // hello
        carol.sendText(Frames.of("type", "register", "id", "r", "user", "carol", "password",
            WireClient.PASSWORD).toString());
        awaitReply(carol, "r");
        carol.sendText(Frames.of("type", "join", "id", "j", "room", "busy").toString());
        awaitReply(carol, "j");

        // Alice sends in small batches (so that the readers are never far behind) until the
        // server reports giving up on Carol.
        String text = "x".repeat(3_000);
        int batch = 8;
        int sent = 0;
        String carolPort = ":" + carol.socket().getLocalPort();
        while (!s.loggedLine(carolPort, "slow consumer")) {
          assertTrue(sent < 4_000, "Carol was never closed as a slow consumer");
          sent = sendBatch(alice, sent, batch, text);
        }
        sent = sendBatch(alice, sent, batch, text); // these must not reach her

        // Carol reads again: messages 1..n without a gap, then the close.
        List<Long> seqs = new ArrayList<>();
        RawWebSocket.Closed closed = carol.readUntilClose(10_000, f -> {
          if (f.opcode() == RawWebSocket.TEXT) {
            JsonObject e = JsonParser.parseString(f.text()).getAsJsonObject();
            if (e.get("type").getAsString().equals("message")) {
              seqs.add(e.get("seq").getAsLong());
            }
          }
        });
        assertEquals(1008, closed.code(), closed.toString());
        assertEquals("slow consumer", closed.reason());
        assertTrue(seqs.size() <= sent - batch, "Carol got " + seqs.size() + " of " + sent);
        for (int i = 0; i < seqs.size(); i++) {
          assertEquals(i + 1, seqs.get(i), "a gap in what Carol got");
        }

        // Bob and Alice, who read, got every message in order.
        for (long seq = 1; seq <= sent; seq++) {
          assertEquals(seq, bob.await("message").get("seq").getAsLong());
          assertEquals(seq, alice.await("message").get("seq").getAsLong());
        }

        // Carol reconnects and catches up: conversations, then history after her last seq.
        try (WireClient again = WireClient.connect(s.wsUri())) {
          again.login("carol", WireClient.PASSWORD);
          assertEquals(List.of((long) sent, 0L),
              ProtocolIT.conversations(again).get("#busy"));
          long last = seqs.size();
          boolean more = true;
          while (more) {
            JsonObject page = again.ok(Frames.of("type", "history", "conv", "#busy",
                "after", last, "limit", 200));
            for (JsonElement e : page.getAsJsonArray("messages")) {
              assertEquals(last + 1, e.getAsJsonObject().get("seq").getAsLong());
              last++;
            }
            more = page.get("more").getAsBoolean();
          }
          assertEquals(sent, last);
        }
      } finally {
        carol.close();
      }
    }
  }

  /** Sends {@code n} room messages pipelined and waits for the last ok; returns the new count. */
  private static int sendBatch(WireClient alice, int sent, int n, String text)
      throws InterruptedException {
    for (int i = 0; i < n; i++) {
      sent++;
      alice.fire(Frames.of("type", "send", "id", "s" + sent, "to", "#busy", "text", text,
          "cid", "c" + sent));
    }
    JsonObject ok = alice.awaitReply("s" + sent);
    assertEquals("ok", ok.get("type").getAsString(), ok.toString());
    assertEquals(sent, ok.get("seq").getAsLong());
    return sent;
  }

  // ---- helpers ----

  /**
   * Registers the clients as alice, bob, carol (in that order) and makes a public room of them:
   * the first creates it, the others join.
   */
  private static void room(String room, WireClient... members) throws InterruptedException {
    String[] names = {"alice", "bob", "carol"};
    for (int i = 0; i < members.length; i++) {
      members[i].register(names[i]);
      members[i].ok(Frames.of("type", i == 0 ? "create" : "join", "room", room));
    }
  }

  /** Reads until the reply to {@code id}, skipping events; it must be ok. */
  private static void awaitReply(RawWebSocket ws, String id) throws IOException {
    for (int i = 0; i < 20; i++) {
      JsonObject f = ws.readJson();
      if (f.has("re") && !f.get("re").isJsonNull() && f.get("re").getAsString().equals(id)) {
        assertEquals("ok", f.get("type").getAsString(), f.toString());
        return;
      }
    }
    throw new AssertionError("no reply to " + id);
  }

  private static void assertReply(JsonObject f, String id) {
    assertEquals("ok", f.get("type").getAsString(), f.toString());
    assertEquals(id, f.get("re").getAsString(), f.toString());
  }
}
