package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md against the packaged jar, request by request, each result checked for the shape the
 * contract gives it: session start, signing in and out, messages (naming, fan-out, idempotency),
 * catch-up and history, read markers, typing, presence and ping. Rooms are in {@link RoomsIT},
 * error codes in {@link ErrorsIT}, transport abuse in {@link AbuseIT}.
 *
 * <p>One server for the class; every test uses users of its own, so tests do not see each
 * other's events. "Nothing else arrived" is checked with a ping barrier ({@link WireClient#sync})
 * where the server sends the event in question before it replies to the request causing it, or
 * by order (a later, expected event shows the unexpected one did not come before it).
 */
class ProtocolIT {
  private static final long DAY_MS = Duration.ofDays(1).toMillis();

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
      "--send-per-second", "1000", "--send-burst", "1000",
      "--requests-per-second", "10000", "--request-burst", "10000");
  private final WireClients wire = shared.wire();

  private WireClient connect() throws InterruptedException {
    return wire.connect();
  }

  /** A new account with a name no other test uses, signed in on a new connection. */
  private WireClient user(String base) throws InterruptedException {
    return wire.user(base);
  }

  /** Another connection of the same user (token login). */
  private WireClient sessionOf(WireClient c) throws InterruptedException {
    return connect().loginWithToken(c.token);
  }

  private static String unique(String base) {
    return WireClients.unique(base);
  }

  // ---- session start ----

  /** The server speaks first: hello with protocol 1, name/version, the store's epoch, limits. */
  @Test
  void helloIsTheFirstFrameWithProtocolServerEpochAndTheEnforcedLimits() throws Exception {
    WireClient a = connect(); // connect() asserts that the first frame is the hello
    WireClient b = connect();

    JsonObject hello = a.hello;
    assertEquals(1, hello.get("protocol").getAsInt());
    String name = hello.get("server").getAsString();
    assertTrue(name.matches("[^/\\s]+/[^/\\s]+"), "server is <name>/<version>: " + name);
    String epoch = hello.get("epoch").getAsString();
    assertFalse(epoch.isBlank());
    assertEquals(epoch, b.hello.get("epoch").getAsString(), "one store, one epoch");
    JsonObject limits = hello.getAsJsonObject("limits");
    assertEquals(65_536, limits.get("maxFrameBytes").getAsInt());
    assertEquals(4_000, limits.get("maxTextChars").getAsInt());
    assertEquals(200, limits.get("historyMax").getAsInt());
    assertEquals(1_000, limits.get("sendPerSecond").getAsInt(), "as started: --send-per-second");
    assertEquals(1_000, limits.get("sendBurst").getAsInt(), "as started: --send-burst");
    assertEquals(10_000, limits.get("authTimeoutMs").getAsInt());
  }

  /** ping answers ok with the server's time, signed in or not; without an id, nothing. */
  @Test
  void pingAnswersWithTheServerTimeBeforeAndAfterLogin() throws Exception {
    WireClient c = connect();
    long before = System.currentTimeMillis();
    JsonObject pong = c.ok(Frames.of("type", "ping"));
    long after = System.currentTimeMillis();
    long ts = pong.get("ts").getAsLong();
    assertTrue(ts >= before - 1_000 && ts <= after + 1_000, "server time " + ts);

    c.fire(Frames.of("type", "ping")); // no id: a request that succeeds gets no reply
    assertEquals(List.of(), c.sync());

    c.register(unique("pinger"));
    assertTrue(c.ok(Frames.of("type", "ping")).get("ts").getAsLong() >= ts);
  }

  // ---- signing in ----

  /** register creates the account (name case-folded) and signs the connection in. */
  @Test
  void registerCreatesTheAccountFoldsTheNameAndSignsIn() throws Exception {
    String name = unique("Reg.User-");
    WireClient c = connect();
    long before = System.currentTimeMillis();
    JsonObject ok = c.ok(Frames.of("type", "register", "user", name, "password",
        WireClient.PASSWORD));

    assertEquals(name.toLowerCase(Locale.ROOT), ok.get("user").getAsString());
    String token = ok.get("token").getAsString();
    assertTrue(token.length() >= 16, "at least 128 bits: " + token.length() + " chars");
    assertExpiresIn30Days(before, ok.get("expiresAt").getAsLong());
    c.ok(Frames.of("type", "rooms")); // signed in: no longer unauthorized

    // The account exists: a password login works, whatever the case of the name.
    connect().login(name.toUpperCase(Locale.ROOT), WireClient.PASSWORD);
  }

  /** A password login issues a new token; a token login returns that same token. */
  @Test
  void passwordLoginIssuesANewTokenAndTokenLoginReturnsTheSameOne() throws Exception {
    WireClient first = user("login");
    WireClient second = connect();
    long before = System.currentTimeMillis();
    JsonObject byPassword = second.ok(Frames.of("type", "login",
        "user", first.user.toUpperCase(Locale.ROOT), "password", WireClient.PASSWORD));
    assertEquals(first.user, byPassword.get("user").getAsString());
    String token = byPassword.get("token").getAsString();
    assertNotEquals(first.token, token, "a password login gets a token of its own");
    long expiresAt = byPassword.get("expiresAt").getAsLong();
    assertExpiresIn30Days(before, expiresAt);

    JsonObject byToken = connect().ok(Frames.of("type", "login", "token", token));
    assertEquals(first.user, byToken.get("user").getAsString());
    assertEquals(token, byToken.get("token").getAsString());
    assertEquals(expiresAt, byToken.get("expiresAt").getAsLong());
  }

  /** logout: ok, the token is revoked, every connection on it is closed 1008; others stay. */
  @Test
  void logoutRevokesTheTokenAndClosesEveryConnectionUsingIt() throws Exception {
    WireClient a = user("out");
    WireClient sameToken = sessionOf(a);
    WireClient otherToken = connect();
    otherToken.login(a.user, WireClient.PASSWORD);

    a.ok(Frames.of("type", "logout"));

    assertEquals(1008, a.awaitClose());
    assertEquals("logged out", a.closeReason);
    assertEquals(1008, sameToken.awaitClose());
    assertEquals("logged out", sameToken.closeReason);
    assertTrue(otherToken.isOpen());
    otherToken.ok(Frames.of("type", "rooms")); // still signed in
    WireClient later = connect();
    later.error(Frames.of("type", "login", "token", a.token), "unauthorized");
    later.ok(Frames.of("type", "login", "token", otherToken.token));
  }

  // ---- messages ----

  /**
   * A direct message reaches every session of both parties, the sending one and the sender's
   * other one included, named from each receiver's side; seq starts at 1 and grows by 1.
   */
  @Test
  void aDirectMessageReachesEverySessionOfBothPartiesNamedFromEachSide() throws Exception {
    WireClient alice = user("alice");
    WireClient alice2 = sessionOf(alice);
    WireClient bob = user("bob");

    long before = System.currentTimeMillis();
    JsonObject ok = alice.send("@" + bob.user, "hi bob", "c-1");
    long after = System.currentTimeMillis();
    assertEquals("@" + bob.user, ok.get("conv").getAsString());
    assertEquals(1, ok.get("seq").getAsLong());
    assertEquals("c-1", ok.get("cid").getAsString());
    long ts = ok.get("ts").getAsLong();
    assertTrue(ts >= before - 1_000 && ts <= after + 1_000, "ts " + ts);

    assertMessage(alice.await("message"), "@" + bob.user, 1, alice.user, "hi bob", ts, "c-1");
    assertMessage(alice2.await("message"), "@" + bob.user, 1, alice.user, "hi bob", ts, "c-1");
    assertMessage(bob.await("message"), "@" + alice.user, 1, alice.user, "hi bob", ts, "c-1");

    // Bob answers (naming Alice in upper case): the same conversation, the next seq.
    JsonObject reply = bob.send("@" + alice.user.toUpperCase(Locale.ROOT), "hi alice", "c-2");
    assertEquals("@" + alice.user, reply.get("conv").getAsString());
    assertEquals(2, reply.get("seq").getAsLong());
    long ts2 = reply.get("ts").getAsLong();
    assertMessage(bob.await("message"), "@" + alice.user, 2, bob.user, "hi alice", ts2, "c-2");
    assertMessage(alice.await("message"), "@" + bob.user, 2, bob.user, "hi alice", ts2, "c-2");
    assertMessage(alice2.await("message"), "@" + bob.user, 2, bob.user, "hi alice", ts2, "c-2");
  }

  /** A room message reaches every session of every member as #room, and no one else. */
  @Test
  void aRoomMessageReachesEveryMembersSessionsAndNoOneElse() throws Exception {
    WireClient alice = user("alice");
    WireClient alice2 = sessionOf(alice);
    WireClient bob = user("bob");
    WireClient carol = user("carol");
    String room = unique("hall");
    alice.ok(Frames.of("type", "create", "room", room));
    bob.ok(Frames.of("type", "join", "room", room));

    JsonObject ok = bob.send("#" + room, "hello room", "r-1");
    assertEquals("#" + room, ok.get("conv").getAsString());
    assertEquals(1, ok.get("seq").getAsLong());
    long ts = ok.get("ts").getAsLong();
    for (WireClient c : List.of(alice, alice2, bob)) {
      assertMessage(c.await("message"), "#" + room, 1, bob.user, "hello room", ts, "r-1");
    }

    // Carol is not a member: the next message she gets is Bob's DM, sent after the room one.
    bob.send("@" + carol.user, "psst", "d-1");
    JsonObject first = carol.await("message");
    assertEquals("@" + bob.user, first.get("conv").getAsString(), first.toString());
  }

  /**
   * The same sender resending a cid to the same conversation, from the same or a new connection,
   * gets the first seq back; nothing is stored or delivered again. A cid belongs to its sender
   * and conversation: another sender, or another conversation, makes a new message.
   */
  @Test
  void resendingACidReturnsTheSameSeqAndNothingIsStoredOrDeliveredTwice() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    String dm = "@" + bob.user;

    JsonObject first = alice.send(dm, "once", "dup-1");
    assertEquals(1, first.get("seq").getAsLong());
    assertEquals(1, bob.await("message").get("seq").getAsLong());
    assertEquals(1, alice.await("message").get("seq").getAsLong());

    JsonObject again = alice.send(dm, "once", "dup-1");
    assertEquals(dm, again.get("conv").getAsString());
    assertEquals(1, again.get("seq").getAsLong());
    assertEquals("dup-1", again.get("cid").getAsString());
    JsonObject fromNewConnection = sessionOf(alice).send(dm, "once", "dup-1");
    assertEquals(1, fromNewConnection.get("seq").getAsLong());

    assertEquals(2, alice.send(dm, "twice", "dup-2").get("seq").getAsLong());
    assertEquals(3, bob.send("@" + alice.user, "mine", "dup-1").get("seq").getAsLong(),
        "Bob's dup-1 is not Alice's");

    // Each side's next messages are 2 and 3: the resends were not delivered again.
    assertEquals(2, bob.await("message").get("seq").getAsLong());
    assertEquals(3, bob.await("message").get("seq").getAsLong());
    assertEquals(2, alice.await("message").get("seq").getAsLong());
    assertEquals(3, alice.await("message").get("seq").getAsLong());
    JsonArray stored = alice.ok(Frames.of("type", "history", "conv", dm))
        .getAsJsonArray("messages");
    assertEquals(List.of("dup-1", "dup-2", "dup-1"), cids(stored));
    assertEquals(List.of(alice.user, alice.user, bob.user), field(stored, "from"));

    String room = unique("dups");
    alice.ok(Frames.of("type", "create", "room", room));
    assertEquals(1, alice.send("#" + room, "once", "dup-1").get("seq").getAsLong(),
        "the same cid in another conversation is a new message");
  }

  // ---- catch-up and history ----

  /** conversations: every room the user is in and every DM with a message, with both seqs. */
  @Test
  void conversationsListsRoomsAndDirectConversationsWithLastAndReadSeq() throws Exception {
    WireClient me = user("conv");
    WireClient peer = user("peer");
    WireClient quiet = user("quiet");
    assertEquals(Map.of(), conversations(me));

    String room = unique("lobby");
    me.ok(Frames.of("type", "create", "room", room));
    peer.send("@" + me.user, "one", "p-1");
    peer.send("@" + me.user, "two", "p-2");
    me.ok(Frames.of("type", "typing", "conv", "@" + quiet.user)); // no message: not listed

    Map<String, List<Long>> list = conversations(me);
    assertEquals(Map.of("#" + room, List.of(0L, 0L), "@" + peer.user, List.of(2L, 0L)), list);

    me.ok(Frames.of("type", "read", "conv", "@" + peer.user, "seq", 1));
    me.send("#" + room, "first", "m-1");
    assertEquals(Map.of("#" + room, List.of(1L, 0L), "@" + peer.user, List.of(2L, 1L)),
        conversations(me));
    assertEquals(Map.of("@" + me.user, List.of(2L, 0L)), conversations(peer),
        "the peer sees the DM under the other name, with its own read marker");
  }

  /**
   * history: the latest page, after, before, limit (default 50), more in the direction asked,
   * message objects in ascending seq named from the reader's side.
   */
  @Test
  void historyPagesLatestAfterAndBeforeWithMore() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    String dm = "@" + bob.user;
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (int i = 1; i <= 60; i++) { // pipelined, then all replies awaited
      String id = WireClient.nextId();
      ids.put(id, i);
      alice.fire(Frames.of("type", "send", "id", id, "to", dm, "text", "m" + i, "cid", "h-" + i));
    }
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      JsonObject ok = alice.awaitReply(e.getKey());
      assertEquals("ok", ok.get("type").getAsString(), ok.toString());
      assertEquals((long) e.getValue(), ok.get("seq").getAsLong(), "one connection: in order");
    }

    JsonObject latest = alice.ok(Frames.of("type", "history", "conv", dm));
    assertEquals(dm, latest.get("conv").getAsString());
    assertPage(latest, 11, 60, true); // limit defaults to 50; older ones exist
    assertPage(alice.ok(Frames.of("type", "history", "conv", dm, "limit", 10)), 51, 60, true);
    assertPage(alice.ok(Frames.of("type", "history", "conv", dm, "limit", 60)), 1, 60, false);
    assertPage(alice.ok(Frames.of("type", "history", "conv", dm, "after", 40, "limit", 10)),
        41, 50, true);
    assertPage(alice.ok(Frames.of("type", "history", "conv", dm, "after", 55, "limit", 10)),
        56, 60, false);
    assertPage(alice.ok(Frames.of("type", "history", "conv", dm, "after", 50, "limit", 10)),
        51, 60, false);
    assertPage(alice.ok(Frames.of("type", "history", "conv", dm, "after", 60)), 1, 0, false);
    assertPage(alice.ok(Frames.of("type", "history", "conv", dm, "after", 0)), 1, 50, true);
    assertPage(alice.ok(Frames.of("type", "history", "conv", dm, "before", 11, "limit", 5)),
        6, 10, true);
    assertPage(alice.ok(Frames.of("type", "history", "conv", dm, "before", 6, "limit", 5)),
        1, 5, false);
    assertPage(alice.ok(Frames.of("type", "history", "conv", dm, "before", 1)), 1, 0, false);

    // Bob reads the same conversation under Alice's name, messages as sent.
    JsonObject bobs = bob.ok(Frames.of("type", "history", "conv", "@" + alice.user,
        "after", 0, "limit", 1));
    assertEquals("@" + alice.user, bobs.get("conv").getAsString());
    JsonObject m = bobs.getAsJsonArray("messages").get(0).getAsJsonObject();
    JsonObject sent = alice.ok(Frames.of("type", "history", "conv", dm, "after", 0, "limit", 1))
        .getAsJsonArray("messages").get(0).getAsJsonObject();
    assertMessage(m, "@" + alice.user, 1, alice.user, "m1", sent.get("ts").getAsLong(), "h-1");
    assertTrue(bobs.get("more").getAsBoolean());
  }

  /** A DM with no messages has an empty history; a room or user that does not exist, not_found. */
  @Test
  void historyOfAnEmptyDirectConversationIsEmptyAndOfNothingNotFound() throws Exception {
    WireClient alice = user("alice");
    WireClient carol = user("carol");

    JsonObject empty = alice.ok(Frames.of("type", "history", "conv", "@" + carol.user));
    assertEquals("@" + carol.user, empty.get("conv").getAsString());
    assertEquals(0, empty.getAsJsonArray("messages").size());
    assertFalse(empty.get("more").getAsBoolean());

    alice.error(Frames.of("type", "history", "conv", "#" + unique("nosuchroom")), "not_found");
    alice.error(Frames.of("type", "history", "conv", "@" + unique("nosuchuser")), "not_found");
    String room = unique("closed");
    carol.ok(Frames.of("type", "create", "room", room));
    alice.error(Frames.of("type", "history", "conv", "#" + room), "forbidden");
  }

  // ---- read markers, typing, presence ----

  /**
   * read: the marker moves forward only; the other participants and the reader's other
   * sessions get a read event (not the connection that sent it); a lower seq changes nothing.
   */
  @Test
  void readMarkersMoveForwardAndAreAnnouncedToOthersAndOtherSessions() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    WireClient bob2 = sessionOf(bob);
    for (int i = 1; i <= 3; i++) {
      alice.send("@" + bob.user, "m" + i, "r-" + i);
    }

    bob.ok(Frames.of("type", "read", "conv", "@" + alice.user, "seq", 2));
    // Events go out before the ok: whatever the reading connection would get is here now.
    assertEquals(List.of(), bob.syncTypes("read"), "the reading connection itself");
    assertRead(alice.await("read"), "@" + bob.user, bob.user, 2);
    assertRead(bob2.await("read"), "@" + alice.user, bob.user, 2);
    assertEquals(List.of(3L, 2L), conversations(bob).get("@" + alice.user)); // [last, read]

    bob.ok(Frames.of("type", "read", "conv", "@" + alice.user, "seq", 1)); // backwards: ignored
    assertEquals(List.of(), alice.syncTypes("read"));
    assertEquals(List.of(), bob2.syncTypes("read"));
    assertEquals(List.of(3L, 2L), conversations(bob).get("@" + alice.user));

    bob2.fire(Frames.of("type", "read", "conv", "@" + alice.user, "seq", 3)); // no id: no reply
    assertRead(alice.await("read"), "@" + bob.user, bob.user, 3);
    assertRead(bob.await("read"), "@" + alice.user, bob.user, 3);
    List<JsonObject> toSender = bob2.sync();
    toSender.removeIf(f -> f.get("type").getAsString().equals("message"));
    assertEquals(List.of(), toSender, "no reply without an id, no read event to the sender");
    assertEquals(List.of(3L, 3L), conversations(bob).get("@" + alice.user));

    // In a room, every other member hears it as #room.
    String room = unique("reads");
    alice.ok(Frames.of("type", "create", "room", room));
    bob.ok(Frames.of("type", "join", "room", room));
    alice.send("#" + room, "x", "x-1");
    bob.ok(Frames.of("type", "read", "conv", "#" + room, "seq", 1));
    assertRead(alice.await("read"), "#" + room, bob.user, 1);
  }

  /** typing reaches the other participants, named from their side; it is not stored. */
  @Test
  void typingReachesTheOtherParticipantsOnlyAndIsNotStored() throws Exception {
    WireClient alice = user("alice");
    WireClient alice2 = sessionOf(alice);
    WireClient bob = user("bob");

    alice.fire(Frames.of("type", "typing", "conv", "@" + bob.user));
    JsonObject typing = bob.await("typing");
    assertEquals("@" + alice.user, typing.get("conv").getAsString());
    assertEquals(alice.user, typing.get("user").getAsString());
    alice.ok(Frames.of("type", "typing", "conv", "@" + bob.user)); // with an id: ok
    assertEquals(1, bob.syncTypes("typing").size());
    // Sent before the ok: had Alice's sessions been told, it would be here already.
    assertEquals(List.of(), alice.syncTypes("typing"));
    assertEquals(List.of(), alice2.syncTypes("typing"));

    assertEquals(0, alice.ok(Frames.of("type", "history", "conv", "@" + bob.user))
        .getAsJsonArray("messages").size(), "typing is not stored");
    assertEquals(Map.of(), conversations(alice));

    String room = unique("typers");
    alice.ok(Frames.of("type", "create", "room", room));
    bob.ok(Frames.of("type", "join", "room", room));
    bob.ok(Frames.of("type", "typing", "conv", "#" + room));
    JsonObject inRoom = alice.await("typing");
    assertEquals("#" + room, inRoom.get("conv").getAsString());
    assertEquals(bob.user, inRoom.get("user").getAsString());
  }

  /**
   * presence goes to the users who share a conversation (a room, or a DM with messages) when a
   * user's first session opens and when the last one closes; not for sessions in between, and
   * not to strangers.
   */
  @Test
  void presenceIsAnnouncedOnFirstAndLastSessionToThoseWhoShareAConversation() throws Exception {
    WireClient alice = user("alice");
    WireClient stranger = user("stranger");
    String room = unique("pres");
    alice.ok(Frames.of("type", "create", "room", room));
    String bobName = unique("bob");
    WireClient setup = connect().register(bobName);
    setup.ok(Frames.of("type", "join", "room", room));
    String bobToken = setup.token;
    WireClient dmPeer = user("erin");
    dmPeer.send("@" + bobName, "hello bob", "e-1"); // Erin shares a DM with Bob
    setup.close();
    assertPresence(alice.await("presence"), bobName, false);
    assertPresence(dmPeer.await("presence"), bobName, false);

    // Bob's first session: presence before his ok, so it is queued for Alice by then.
    WireClient bob1 = connect().loginWithToken(bobToken);
    assertPresence(alice.await("presence"), bobName, true);
    assertPresence(dmPeer.await("presence"), bobName, true);
    assertEquals(List.of(), stranger.syncTypes("presence"), "shares no conversation with Bob");

    WireClient bob2 = connect().loginWithToken(bobToken); // not his first session
    assertEquals(List.of(), alice.syncTypes("presence"));

    bob1.close(); // not his last session
    bob2.close(); // his last one
    assertPresence(alice.await("presence"), bobName, false);
    assertPresence(dmPeer.await("presence"), bobName, false);
    assertEquals(List.of(), alice.syncTypes("presence"), "one offline for two sessions");
    JsonArray members = alice.ok(Frames.of("type", "members", "room", room))
        .getAsJsonArray("members");
    for (JsonElement e : members) {
      JsonObject m = e.getAsJsonObject();
      assertEquals(m.get("user").getAsString().equals(alice.user), m.get("online").getAsBoolean(),
          m.toString());
    }
  }

  // ---- helpers ----

  private static void assertExpiresIn30Days(long before, long expiresAt) {
    long after = System.currentTimeMillis();
    assertTrue(expiresAt >= before + 30 * DAY_MS - 60_000
        && expiresAt <= after + 30 * DAY_MS + 60_000, "expiresAt " + expiresAt);
  }

  static void assertMessage(JsonObject m, String conv, long seq, String from, String text,
      long ts, String cid) {
    assertEquals("message", m.get("type").getAsString(), m.toString());
    assertEquals(conv, m.get("conv").getAsString(), m.toString());
    assertEquals(seq, m.get("seq").getAsLong(), m.toString());
    assertEquals(from, m.get("from").getAsString(), m.toString());
    assertEquals(text, m.get("text").getAsString(), m.toString());
    assertEquals(ts, m.get("ts").getAsLong(), m.toString());
    assertEquals(cid, m.get("cid").getAsString(), m.toString());
  }

  private static void assertRead(JsonObject r, String conv, String user, long seq) {
    assertEquals("read", r.get("type").getAsString(), r.toString());
    assertEquals(conv, r.get("conv").getAsString(), r.toString());
    assertEquals(user, r.get("user").getAsString(), r.toString());
    assertEquals(seq, r.get("seq").getAsLong(), r.toString());
  }

  static void assertPresence(JsonObject p, String user, boolean online) {
    assertEquals(user, p.get("user").getAsString(), p.toString());
    assertEquals(online, p.get("online").getAsBoolean(), p.toString());
  }

  /** A history page holding exactly seqs {@code from..to} ascending (none if to < from). */
  private static void assertPage(JsonObject page, long from, long to, boolean more) {
    List<Long> expected = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      expected.add(s);
    }
    List<Long> seqs = new ArrayList<>();
    for (JsonElement e : page.getAsJsonArray("messages")) {
      JsonObject m = e.getAsJsonObject();
      assertEquals("message", m.get("type").getAsString());
      assertEquals(page.get("conv").getAsString(), m.get("conv").getAsString());
      assertEquals("m" + m.get("seq").getAsLong(), m.get("text").getAsString());
      assertEquals("h-" + m.get("seq").getAsLong(), m.get("cid").getAsString());
      seqs.add(m.get("seq").getAsLong());
    }
    assertEquals(expected, seqs);
    assertEquals(more, page.get("more").getAsBoolean(), "more, for " + seqs);
  }

  /** conv -> [lastSeq, readSeq]. */
  static Map<String, List<Long>> conversations(WireClient c) throws InterruptedException {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (JsonElement e : c.ok(Frames.of("type", "conversations"))
        .getAsJsonArray("conversations")) {
      JsonObject conv = e.getAsJsonObject();
      out.put(conv.get("conv").getAsString(),
          List.of(conv.get("lastSeq").getAsLong(), conv.get("readSeq").getAsLong()));
    }
    return out;
  }

  private static List<String> cids(JsonArray messages) {
    return field(messages, "cid");
  }

  private static List<String> field(JsonArray messages, String name) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : messages) {
      out.add(e.getAsJsonObject().get(name).getAsString());
    }
    return out;
  }
}
