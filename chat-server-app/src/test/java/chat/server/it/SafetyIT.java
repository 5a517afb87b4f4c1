package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md "Safety: blocking" against the packaged jar: what hello announces, block, unblock
 * and blocked, and what a block stops (direct messages both ways, typing, presence) and does not
 * stop (room messages, which clients filter).
 */
class SafetyIT {

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
        "--registrations-per-ip-per-hour", "100000", "--requests-per-second", "77",
        "--request-burst", "133");
  private final ServerProcess server = shared.process();
  private final WireClients wire = shared.wire();

  @Test
  void helloNamesTheSafetyFeaturesAndTheFloodLimit() throws Exception {
    WireClient c = wire.connect();
    List<String> features = new ArrayList<>();
    for (JsonElement f : c.hello.getAsJsonArray("features")) {
      features.add(f.getAsString());
    }
    assertTrue(features.containsAll(List.of("block", "moderation", "account")), features.toString());
    JsonObject limits = c.hello.getAsJsonObject("limits");
    assertEquals(77, limits.get("requestsPerSecond").getAsInt(), limits.toString());
    assertEquals(133, limits.get("requestBurst").getAsInt(), limits.toString());
  }

  @Test
  void blockingNeedsASignedInUserAnExistingTargetAndNotOneself() throws Exception {
    WireClient anonymous = wire.connect();
    // Every request of the second round's safety and account sections needs a signed-in user.
    for (JsonObject r : List.of(Frames.of("type", "block", "user", "someone"),
        Frames.of("type", "unblock", "user", "someone"), Frames.of("type", "blocked"),
        Frames.of("type", "ban", "room", "general", "user", "someone"),
        Frames.of("type", "unban", "room", "general", "user", "someone"),
        Frames.of("type", "bans", "room", "general"),
        Frames.of("type", "role", "room", "general", "user", "someone", "role", "member"),
        Frames.of("type", "topic", "room", "general", "topic", "x"),
        Frames.of("type", "delete_room", "room", "general"),
        Frames.of("type", "password", "old", "correct horse", "new", "battery staple"),
        Frames.of("type", "logout", "all", true),
        Frames.of("type", "delete_account", "password", "correct horse"))) {
      anonymous.error(r, "unauthorized");
    }
    assertTrue(anonymous.isOpen());

    WireClient alice = wire.user("alice");
    alice.error(Frames.of("type", "block", "user", WireClients.unique("nobody")), "not_found");
    alice.error(Frames.of("type", "block", "user", alice.user), "bad_request");
    alice.error(Frames.of("type", "block"), "bad_request");
    assertEquals(List.of(), blocked(alice));
  }

  /** The list is sorted by name, whatever the order of blocking; unblocking removes one. */
  @Test
  void blockedListsTheBlockedUsersSortedByName() throws Exception {
    WireClient alice = wire.user("alice");
    String zed = wire.user("zz-zed").user;
    String abe = wire.user("aa-abe").user;
    String mid = wire.user("mm-mid").user;
    alice.ok(Frames.of("type", "block", "user", zed));
    alice.ok(Frames.of("type", "block", "user", abe.toUpperCase(java.util.Locale.ROOT)));
    alice.ok(Frames.of("type", "block", "user", mid));
    alice.ok(Frames.of("type", "block", "user", mid)); // twice: still once
    assertEquals(List.of(abe, mid, zed), blocked(alice));

    alice.ok(Frames.of("type", "unblock", "user", mid));
    alice.ok(Frames.of("type", "unblock", "user", mid)); // not blocked: ok
    assertEquals(List.of(abe, zed), blocked(alice));
  }

  @Test
  void whileEitherHasBlockedTheOtherNeitherCanSendTheirDirectConversation() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    alice.send("@" + bob.user, "before", "c-1");
    assertEquals("before", bob.await("message").get("text").getAsString());

    alice.ok(Frames.of("type", "block", "user", bob.user));
    alice.error(Frames.of("type", "send", "to", "@" + bob.user, "text", "hi", "cid", "c-2"),
        "forbidden");
    bob.error(Frames.of("type", "send", "to", "@" + alice.user, "text", "hi", "cid", "c-3"),
        "forbidden");
    // Bob's block of Alice too: still forbidden after Alice alone unblocks.
    bob.ok(Frames.of("type", "block", "user", alice.user));
    alice.ok(Frames.of("type", "unblock", "user", bob.user));
    alice.error(Frames.of("type", "send", "to", "@" + bob.user, "text", "hi", "cid", "c-4"),
        "forbidden");
    assertEquals(List.of(), bob.syncTypes("message"), "nothing refused was delivered");

    bob.ok(Frames.of("type", "unblock", "user", alice.user));
    JsonObject ok = alice.send("@" + bob.user, "after", "c-5");
    assertEquals(2, ok.get("seq").getAsLong(), "the refused sends stored nothing");
    assertEquals("after", bob.await("message").get("text").getAsString());
    bob.send("@" + alice.user, "back", "c-6");
  }

  @Test
  void aBlockHidesTypingBothWaysButNotRoomMessages() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String room = WireClients.unique("hall");
    alice.ok(Frames.of("type", "create", "room", room));
    bob.ok(Frames.of("type", "join", "room", room));
    carol.ok(Frames.of("type", "join", "room", room));
    alice.send("@" + bob.user, "hi", "c-1");
    alice.ok(Frames.of("type", "block", "user", bob.user));
    drain(alice, bob, carol);

    // Typing in the room: Carol sees Bob's, Alice does not; and Bob does not see Alice's.
    bob.ok(Frames.of("type", "typing", "conv", "#" + room));
    assertEquals(bob.user, carol.await("typing").get("user").getAsString());
    alice.ok(Frames.of("type", "typing", "conv", "#" + room));
    assertEquals(alice.user, carol.await("typing").get("user").getAsString());
    // Typing in their direct conversation: not delivered either way.
    bob.request(Frames.of("type", "typing", "conv", "@" + alice.user));
    alice.request(Frames.of("type", "typing", "conv", "@" + bob.user));
    assertEquals(List.of(), alice.syncTypes("typing"));
    assertEquals(List.of(), bob.syncTypes("typing"));

    // Room messages: delivered to the blocker (its clients hide them), unmarked.
    bob.send("#" + room, "from bob", "c-2");
    JsonObject m = alice.await("message");
    assertEquals("from bob", m.get("text").getAsString());
    assertEquals(bob.user, m.get("from").getAsString());
    alice.send("#" + room, "from alice", "c-3");
    bob.await(f -> f.get("type").getAsString().equals("message")
        && f.get("text").getAsString().equals("from alice"), "Alice's room message");

    // Unblocking restores typing.
    alice.ok(Frames.of("type", "unblock", "user", bob.user));
    bob.ok(Frames.of("type", "typing", "conv", "#" + room));
    assertEquals(bob.user, alice.await("typing").get("user").getAsString());
    alice.ok(Frames.of("type", "typing", "conv", "@" + bob.user));
    JsonObject typing = bob.await("typing");
    assertEquals("@" + alice.user, typing.get("conv").getAsString());
  }

  /** Presence is not told between the two, while others sharing a room still hear it. */
  @Test
  void aBlockHidesPresenceBothWaysUntilUnblocked() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String room = WireClients.unique("porch");
    alice.ok(Frames.of("type", "create", "room", room));
    bob.ok(Frames.of("type", "join", "room", room));
    carol.ok(Frames.of("type", "join", "room", room));
    bob.ok(Frames.of("type", "block", "user", alice.user)); // the blocked one's side
    drain(alice, bob, carol);

    String bobToken = bob.token;
    bob.close();
    assertPresence(carol.await("presence"), bob.user, false);
    WireClient bobAgain = wire.connect().loginWithToken(bobToken);
    assertPresence(carol.await("presence"), bob.user, true);
    assertEquals(List.of(), alice.syncTypes("presence"), "Alice heard of Bob");

    String aliceToken = alice.token;
    alice.close();
    assertPresence(carol.await("presence"), alice.user, false);
    WireClient aliceAgain = wire.connect().loginWithToken(aliceToken);
    assertPresence(carol.await("presence"), alice.user, true);
    assertEquals(List.of(), bobAgain.syncTypes("presence"), "Bob heard of Alice");

    bobAgain.ok(Frames.of("type", "unblock", "user", alice.user));
    bobAgain.close();
    assertPresence(aliceAgain.await("presence"), bob.user, false);
    wire.connect().loginWithToken(bobToken);
    assertPresence(aliceAgain.await("presence"), bob.user, true);
  }

  private static void assertPresence(JsonObject p, String user, boolean online) {
    assertEquals(user, p.get("user").getAsString(), p.toString());
    assertEquals(online, p.get("online").getAsBoolean(), p.toString());
  }

  private static void drain(WireClient... clients) throws InterruptedException {
    for (WireClient c : clients) {
      c.sync();
    }
  }

  static List<String> blocked(WireClient c) throws InterruptedException {
    List<String> users = new ArrayList<>();
    for (JsonElement u : c.ok(Frames.of("type", "blocked")).getAsJsonArray("users")) {
      users.add(u.getAsString());
    }
    return users;
  }
}
