package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md "Safety: … bans, roles" against the packaged jar: ban and unban with their
 * events, the bans list, roles and ownership transfer, what moderators and members may do, the
 * topic, the owner's leave, and delete_room. Our choices where it is silent: ranks owner >
 * moderator > member (a moderator acts only on members), and {@code bans} lists a room's bans
 * for its owner and moderators.
 */
class ModerationIT {

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
        "--registrations-per-ip-per-hour", "100000");
  private final ServerProcess server = shared.process();
  private final WireClients wire = shared.wire();

  /** A room of {@code owner}'s, joined by each of {@code members}, events drained. */
  private static String room(boolean isPrivate, WireClient owner, WireClient... members)
      throws InterruptedException {
    String room = WireClients.unique("mod");
    owner.ok(Frames.of("type", "create", "room", room, "topic", "t", "private", isPrivate));
    for (WireClient m : members) {
      if (isPrivate) {
        owner.ok(Frames.of("type", "invite", "room", room, "user", m.user));
      } else {
        m.ok(Frames.of("type", "join", "room", room));
      }
    }
    owner.sync();
    for (WireClient m : members) {
      m.sync();
    }
    return room;
  }

  private static void assertMember(JsonObject e, String room, String user, String action) {
    assertEquals("member", e.get("type").getAsString(), e.toString());
    assertEquals("#" + room, e.get("conv").getAsString(), e.toString());
    assertEquals(user, e.get("user").getAsString(), e.toString());
    assertEquals(action, e.get("action").getAsString(), e.toString());
  }

  private static void assertRole(JsonObject e, String room, String user, String role) {
    assertMember(e, room, user, "role");
    assertEquals(role, e.get("role").getAsString(), e.toString());
  }

  /** "user/role" for each member, in the server's order. */
  private static List<String> roles(WireClient c, String room) throws InterruptedException {
    List<String> list = new ArrayList<>();
    for (JsonElement e : c.ok(Frames.of("type", "members", "room", room))
        .getAsJsonArray("members")) {
      JsonObject m = e.getAsJsonObject();
      list.add(m.get("user").getAsString() + "/" + m.get("role").getAsString());
    }
    return list;
  }

  private static List<String> bans(WireClient c, String room) throws InterruptedException {
    List<String> list = new ArrayList<>();
    for (JsonElement e : c.ok(Frames.of("type", "bans", "room", room)).getAsJsonArray("users")) {
      list.add(e.getAsString());
    }
    return list;
  }

  @Test
  void aBannedUserIsRemovedToldAndKeptOutUntilUnbanned() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String room = room(false, alice, bob, carol);

    alice.ok(Frames.of("type", "ban", "room", room, "user", carol.user));
    assertMember(alice.await("member"), room, carol.user, "ban");
    assertMember(bob.await("member"), room, carol.user, "ban");
    assertMember(carol.await("member"), room, carol.user, "ban");
    assertEquals(List.of(alice.user + "/owner", bob.user + "/member"), roles(bob, room));
    assertEquals(List.of(carol.user), bans(alice, room));

    carol.error(Frames.of("type", "send", "to", "#" + room, "text", "x", "cid", "c1"),
        "forbidden");
    carol.error(Frames.of("type", "history", "conv", "#" + room), "forbidden");
    carol.error(Frames.of("type", "join", "room", room), "forbidden");
    alice.error(Frames.of("type", "invite", "room", room, "user", carol.user), "forbidden");
    alice.send("#" + room, "while banned", "c2");
    assertEquals(List.of(), carol.syncTypes("message"), "a banned user hears no more");

    alice.ok(Frames.of("type", "unban", "room", room, "user", carol.user));
    assertMember(alice.await("member"), room, carol.user, "unban");
    assertMember(bob.await("member"), room, carol.user, "unban");
    assertMember(carol.await("member"), room, carol.user, "unban");
    assertEquals(List.of(), bans(alice, room));
    carol.ok(Frames.of("type", "join", "room", room));
    carol.send("#" + room, "back", "c3");
  }

  /** Banning someone who is not a member keeps them out too; in a private room, from invites. */
  @Test
  void aNonMemberCanBeBannedAndThenNeitherJoinsNorIsInvited() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient dave = wire.user("dave");
    String open = room(false, alice);
    String closed = room(true, alice);
    alice.ok(Frames.of("type", "ban", "room", open, "user", dave.user));
    alice.ok(Frames.of("type", "ban", "room", closed, "user", dave.user));
    dave.error(Frames.of("type", "join", "room", open), "forbidden");
    alice.error(Frames.of("type", "invite", "room", closed, "user", dave.user), "forbidden");
    alice.ok(Frames.of("type", "unban", "room", closed, "user", dave.user));
    alice.ok(Frames.of("type", "invite", "room", closed, "user", dave.user));
    assertEquals(List.of(alice.user + "/owner", dave.user + "/member"), roles(dave, closed));
    alice.error(Frames.of("type", "ban", "room", open, "user", WireClients.unique("ghost")),
        "not_found");
    alice.error(Frames.of("type", "ban", "room", WireClients.unique("noroom"), "user",
        dave.user), "not_found");
  }

  @Test
  void nobodyCanBanOrKickTheOwner() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = room(false, alice, bob);
    alice.ok(Frames.of("type", "role", "room", room, "user", bob.user, "role", "moderator"));
    bob.error(Frames.of("type", "ban", "room", room, "user", alice.user), "forbidden");
    bob.error(Frames.of("type", "kick", "room", room, "user", alice.user), "forbidden");
    alice.error(Frames.of("type", "ban", "room", room, "user", alice.user), "forbidden");
    assertEquals(List.of(alice.user + "/owner", bob.user + "/moderator"), roles(bob, room));
    assertEquals(List.of(), bans(alice, room));
  }

  /**
   * A moderator may invite, kick, ban, unban, list bans and set the topic, over members only; a
   * plain member may do none of it; neither may change roles or delete the room.
   */
  @Test
  void moderatorsModerateMembersAndMembersMayNot() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient mod = wire.user("mod");
    WireClient mod2 = wire.user("mod");
    WireClient carol = wire.user("carol");
    WireClient dave = wire.user("dave");
    WireClient erin = wire.user("erin");
    String room = room(true, alice, mod, mod2, carol, dave);
    alice.ok(Frames.of("type", "role", "room", room, "user", mod.user, "role", "moderator"));
    alice.ok(Frames.of("type", "role", "room", room, "user", mod2.user, "role", "moderator"));
    for (WireClient c : List.of(alice, mod, mod2, carol, dave)) {
      assertRole(c.await("member"), room, mod.user, "moderator");
      assertRole(c.await("member"), room, mod2.user, "moderator");
    }

    // A member: forbidden for every moderation request.
    for (JsonObject r : List.of(
        Frames.of("type", "invite", "room", room, "user", erin.user),
        Frames.of("type", "kick", "room", room, "user", dave.user),
        Frames.of("type", "ban", "room", room, "user", dave.user),
        Frames.of("type", "unban", "room", room, "user", dave.user),
        Frames.of("type", "bans", "room", room),
        Frames.of("type", "topic", "room", room, "topic", "mine"),
        Frames.of("type", "role", "room", room, "user", dave.user, "role", "moderator"),
        Frames.of("type", "delete_room", "room", room))) {
      carol.error(r, "forbidden");
    }
    // A moderator: not over another moderator, and no roles or deletion.
    mod.error(Frames.of("type", "kick", "room", room, "user", mod2.user), "forbidden");
    mod.error(Frames.of("type", "ban", "room", room, "user", mod2.user), "forbidden");
    mod.error(Frames.of("type", "role", "room", room, "user", carol.user, "role", "moderator"),
        "forbidden");
    mod.error(Frames.of("type", "role", "room", room, "user", mod.user, "role", "owner"),
        "forbidden");
    mod.error(Frames.of("type", "delete_room", "room", room), "forbidden");
    assertEquals(List.of(alice.user + "/owner", mod.user + "/moderator", mod2.user + "/moderator",
        carol.user + "/member", dave.user + "/member"), roles(alice, room));

    mod.ok(Frames.of("type", "invite", "room", room, "user", erin.user));
    assertMember(erin.await("member"), room, erin.user, "invite");
    mod.ok(Frames.of("type", "kick", "room", room, "user", erin.user));
    assertMember(erin.await("member"), room, erin.user, "kick");
    mod.ok(Frames.of("type", "ban", "room", room, "user", dave.user));
    assertMember(alice.next("member"), room, erin.user, "invite");
    assertMember(alice.next("member"), room, erin.user, "kick");
    assertMember(alice.next("member"), room, dave.user, "ban");
    assertEquals(List.of(dave.user), bans(mod, room));
    mod.ok(Frames.of("type", "unban", "room", room, "user", dave.user));
    assertMember(alice.next("member"), room, dave.user, "unban");
    mod.ok(Frames.of("type", "topic", "room", room, "topic", "set by a moderator"));
    JsonObject changed = carol.await("room");
    assertEquals("#" + room, changed.get("conv").getAsString());
    assertEquals("set by a moderator", changed.get("topic").getAsString());
  }

  @Test
  void onlyTheOwnerSetsRolesAndEveryMemberHearsOfThem() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String room = room(false, alice, bob, carol);

    alice.ok(Frames.of("type", "role", "room", room, "user", bob.user, "role", "moderator"));
    for (WireClient c : List.of(alice, bob, carol)) {
      assertRole(c.await("member"), room, bob.user, "moderator");
    }
    alice.ok(Frames.of("type", "role", "room", room, "user", bob.user, "role", "member"));
    for (WireClient c : List.of(alice, bob, carol)) {
      assertRole(c.await("member"), room, bob.user, "member");
    }
    assertEquals(List.of(alice.user + "/owner", bob.user + "/member", carol.user + "/member"),
        roles(carol, room));
    alice.error(Frames.of("type", "role", "room", room, "user", bob.user, "role", "admin"),
        "bad_request");
    alice.error(Frames.of("type", "role", "room", room, "user", wire.user("out").user,
        "role", "moderator"), "not_found");
    alice.error(Frames.of("type", "role", "room", room, "user", alice.user, "role", "member"),
        "forbidden");
  }

  /**
   * The owner cannot leave; giving "owner" transfers ownership, the old owner becomes a
   * moderator (both announced) and may then leave.
   */
  @Test
  void ownershipIsTransferredAndOnlyThenMayTheOldOwnerLeave() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String room = room(false, alice, bob, carol);
    alice.error(Frames.of("type", "leave", "room", room), "forbidden");

    alice.ok(Frames.of("type", "role", "room", room, "user", bob.user, "role", "owner"));
    for (WireClient c : List.of(alice, bob, carol)) {
      List<JsonObject> events = c.syncTypes("member");
      assertEquals(2, events.size(), events.toString());
      assertRole(events.get(0), room, bob.user, "owner");
      assertRole(events.get(1), room, alice.user, "moderator");
    }
    assertEquals(List.of(alice.user + "/moderator", bob.user + "/owner", carol.user + "/member"),
        roles(carol, room));
    alice.error(Frames.of("type", "role", "room", room, "user", carol.user, "role", "moderator"),
        "forbidden");
    bob.error(Frames.of("type", "leave", "room", room), "forbidden");

    alice.ok(Frames.of("type", "leave", "room", room));
    assertMember(bob.await("member"), room, alice.user, "leave");
    bob.ok(Frames.of("type", "delete_room", "room", room));
  }

  @Test
  void theTopicIsToldToMembersAndMustBeOnePlainLine() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient outsider = wire.user("out");
    String room = room(false, alice, bob);

    alice.ok(Frames.of("type", "topic", "room", room, "topic", "Release on Friday ✓"));
    for (WireClient c : List.of(alice, bob)) {
      JsonObject e = c.await("room");
      assertEquals("#" + room, e.get("conv").getAsString());
      assertEquals("Release on Friday ✓", e.get("topic").getAsString());
    }
    assertEquals(List.of(), outsider.syncTypes("room"), "a non-member was told");
    assertEquals("Release on Friday ✓",
        bob.ok(Frames.of("type", "join", "room", room)).get("topic").getAsString());

    for (String bad : List.of("two\nlines", "tab\there", "bell\u0007", "rtl \u202E override",
        "isolate \u2066x\u2069", "line\u2028sep", "nul\u0000", "x".repeat(257))) {
      alice.error(Frames.of("type", "topic", "room", room, "topic", bad), "bad_request");
    }
    assertEquals(List.of(), bob.syncTypes("room"), "a refused topic was announced");
    alice.error(Frames.of("type", "topic", "room", WireClients.unique("nope"), "topic", "x"),
        "not_found");
  }

  /**
   * delete_room: each member gets exactly one member event, with its own name, action
   * "deleted"; the name can be created again, with no history, seqs from 1.
   */
  @Test
  void deletingARoomTellsEachMemberOnceAndForgetsItsHistory() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String room = room(false, alice, bob, carol);
    alice.send("#" + room, "one", "c1");
    alice.send("#" + room, "two", "c2");
    for (WireClient c : List.of(alice, bob, carol)) {
      c.sync();
    }
    bob.error(Frames.of("type", "delete_room", "room", room), "forbidden");

    alice.ok(Frames.of("type", "delete_room", "room", room));
    for (WireClient c : List.of(alice, bob, carol)) {
      List<JsonObject> events = c.syncTypes("member");
      assertEquals(1, events.size(), c.user + " got " + events);
      assertMember(events.get(0), room, c.user, "deleted");
    }
    bob.error(Frames.of("type", "history", "conv", "#" + room), "not_found");
    bob.error(Frames.of("type", "join", "room", room), "not_found");
    for (JsonElement e : bob.ok(Frames.of("type", "rooms", "query", room))
        .getAsJsonArray("rooms")) {
      assertFalse(e.getAsJsonObject().get("room").getAsString().equals("#" + room), e.toString());
    }
    alice.error(Frames.of("type", "delete_room", "room", room), "not_found");

    bob.ok(Frames.of("type", "create", "room", room, "topic", "new"));
    JsonObject history = bob.ok(Frames.of("type", "history", "conv", "#" + room));
    assertEquals(0, history.getAsJsonArray("messages").size(), history.toString());
    assertEquals(1, bob.send("#" + room, "first again", "c1").get("seq").getAsLong());
    JsonObject joined = alice.ok(Frames.of("type", "join", "room", room));
    assertEquals(1, joined.get("lastSeq").getAsLong());
    assertEquals(List.of(bob.user + "/owner", alice.user + "/member"), roles(alice, room));
  }
}
