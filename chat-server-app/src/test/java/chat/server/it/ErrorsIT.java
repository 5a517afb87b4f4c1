package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every error code of PROTOCOL.md, produced by the packaged jar: {@code bad_request},
 * {@code unauthorized}, {@code forbidden}, {@code not_found}, {@code conflict},
 * {@code rate_limited} (with {@code retryAfterMs}) and {@code too_large}. Each error is
 * {@code {"type":"error","re":<id or null>,"code":…,"message":…}}, a bad frame leaves the
 * connection open, and a refused send stores nothing.
 *
 * <p>{@code internal} ("server fault; nothing was stored") cannot be caused from outside: it
 * needs the store or the server to fail, which a black-box client cannot arrange. It is not
 * tested here.
 *
 * <p>The server runs with small limits: 50-character texts, one send a second per user with a
 * burst of two, history pages of at most 5.
 */
class ErrorsIT {

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
      "--max-text-chars", "50", "--send-per-second", "1", "--send-burst", "2",
      "--history-max", "5");
  private final WireClients wire = shared.wire();

  private WireClient connect() throws InterruptedException {
    return wire.connect();
  }

  private WireClient user(String base) throws InterruptedException {
    return wire.user(base);
  }

  private static String unique(String base) {
    return WireClients.unique(base);
  }

  /** The limits in hello are the ones this server was started with. */
  @Test
  void helloAnnouncesTheConfiguredLimits() throws Exception {
    JsonObject limits = connect().hello.getAsJsonObject("limits");
    assertEquals(50, limits.get("maxTextChars").getAsInt());
    assertEquals(1, limits.get("sendPerSecond").getAsInt());
    assertEquals(2, limits.get("sendBurst").getAsInt());
    assertEquals(5, limits.get("historyMax").getAsInt());
  }

  // ---- bad_request ----

  /**
   * Not JSON, not an object, no or an unknown type: bad_request, with re echoing the id when one
   * could be read, null otherwise; the connection stays open.
   */
  @Test
  void framesThatAreNotRequestsGetBadRequestAndTheConnectionStaysOpen() throws Exception {
    WireClient c = connect();
    for (String frame : List.of("this is not json", "{\"type\":\"ping\"", "[1,2,3]",
        "\"just a string\"", "42", "null", "{\"type\":\"ping\",\"id\":7}",
        "{\"type\":\"ping\",\"id\":\"" + "x".repeat(65) + "\"}")) {
      c.sendRaw(frame);
      JsonObject e = c.await("error");
      assertEquals("bad_request", e.get("code").getAsString(), frame + " -> " + e);
      assertTrue(e.has("re") && e.get("re").isJsonNull(), frame + " -> " + e);
      assertHasMessage(e);
    }
    for (String[] frame : List.of(
        new String[] {"b1", "{\"type\":\"teleport\",\"id\":\"b1\"}"},
        new String[] {"b2", "{\"id\":\"b2\"}"},
        new String[] {"b3", "{\"type\":5,\"id\":\"b3\"}"},
        new String[] {"b4", "{\"type\":\"login\",\"id\":\"b4\",\"user\":\"x\"}"})) {
      c.sendRaw(frame[1]);
      assertBadRequest(c.awaitReply(frame[0]), frame[0]);
    }
    c.ok(Frames.of("type", "ping"));
    c.register(unique("after"));
    c.sendRaw("{\"type\":\"fly\",\"id\":\"b5\",\"to\":\"the moon\"}");
    assertBadRequest(c.awaitReply("b5"), "b5");
    assertTrue(c.isOpen());
    c.ok(Frames.of("type", "rooms"));
  }

  /** Missing or invalid fields, bad names, empty text, a DM to oneself: bad_request, re kept. */
  @Test
  void missingOrInvalidFieldsGetBadRequestWithTheIdAndStoreNothing() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    String dm = "@" + bob.user;
    String room = unique("room");
    alice.ok(Frames.of("type", "create", "room", room));
    for (JsonObject request : List.of(
        Frames.of("type", "send", "to", dm, "text", "hi"),
        Frames.of("type", "send", "to", dm, "text", "hi", "cid", ""),
        Frames.of("type", "send", "to", dm, "text", "hi", "cid", "c".repeat(65)),
        Frames.of("type", "send", "to", dm, "text", 5, "cid", "c1"),
        Frames.of("type", "send", "to", bob.user, "text", "hi", "cid", "c1"),
        Frames.of("type", "send", "to", "@" + alice.user, "text", "me, myself", "cid", "c1"),
        Frames.of("type", "send", "to", dm, "text", "", "cid", "c1"),
        Frames.of("type", "send", "to", dm, "text", " \n\t ", "cid", "c1"),
        Frames.of("type", "send", "to", "#" + room, "text", "   ", "cid", "c1"),
        Frames.of("type", "send", "to", "@No Such Name!", "text", "hi", "cid", "c1"),
        Frames.of("type", "history", "conv", dm, "limit", "ten"),
        Frames.of("type", "history", "conv", dm, "limit", 0),
        Frames.of("type", "history", "conv", dm, "after", -1),
        Frames.of("type", "history", "conv", dm, "after", 1, "before", 5),
        Frames.of("type", "history", "conv", dm, "after", 1.5),
        Frames.of("type", "history"),
        Frames.of("type", "read", "conv", dm),
        Frames.of("type", "read", "conv", dm, "seq", -1),
        Frames.of("type", "typing"),
        Frames.of("type", "create", "room", "Not A Room!"),
        Frames.of("type", "create", "room", unique("topic"), "topic", "t".repeat(257)),
        Frames.of("type", "create", "room", unique("priv"), "private", "yes"),
        Frames.of("type", "join", "room", ""),
        Frames.of("type", "invite", "room", room),
        Frames.of("type", "kick", "room", room, "user", "?"))) {
      JsonObject error = alice.request(request);
      assertBadRequest(error, request.get("id").getAsString());
    }
    assertEquals(Map.of("#" + room, List.of(0L, 0L)), ProtocolIT.conversations(alice),
        "nothing was stored");

    WireClient fresh = connect();
    for (JsonObject request : List.of(
        Frames.of("type", "register", "user", "x", "password", WireClient.PASSWORD),
        Frames.of("type", "register", "user", "has space", "password", WireClient.PASSWORD),
        Frames.of("type", "register", "user", unique("pw"), "password", "short"),
        Frames.of("type", "register", "user", unique("pw"), "password", "p".repeat(257)),
        Frames.of("type", "register", "user", unique("nopw")),
        Frames.of("type", "login", "token", "t", "user", "someone", "password", "whatever1"))) {
      assertBadRequest(fresh.request(request), request.get("id").getAsString());
    }
    fresh.register(unique("fine")); // still open, and no half-made account in the way
  }

  // ---- unauthorized ----

  /** Before login only register, login and ping are allowed: the rest is unauthorized. */
  @Test
  void everythingButRegisterLoginAndPingIsUnauthorizedBeforeLogin() throws Exception {
    WireClient owner = user("owner");
    String room = unique("room");
    owner.ok(Frames.of("type", "create", "room", room));
    WireClient c = connect();
    for (JsonObject request : List.of(
        Frames.of("type", "send", "to", "@" + owner.user, "text", "hi", "cid", "c1"),
        Frames.of("type", "logout"),
        Frames.of("type", "create", "room", unique("r")),
        Frames.of("type", "join", "room", room),
        Frames.of("type", "leave", "room", room),
        Frames.of("type", "invite", "room", room, "user", owner.user),
        Frames.of("type", "kick", "room", room, "user", owner.user),
        Frames.of("type", "rooms"),
        Frames.of("type", "members", "room", room),
        Frames.of("type", "conversations"),
        Frames.of("type", "history", "conv", "#" + room),
        Frames.of("type", "read", "conv", "#" + room, "seq", 0),
        Frames.of("type", "typing", "conv", "@" + owner.user))) {
      JsonObject e = c.error(request, "unauthorized");
      assertEquals(request.get("id").getAsString(), e.get("re").getAsString());
      assertHasMessage(e);
    }
    c.fire(Frames.of("type", "rooms")); // no id: the error comes with re null
    JsonObject e = c.await("error");
    assertEquals("unauthorized", e.get("code").getAsString());
    assertTrue(e.get("re").isJsonNull());
    assertEquals(1, owner.ok(Frames.of("type", "members", "room", room))
        .getAsJsonArray("members").size(), "the join was refused");
    c.ok(Frames.of("type", "ping"));
    c.register(unique("later")); // the connection stayed open and usable
  }

  /** A wrong password and an unknown user get the same unauthorized; the connection stays. */
  @Test
  void wrongCredentialsAndBadTokensAreUnauthorized() throws Exception {
    WireClient alice = user("alice");
    WireClient c = connect();
    JsonObject wrongPassword = c.error(Frames.of("type", "login", "user", alice.user,
        "password", "not her password"), "unauthorized");
    JsonObject noSuchUser = c.error(Frames.of("type", "login", "user", unique("nobody"),
        "password", WireClient.PASSWORD), "unauthorized");
    assertEquals(wrongPassword.get("message").getAsString(),
        noSuchUser.get("message").getAsString(), "no hint which names exist");
    c.error(Frames.of("type", "login", "token", "not-a-token"), "unauthorized");
    c.error(Frames.of("type", "login", "token", alice.token + "x"), "unauthorized");
    c.error(Frames.of("type", "rooms"), "unauthorized"); // still not signed in

    alice.ok(Frames.of("type", "logout"));
    assertEquals(1008, alice.awaitClose());
    c.error(Frames.of("type", "login", "token", alice.token), "unauthorized"); // revoked
    c.login(alice.user, WireClient.PASSWORD); // the same connection can still sign in
    c.ok(Frames.of("type", "rooms"));
  }

  // ---- forbidden, not_found, conflict ----

  /** Signed in but not allowed: not a member, not the owner, a private room without invite. */
  @Test
  void notAllowedIsForbidden() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    WireClient carol = user("carol");
    String pub = unique("pub");
    String priv = unique("priv");
    alice.ok(Frames.of("type", "create", "room", pub));
    alice.ok(Frames.of("type", "create", "room", priv, "private", true));
    carol.ok(Frames.of("type", "join", "room", pub));
    alice.send("#" + pub, "hi", "c1");

    for (JsonObject request : List.of(
        Frames.of("type", "send", "to", "#" + pub, "text", "hi", "cid", "f1"),
        Frames.of("type", "history", "conv", "#" + pub),
        Frames.of("type", "read", "conv", "#" + pub, "seq", 1),
        Frames.of("type", "typing", "conv", "#" + pub),
        Frames.of("type", "join", "room", priv),
        Frames.of("type", "members", "room", priv),
        Frames.of("type", "history", "conv", "#" + priv),
        Frames.of("type", "invite", "room", pub, "user", carol.user),
        Frames.of("type", "invite", "room", priv, "user", bob.user),
        Frames.of("type", "kick", "room", pub, "user", carol.user))) {
      assertHasMessage(bob.error(request, "forbidden"));
    }
    assertHasMessage(carol.error(Frames.of("type", "kick", "room", pub, "user", alice.user),
        "forbidden"));
    assertEquals(1, alice.ok(Frames.of("type", "history", "conv", "#" + pub))
        .getAsJsonArray("messages").size(), "the refused send stored nothing");
  }

  /** No such user or room: not_found. */
  @Test
  void noSuchUserOrRoomIsNotFound() throws Exception {
    WireClient alice = user("alice");
    String nobody = unique("nobody");
    String noRoom = unique("noroom");
    String room = unique("room");
    alice.ok(Frames.of("type", "create", "room", room));
    for (JsonObject request : List.of(
        Frames.of("type", "send", "to", "@" + nobody, "text", "hello?", "cid", "n1"),
        Frames.of("type", "send", "to", "#" + noRoom, "text", "hello?", "cid", "n2"),
        Frames.of("type", "history", "conv", "@" + nobody),
        Frames.of("type", "history", "conv", "#" + noRoom),
        Frames.of("type", "typing", "conv", "@" + nobody),
        Frames.of("type", "join", "room", noRoom),
        Frames.of("type", "leave", "room", noRoom),
        Frames.of("type", "members", "room", noRoom),
        Frames.of("type", "invite", "room", noRoom, "user", alice.user),
        Frames.of("type", "invite", "room", room, "user", nobody),
        Frames.of("type", "kick", "room", room, "user", nobody))) {
      assertHasMessage(alice.error(request, "not_found"));
    }
    assertEquals(Map.of("#" + room, List.of(0L, 0L)), ProtocolIT.conversations(alice));
  }

  /** A taken user or room name, in any case: conflict. */
  @Test
  void takenNamesConflict() throws Exception {
    WireClient alice = user("alice");
    String room = unique("taken");
    alice.ok(Frames.of("type", "create", "room", room));

    assertHasMessage(connect().error(Frames.of("type", "register", "user",
        alice.user.toUpperCase(java.util.Locale.ROOT), "password", "another password"),
        "conflict"));
    assertHasMessage(user("bob").error(Frames.of("type", "create", "room", "#" + room),
        "conflict"));
    connect().login(alice.user, WireClient.PASSWORD); // the account is untouched
  }

  // ---- limits ----

  /**
   * Sends beyond the user's bucket (burst 2, 1 per second) get rate_limited with retryAfterMs
   * and store nothing; the bucket is shared by the user's connections but not with others; after
   * retryAfterMs a send goes through.
   */
  @Test
  void sendsBeyondTheBucketAreRateLimitedWithRetryAfterAndStoreNothing() throws Exception {
    WireClient alice = user("alice");
    WireClient alice2 = connect().loginWithToken(alice.token);
    WireClient bob = user("bob");
    String dm = "@" + bob.user;

    assertEquals(1, alice.send(dm, "one", "r1").get("seq").getAsLong());
    assertEquals(2, alice.send(dm, "two", "r2").get("seq").getAsLong());
    JsonObject limited = alice.error(Frames.of("type", "send", "to", dm, "text", "three",
        "cid", "r3"), "rate_limited");
    long retryAfter = limited.get("retryAfterMs").getAsLong();
    assertTrue(retryAfter > 0 && retryAfter <= 1_000, "retryAfterMs " + retryAfter);
    assertHasMessage(limited);
    JsonObject alsoLimited = alice2.error(Frames.of("type", "send", "to", dm, "text", "three",
        "cid", "r3"), "rate_limited");
    assertTrue(alsoLimited.get("retryAfterMs").getAsLong() > 0, "one bucket per user");
    assertEquals(3, bob.send("@" + alice.user, "mine", "b1").get("seq").getAsLong(),
        "Bob has his own bucket");

    // The wait is the contract under test here, not a synchronisation.
    Thread.sleep(alsoLimited.get("retryAfterMs").getAsLong() + 20);
    assertEquals(4, alice2.send(dm, "three", "r3").get("seq").getAsLong());
    List<String> texts = new ArrayList<>();
    for (JsonElement m : bob.ok(Frames.of("type", "history", "conv", "@" + alice.user))
        .getAsJsonArray("messages")) {
      texts.add(m.getAsJsonObject().get("text").getAsString());
    }
    assertEquals(List.of("one", "two", "mine", "three"), texts, "refused sends stored nothing");
  }

  /** Text over maxTextChars (counted in characters, not UTF-16 units) is too_large. */
  @Test
  void textLongerThanMaxTextCharsIsTooLarge() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    String dm = "@" + bob.user;
    String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units

    JsonObject e = alice.error(Frames.of("type", "send", "to", dm, "text", "x".repeat(51),
        "cid", "t1"), "too_large");
    assertHasMessage(e);
    alice.error(Frames.of("type", "send", "to", dm, "text", emoji.repeat(51), "cid", "t2"),
        "too_large");
    assertEquals(1, alice.send(dm, "x".repeat(50), "t3").get("seq").getAsLong());
    assertEquals(2, alice.send(dm, emoji.repeat(50), "t4").get("seq").getAsLong(),
        "50 characters are allowed although they are 100 UTF-16 units");
  }

  /** limit is at most historyMax: a larger one gets a page of historyMax (our choice). */
  @Test
  void historyPagesAreAtMostHistoryMax() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    WireClient carol = user("carol");
    String room = unique("busy");
    alice.ok(Frames.of("type", "create", "room", room));
    bob.ok(Frames.of("type", "join", "room", room));
    carol.ok(Frames.of("type", "join", "room", room));
    for (WireClient c : List.of(alice, bob, carol)) { // two each: within everyone's burst
      c.send("#" + room, "a", c.user + "-1");
      c.send("#" + room, "b", c.user + "-2");
    }

    JsonObject latest = alice.ok(Frames.of("type", "history", "conv", "#" + room));
    assertEquals(5, latest.getAsJsonArray("messages").size(), "the default 50 is capped");
    assertTrue(latest.get("more").getAsBoolean());
    JsonObject page = alice.ok(Frames.of("type", "history", "conv", "#" + room, "after", 0,
        "limit", 10));
    assertEquals(5, page.getAsJsonArray("messages").size());
    assertEquals(1, page.getAsJsonArray("messages").get(0).getAsJsonObject()
        .get("seq").getAsLong());
    assertTrue(page.get("more").getAsBoolean());
  }

  private static void assertBadRequest(JsonObject e, String id) {
    assertEquals("error", e.get("type").getAsString(), e.toString());
    assertEquals("bad_request", e.get("code").getAsString(), e.toString());
    assertEquals(id, e.get("re").getAsString(), e.toString());
    assertHasMessage(e);
  }

  private static void assertHasMessage(JsonObject e) {
    assertFalse(e.get("message").getAsString().isBlank(), e.toString());
  }
}
