package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md "Account" against the packaged jar: password change, logout everywhere and
 * account deletion, with the connections each closes (1008 and its reason), the tokens each
 * kills, and what a deleted account leaves behind.
 */
class AccountIT {
  private static final String NEW_PASSWORD = "battery staple";

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
        "--registrations-per-ip-per-hour", "100000");
  private final ServerProcess server = shared.process();
  private final WireClients wire = shared.wire();

  private void assertTokenDead(String token) throws InterruptedException {
    wire.connect().error(Frames.of("type", "login", "token", token), "unauthorized");
  }

  private void assertPasswordRefused(String user, String password) throws InterruptedException {
    wire.connect().error(Frames.of("type", "login", "user", user, "password", password),
        "unauthorized");
  }

  private static void assertClosed(WireClient c, String reason) throws InterruptedException {
    assertEquals(1008, c.awaitClose());
    assertEquals(reason, c.closeReason);
  }

  @Test
  void aWrongOldPasswordIsUnauthorizedAndChangesNothing() throws Exception {
    WireClient alice = wire.user("alice");
    alice.error(Frames.of("type", "password", "old", "not my password", "new", NEW_PASSWORD),
        "unauthorized");
    alice.error(Frames.of("type", "password", "old", WireClient.PASSWORD, "new", "short"),
        "bad_request");
    wire.connect().error(Frames.of("type", "password", "old", WireClient.PASSWORD,
        "new", NEW_PASSWORD), "unauthorized");
    assertTrue(alice.isOpen());
    wire.connect().loginWithToken(alice.token);
    wire.connect().login(alice.user, WireClient.PASSWORD);
  }

  /**
   * The requester stays signed in under a new token and can send; its old token is dead (also
   * on another connection using it); the user's other connections close 1008 "password changed".
   */
  @Test
  void aPasswordChangeKeepsTheRequesterAndClosesEveryOtherSession() throws Exception {
    WireClient alice = wire.user("alice");
    String oldToken = alice.token;
    WireClient sameToken = wire.connect().loginWithToken(oldToken);
    WireClient otherLogin = wire.connect();
    otherLogin.login(alice.user, WireClient.PASSWORD);
    WireClient bob = wire.user("bob");

    JsonObject ok = alice.ok(Frames.of("type", "password", "old", WireClient.PASSWORD,
        "new", NEW_PASSWORD));
    String fresh = ok.get("token").getAsString();
    assertNotEquals(oldToken, fresh);
    assertTrue(ok.get("expiresAt").getAsLong() > System.currentTimeMillis());

    assertClosed(sameToken, "password changed");
    assertClosed(otherLogin, "password changed");
    assertTrue(alice.isOpen());
    alice.send("@" + bob.user, "still here", "c1");
    assertEquals("still here", bob.await("message").get("text").getAsString());

    assertTokenDead(oldToken);
    assertTokenDead(otherLogin.token);
    assertPasswordRefused(alice.user, WireClient.PASSWORD);
    wire.connect().loginWithToken(fresh);
    wire.connect().login(alice.user, NEW_PASSWORD);
  }

  @Test
  void logoutAllAnswersThenClosesEveryConnectionAndKillsEveryToken() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient sameToken = wire.connect().loginWithToken(alice.token);
    WireClient otherLogin = wire.connect();
    otherLogin.login(alice.user, WireClient.PASSWORD);
    WireClient bob = wire.user("bob");

    alice.ok(Frames.of("type", "logout", "all", true));
    assertClosed(alice, "logged out");
    assertClosed(sameToken, "logged out");
    assertClosed(otherLogin, "logged out");
    assertTrue(bob.isOpen());
    bob.ok(Frames.of("type", "ping"));
    assertTokenDead(alice.token);
    assertTokenDead(otherLogin.token);
    wire.connect().login(alice.user, WireClient.PASSWORD); // the password still works
  }

  @Test
  void deleteAccountNeedsThePassword() throws Exception {
    WireClient alice = wire.user("alice");
    alice.error(Frames.of("type", "delete_account", "password", "not my password"),
        "unauthorized");
    assertTrue(alice.isOpen());
    alice.ok(Frames.of("type", "ping"));
    wire.connect().loginWithToken(alice.token);
  }

  /**
   * After delete_account: every connection closed 1008 "account deleted", the name stays
   * taken, no login works, the user's messages stay in others' histories under its name, and a
   * direct message to it is not_found.
   */
  @Test
  void aDeletedAccountIsGoneButItsNameAndMessagesStay() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient aliceElsewhere = wire.connect().loginWithToken(alice.token);
    WireClient bob = wire.user("bob");
    String room = WireClients.unique("stays");
    bob.ok(Frames.of("type", "create", "room", room));
    alice.ok(Frames.of("type", "join", "room", room));
    alice.send("@" + bob.user, "direct words", "c1");
    alice.send("#" + room, "room words", "c2");
    bob.sync();

    alice.ok(Frames.of("type", "delete_account", "password", WireClient.PASSWORD));
    assertClosed(alice, "account deleted");
    assertClosed(aliceElsewhere, "account deleted");
    assertMemberEvent(bob.next("member"), room, alice.user, "leave");

    wire.connect().error(Frames.of("type", "register", "user", alice.user,
        "password", WireClient.PASSWORD), "conflict");
    assertPasswordRefused(alice.user, WireClient.PASSWORD);
    assertTokenDead(alice.token);

    assertEquals(List.of(alice.user + ":direct words"), texts(bob, "@" + alice.user));
    assertEquals(List.of(alice.user + ":room words"), texts(bob, "#" + room));
    bob.error(Frames.of("type", "send", "to", "@" + alice.user, "text", "hello?", "cid", "c3"),
        "not_found");
    assertEquals(List.of(bob.user + "/owner"), roles(bob, room));
  }

  /** An owned room passes to its longest-standing member (told by a role event). */
  @Test
  void anOwnedRoomPassesToItsLongestStandingMember() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    WireClient dave = wire.user("dave");
    String room = WireClients.unique("heir");
    alice.ok(Frames.of("type", "create", "room", room));
    carol.ok(Frames.of("type", "join", "room", room)); // before Bob, though registered later
    bob.ok(Frames.of("type", "join", "room", room));
    dave.ok(Frames.of("type", "join", "room", room));
    alice.ok(Frames.of("type", "role", "room", room, "user", dave.user, "role", "moderator"));
    for (WireClient c : List.of(bob, carol, dave)) {
      c.sync();
    }

    alice.ok(Frames.of("type", "delete_account", "password", WireClient.PASSWORD));
    assertClosed(alice, "account deleted");
    for (WireClient c : List.of(bob, carol, dave)) {
      List<JsonObject> events = c.syncTypes("member");
      assertEquals(2, events.size(), events.toString());
      assertMemberEvent(events.get(0), room, alice.user, "leave");
      assertMemberEvent(events.get(1), room, carol.user, "role");
      assertEquals("owner", events.get(1).get("role").getAsString());
    }
    assertEquals(List.of(carol.user + "/owner", bob.user + "/member", dave.user + "/moderator"),
        roles(bob, room));
    carol.ok(Frames.of("type", "topic", "room", room, "topic", "carol's now"));
  }

  /** A room whose owner was its only member is deleted with the account; the name is free. */
  @Test
  void anOwnedRoomWithNoOtherMemberIsDeleted() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = WireClients.unique("alone");
    alice.ok(Frames.of("type", "create", "room", room));
    alice.send("#" + room, "soliloquy", "c1");
    alice.ok(Frames.of("type", "delete_account", "password", WireClient.PASSWORD));
    assertClosed(alice, "account deleted");

    bob.error(Frames.of("type", "join", "room", room), "not_found");
    for (JsonElement e : bob.ok(Frames.of("type", "rooms", "query", room))
        .getAsJsonArray("rooms")) {
      assertFalse(e.getAsJsonObject().get("room").getAsString().equals("#" + room));
    }
    bob.ok(Frames.of("type", "create", "room", room));
    assertEquals(List.of(), texts(bob, "#" + room), "the old history is gone");
  }

  private static void assertMemberEvent(JsonObject e, String room, String user, String action) {
    assertEquals("#" + room, e.get("conv").getAsString(), e.toString());
    assertEquals(user, e.get("user").getAsString(), e.toString());
    assertEquals(action, e.get("action").getAsString(), e.toString());
  }

  private static List<String> texts(WireClient c, String conv) throws InterruptedException {
    List<String> list = new ArrayList<>();
    for (JsonElement e : c.ok(Frames.of("type", "history", "conv", conv))
        .getAsJsonArray("messages")) {
      JsonObject m = e.getAsJsonObject();
      list.add(m.get("from").getAsString() + ":" + m.get("text").getAsString());
    }
    return list;
  }

  private static List<String> roles(WireClient c, String room) throws InterruptedException {
    List<String> list = new ArrayList<>();
    for (JsonElement e : c.ok(Frames.of("type", "members", "room", room))
        .getAsJsonArray("members")) {
      JsonObject m = e.getAsJsonObject();
      list.add(m.get("user").getAsString() + "/" + m.get("role").getAsString());
    }
    return list;
  }
}
