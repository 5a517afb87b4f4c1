package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md "Rooms" against the packaged jar: create, join, leave, invite, kick, rooms and
 * members, their ok shapes, the member events (to the members and to the user concerned), and
 * what a departed or kicked user no longer gets. Where PROTOCOL.md is silent, docs/protocol.md's
 * choices: an invite makes a member at once, the owner can neither leave nor be kicked, leaving
 * twice is fine, and a user kicked from a public room may join again.
 */
class RoomsIT {

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory");
  private final WireClients wire = shared.wire();

  private WireClient user(String base) throws InterruptedException {
    return wire.user(base);
  }

  private static String room(String base) {
    return WireClients.unique(base);
  }

  /** create: ok {room:"#name"}; the creator is the owner and a member; conflict if taken. */
  @Test
  void createMakesTheCreatorOwnerAndMember() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    String room = room("General-");

    JsonObject ok = alice.ok(Frames.of("type", "create", "room", "#" + room, "topic", "Anything",
        "private", false));
    String name = room.toLowerCase(java.util.Locale.ROOT);
    assertEquals("#" + name, ok.get("room").getAsString(), "case-folded, # accepted");

    JsonObject members = alice.ok(Frames.of("type", "members", "room", name));
    assertEquals(List.of(alice.user + "/owner/true"), members(members));
    assertEquals(List.of(0L, 0L), ProtocolIT.conversations(alice).get("#" + name));
    JsonObject info = roomInfo(bob, "#" + name);
    assertEquals("Anything", info.get("topic").getAsString());
    assertFalse(info.get("private").getAsBoolean());
    assertEquals(1, info.get("members").getAsInt());
    assertFalse(info.get("joined").getAsBoolean());

    bob.error(Frames.of("type", "create", "room", name.toUpperCase(java.util.Locale.ROOT)),
        "conflict");
    alice.error(Frames.of("type", "create", "room", name), "conflict");
  }

  /**
   * join: ok {conv, topic, lastSeq}; every member, the joiner included, gets a member join
   * event; joining twice is ok and announces nothing; a private room needs an invite.
   */
  @Test
  void joinAnswersConvTopicLastSeqAndAnnouncesTheNewMemberOnce() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    String room = room("plaza");
    alice.ok(Frames.of("type", "create", "room", room, "topic", "Town square"));
    alice.send("#" + room, "one", "c-1");
    alice.send("#" + room, "two", "c-2");
    alice.await("message");
    alice.await("message"); // fanned out (to Alice alone) before Bob joins

    JsonObject joined = bob.ok(Frames.of("type", "join", "room", room));
    assertEquals("#" + room, joined.get("conv").getAsString());
    assertEquals("Town square", joined.get("topic").getAsString());
    assertEquals(2, joined.get("lastSeq").getAsLong());
    assertMember(alice.await("member"), room, bob.user, "join");
    assertMember(bob.await("member"), room, bob.user, "join");

    JsonObject again = bob.ok(Frames.of("type", "join", "room", "#" + room));
    assertEquals("#" + room, again.get("conv").getAsString());
    assertEquals(2, again.get("lastSeq").getAsLong());
    // Member events go out before the ok: a second join event would be queued by now.
    assertEquals(List.of(), alice.syncTypes("member"));
    assertEquals(List.of(), bob.syncTypes("member"));
    assertEquals(List.of(alice.user + "/owner/true", bob.user + "/member/true"),
        members(alice.ok(Frames.of("type", "members", "room", room))), "in join order");

    // Now a member, Bob gets the room's messages.
    alice.send("#" + room, "three", "c-3");
    assertEquals(3, bob.await("message").get("seq").getAsLong());
  }

  /** A private room: join is forbidden without an invite, and so are members for outsiders. */
  @Test
  void aPrivateRoomNeedsAnInviteAndHidesItsMembersAndItself() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    String room = room("secret");
    alice.ok(Frames.of("type", "create", "room", room, "private", true));

    bob.error(Frames.of("type", "join", "room", room), "forbidden");
    bob.error(Frames.of("type", "members", "room", room), "forbidden");
    bob.error(Frames.of("type", "send", "to", "#" + room, "text", "hi", "cid", "x"), "forbidden");
    assertNull(roomInfo(bob, "#" + room), "private rooms are listed only to their members");
    JsonObject info = roomInfo(alice, "#" + room);
    assertTrue(info.get("private").getAsBoolean());
    assertTrue(info.get("joined").getAsBoolean());

    bob.error(Frames.of("type", "join", "room", room("nosuchroom")), "not_found");
    bob.error(Frames.of("type", "members", "room", room("nosuchroom")), "not_found");
  }

  /** members works for a public room one is not in; each entry has user, role, online. */
  @Test
  void membersOfAPublicRoomAreVisibleToAnyoneWithRoleAndOnline() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    WireClient carol = user("carol");
    String room = room("open");
    alice.ok(Frames.of("type", "create", "room", room));
    bob.ok(Frames.of("type", "join", "room", room));
    bob.close();
    ProtocolIT.assertPresence(alice.await("presence"), bob.user, false);

    assertEquals(List.of(alice.user + "/owner/true", bob.user + "/member/false"),
        members(carol.ok(Frames.of("type", "members", "room", room))));
  }

  /**
   * rooms: public rooms and the private rooms one belongs to, each with room, topic, private,
   * members and joined.
   */
  @Test
  void roomsListsPublicRoomsAndOwnPrivateOnesWithCountsAndJoined() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    String pub = room("pub");
    String priv = room("priv");
    alice.ok(Frames.of("type", "create", "room", pub, "topic", "open to all"));
    alice.ok(Frames.of("type", "create", "room", priv, "topic", "hush", "private", true));
    bob.ok(Frames.of("type", "join", "room", pub));

    JsonObject p = roomInfo(alice, "#" + pub);
    assertEquals("open to all", p.get("topic").getAsString());
    assertFalse(p.get("private").getAsBoolean());
    assertEquals(2, p.get("members").getAsInt());
    assertTrue(p.get("joined").getAsBoolean());
    JsonObject s = roomInfo(alice, "#" + priv);
    assertEquals("hush", s.get("topic").getAsString());
    assertTrue(s.get("private").getAsBoolean());
    assertEquals(1, s.get("members").getAsInt());
    assertTrue(s.get("joined").getAsBoolean());

    assertTrue(roomInfo(bob, "#" + pub).get("joined").getAsBoolean());
    assertNull(roomInfo(bob, "#" + priv));
    alice.ok(Frames.of("type", "invite", "room", priv, "user", bob.user));
    JsonObject invited = roomInfo(bob, "#" + priv);
    assertTrue(invited.get("joined").getAsBoolean());
    assertEquals(2, invited.get("members").getAsInt());
  }

  /**
   * leave: ok; the members and the leaver get a member leave event; then the leaver gets no more
   * events of the room and cannot read its history; leaving twice is fine; the owner cannot.
   */
  @Test
  void leaveAnnouncesTheDepartureAndCutsTheLeaverOff() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    WireClient bob2 = wire.connect().loginWithToken(bob.token);
    String room = room("exit");
    alice.ok(Frames.of("type", "create", "room", room));
    bob.ok(Frames.of("type", "join", "room", room));
    alice.send("#" + room, "before", "b-1");
    bob.await("message"); // delivered: nothing of the room is still on its way
    bob2.await("message");

    bob.ok(Frames.of("type", "leave", "room", room));
    assertMember(alice.await(f -> isMember(f, "leave"), "leave event"), room, bob.user, "leave");
    for (WireClient c : List.of(bob, bob2)) {
      assertMember(c.await(f -> isMember(f, "leave"), "leave event"), room, bob.user, "leave");
      c.sync(); // drop what came before: the join events
    }

    bob.error(Frames.of("type", "history", "conv", "#" + room), "forbidden");
    bob.error(Frames.of("type", "send", "to", "#" + room, "text", "hi", "cid", "z"),
        "forbidden");
    assertFalse(ProtocolIT.conversations(bob).containsKey("#" + room));
    bob.ok(Frames.of("type", "leave", "room", room)); // not a member: fine

    // No more events of the room: the next frame Bob's sessions get is the DM sent after them.
    alice.send("#" + room, "after", "b-2");
    alice.ok(Frames.of("type", "typing", "conv", "#" + room));
    alice.ok(Frames.of("type", "read", "conv", "#" + room, "seq", 2));
    alice.send("@" + bob.user, "dm", "d-1");
    for (WireClient c : List.of(bob, bob2)) {
      JsonObject next = c.next();
      assertEquals("message", next.get("type").getAsString(), next.toString());
      assertEquals("@" + alice.user, next.get("conv").getAsString(), next.toString());
    }

    alice.error(Frames.of("type", "leave", "room", room), "forbidden");
  }

  /**
   * invite: owner only; the invited user is a member at once and gets the invite event, as do the
   * members. kick: owner only; the kicked user and the members get the kick event; the kicked
   * user hears nothing more of the room, cannot read it, and needs a new invite to return.
   */
  @Test
  void inviteAndKickAreForTheOwnerAndAnnouncedToMembersAndTheUserConcerned() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    WireClient carol = user("carol");
    String room = room("vault");
    alice.ok(Frames.of("type", "create", "room", room, "private", true));
    alice.ok(Frames.of("type", "invite", "room", room, "user", bob.user));
    assertMember(alice.await("member"), room, bob.user, "invite");
    assertMember(bob.await("member"), room, bob.user, "invite");

    bob.error(Frames.of("type", "invite", "room", room, "user", carol.user), "forbidden");
    alice.error(Frames.of("type", "invite", "room", room, "user", WireClients.unique("nobody")),
        "not_found");
    alice.error(Frames.of("type", "invite", "room", room("nosuchroom"), "user", carol.user),
        "not_found");

    alice.ok(Frames.of("type", "invite", "room", room, "user", carol.user));
    for (WireClient c : List.of(alice, bob, carol)) {
      assertMember(c.await("member"), room, carol.user, "invite");
    }
    JsonObject sent = carol.send("#" + room, "thanks", "t-1"); // a member without joining
    assertEquals(1, sent.get("seq").getAsLong());
    for (WireClient c : List.of(alice, bob, carol)) {
      assertEquals("t-1", c.await("message").get("cid").getAsString());
    }

    bob.error(Frames.of("type", "kick", "room", room, "user", carol.user), "forbidden");
    bob.error(Frames.of("type", "kick", "room", room, "user", alice.user), "forbidden");
    alice.ok(Frames.of("type", "kick", "room", room, "user", carol.user));
    for (WireClient c : List.of(alice, bob, carol)) {
      assertMember(c.await(f -> isMember(f, "kick"), "kick event"), room, carol.user, "kick");
    }
    carol.sync(); // drop what came before the kick
    carol.error(Frames.of("type", "history", "conv", "#" + room), "forbidden");
    carol.error(Frames.of("type", "members", "room", room), "forbidden");
    carol.error(Frames.of("type", "join", "room", room), "forbidden");
    assertEquals(List.of(alice.user + "/owner/true", bob.user + "/member/true"),
        members(alice.ok(Frames.of("type", "members", "room", room))));

    // Nothing more of the room reaches Carol: her next frame is the DM sent after these.
    bob.send("#" + room, "bye carol", "k-1");
    bob.ok(Frames.of("type", "typing", "conv", "#" + room));
    alice.send("@" + carol.user, "sorry", "k-2");
    JsonObject next = carol.next();
    assertEquals("message", next.get("type").getAsString(), next.toString());
    assertEquals("@" + alice.user, next.get("conv").getAsString(), next.toString());

    alice.ok(Frames.of("type", "invite", "room", room, "user", carol.user));
    assertEquals(2, carol.ok(Frames.of("type", "history", "conv", "#" + room))
        .getAsJsonArray("messages").size(), "invited again: a member, reading all of it");
  }

  /** Kicked from a public room, a user may join again. */
  @Test
  void aUserKickedFromAPublicRoomMayJoinAgain() throws Exception {
    WireClient alice = user("alice");
    WireClient bob = user("bob");
    String room = room("square");
    alice.ok(Frames.of("type", "create", "room", room));
    bob.ok(Frames.of("type", "join", "room", room));
    alice.ok(Frames.of("type", "kick", "room", room, "user", bob.user));
    assertMember(bob.await(f -> isMember(f, "kick"), "kick event"), room, bob.user, "kick");

    bob.ok(Frames.of("type", "join", "room", room));
    assertMember(alice.await(f -> isMember(f, "join") && f.get("user").getAsString()
        .equals(bob.user), "second join"), room, bob.user, "join");
  }

  // ---- helpers ----

  private static boolean isMember(JsonObject f, String action) {
    return f.get("type").getAsString().equals("member")
        && f.get("action").getAsString().equals(action);
  }

  private static void assertMember(JsonObject m, String room, String user, String action) {
    assertEquals("member", m.get("type").getAsString(), m.toString());
    assertEquals("#" + room, m.get("conv").getAsString(), m.toString());
    assertEquals(user, m.get("user").getAsString(), m.toString());
    assertEquals(action, m.get("action").getAsString(), m.toString());
  }

  /** The members of a members reply as user/role/online. */
  private static List<String> members(JsonObject reply) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : reply.getAsJsonArray("members")) {
      JsonObject m = e.getAsJsonObject();
      out.add(m.get("user").getAsString() + "/" + m.get("role").getAsString() + "/"
          + m.get("online").getAsBoolean());
    }
    return out;
  }

  /** The entry for {@code room} in c's rooms list, or null. */
  private static JsonObject roomInfo(WireClient c, String room) throws InterruptedException {
    JsonObject found = null;
    for (JsonElement e : c.ok(Frames.of("type", "rooms")).getAsJsonArray("rooms")) {
      JsonObject r = e.getAsJsonObject();
      if (r.get("room").getAsString().equals(room)) {
        assertNull(found, "listed twice: " + room);
        found = r;
      }
    }
    return found;
  }
}
