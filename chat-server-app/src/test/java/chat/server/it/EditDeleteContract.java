package chat.server.it;

import static chat.server.it.Changes.assertDeleted;
import static chat.server.it.Changes.assertUpdate;
import static chat.server.it.Changes.delete;
import static chat.server.it.Changes.edit;
import static chat.server.it.Changes.message;
import static chat.server.it.Changes.react;
import static chat.server.it.Changes.rev;
import static chat.server.it.Changes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md "Changing messages" against the packaged jar, edit and delete: who may do them, on
 * what, with which text, what every participant is told, and what a deletion leaves of a message.
 * Their share of send's rate limit is in {@link EditRateLimitIT}; erasure on disk in
 * {@link ErasureIT}.
 */
abstract class EditDeleteContract {

  private final WireClients wire = server().wire();

  /** The server these tests run against: the subclass's, started by its extension. */
  abstract SharedServer server();

  @Test
  void onlyTheSenderEditsAndEveryMemberGetsTheMessageAsItNowIs() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    WireClient outsider = wire.user("out");
    String room = Changes.room(alice, bob, carol);
    long seq = send(bob, room, "helo wrold");
    JsonObject sent = message(bob, room, seq);
    for (WireClient c : List.of(alice, bob, carol)) {
      c.sync();
    }

    for (WireClient other : List.of(alice, carol)) { // the owner included
      other.error(edit(room, seq, "not yours"), "forbidden");
    }
    outsider.error(edit(room, seq, "not yours"), "forbidden");
    for (WireClient c : List.of(alice, bob, carol)) {
      assertEquals(List.of(), c.syncTypes("update"), "a refused edit was announced");
    }

    long rev = rev(bob.ok(edit(room, seq, "hello world")), room, seq);
    assertEquals(1, rev, "the room's first change");
    for (WireClient c : List.of(alice, bob, carol)) {
      JsonObject m = assertUpdate(c.await("update"), room, seq, rev, bob.user, "edit");
      assertEquals("hello world", m.get("text").getAsString(), m.toString());
      assertEquals(bob.user, m.get("from").getAsString());
      assertEquals(sent.get("ts").getAsLong(), m.get("ts").getAsLong(), "ts stays the send's");
      assertEquals(sent.get("cid").getAsString(), m.get("cid").getAsString());
      assertTrue(m.get("edited").getAsLong() >= sent.get("ts").getAsLong(), m.toString());
      assertFalse(m.has("deleted"), m.toString());
    }
    assertEquals(List.of(), outsider.syncTypes("update"), "a non-member was told");
    JsonObject now = message(carol, room, seq);
    assertEquals("hello world", now.get("text").getAsString());
    assertTrue(now.has("edited"), now.toString());

    long rev2 = rev(bob.ok(edit(room, seq, "hello, world")), room, seq);
    assertEquals(rev + 1, rev2);
    assertEquals("hello, world", message(alice, room, seq).get("text").getAsString());
  }

  @Test
  void inADirectConversationTheSenderEditsAndBothSidesAreToldUnderTheirOwnName()
      throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    long seq = send(alice, "@" + bob.user, "one");
    bob.error(edit("@" + alice.user, seq, "two"), "forbidden");
    long rev = rev(alice.ok(edit("@" + bob.user, seq, "two")), "@" + bob.user, seq);
    assertUpdate(alice.await("update"), "@" + bob.user, seq, rev, alice.user, "edit");
    JsonObject m = assertUpdate(bob.await("update"), "@" + alice.user, seq, rev, alice.user,
        "edit");
    assertEquals("two", m.get("text").getAsString());
    assertEquals("two", message(bob, "@" + alice.user, seq).get("text").getAsString());
  }

  @Test
  void noSuchMessageOrConversationIsNotFoundAndARoomOneIsNotInIsForbidden() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient outsider = wire.user("out");
    String room = Changes.room(alice, bob);
    long seq = send(alice, room, "x");
    send(alice, "@" + bob.user, "y");
    String ghostRoom = "#" + WireClients.unique("noroom");
    String ghostUser = "@" + WireClients.unique("nobody");
    for (JsonObject r : List.of(edit(room, seq + 1, "z"), delete(room, seq + 1),
        edit("@" + bob.user, 2, "z"), delete("@" + bob.user, 2),
        edit(ghostRoom, 1, "z"), delete(ghostRoom, 1),
        edit(ghostUser, 1, "z"), delete(ghostUser, 1))) {
      alice.error(r, "not_found");
    }
    outsider.error(edit(room, seq, "z"), "forbidden");
    outsider.error(delete(room, seq), "forbidden");
    for (JsonObject r : List.of(edit(room, 0, "z"), delete(room, 0), edit(room, -1, "z"),
        Frames.of("type", "edit", "conv", room, "seq", seq),
        Frames.of("type", "edit", "seq", seq, "text", "z"),
        Frames.of("type", "delete", "conv", room),
        Frames.of("type", "delete", "conv", room, "seq", "one"))) {
      alice.error(r, "bad_request");
    }
    assertEquals("x", message(bob, room, seq).get("text").getAsString());
    assertEquals(List.of(), bob.syncTypes("update"));
  }

  /** The text of an edit follows send's rules: not blank, at most maxTextChars code points. */
  @Test
  void anEditedTextFollowsTheRulesOfSend() throws Exception {
    WireClient alice = wire.user("alice");
    String room = Changes.room(alice);
    long seq = send(alice, room, "original");
    int max = alice.hello.getAsJsonObject("limits").get("maxTextChars").getAsInt();
    for (String blank : List.of("", " ", "\n\t  ")) {
      alice.error(edit(room, seq, blank), "bad_request");
    }
    alice.error(edit(room, seq, "x".repeat(max + 1)), "too_large");
    alice.error(edit(room, seq, "😀".repeat(max + 1)), "too_large");
    assertEquals("original", message(alice, room, seq).get("text").getAsString());
    assertEquals(List.of(), alice.syncTypes("update"), "a refused edit was announced");

    String longest = "😀".repeat(max); // max code points, twice as many UTF-16 chars
    alice.ok(edit(room, seq, longest));
    assertEquals(longest, message(alice, room, seq).get("text").getAsString());
  }

  @Test
  void aDeletedMessageCannotBeEditedOrReactedTo() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(alice, bob);
    long seq = send(bob, room, "soon gone");
    long rev = rev(bob.ok(delete(room, seq)), room, seq);
    bob.error(edit(room, seq, "back again"), "forbidden");
    bob.error(react(room, seq, "👍", true), "forbidden");
    alice.error(react(room, seq, "👍", true), "forbidden");
    alice.error(react(room, seq, "👍", false), "forbidden");
    List<JsonObject> told = alice.syncTypes("update");
    assertEquals(1, told.size(), "only the delete: " + told);
    assertUpdate(told.get(0), room, seq, rev, bob.user, "delete");
    JsonObject m = message(alice, room, seq);
    assertEquals("", m.get("text").getAsString());
    assertTrue(m.get("deleted").getAsBoolean(), m.toString());
    assertEquals(rev, alice.ok(Frames.of("type", "conversations")).getAsJsonArray("conversations")
        .asList().stream().map(e -> e.getAsJsonObject())
        .filter(c -> c.get("conv").getAsString().equals(room)).findFirst().orElseThrow()
        .get("lastRev").getAsLong(), "refused changes take no rev");
  }

  /** In a room: the sender, the owner or a moderator; other members and outsiders: forbidden. */
  @Test
  void theSenderTheOwnerOrAModeratorDeletesInARoom() throws Exception {
    WireClient alice = wire.user("alice"); // owner
    WireClient mod = wire.user("mod");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    WireClient outsider = wire.user("out");
    String room = Changes.room(alice, mod, bob, carol);
    alice.ok(Frames.of("type", "role", "room", room.substring(1), "user", mod.user,
        "role", "moderator"));
    long bySelf = send(bob, room, "mine to delete");
    long byOwner = send(bob, room, "the owner's to delete");
    long byMod = send(bob, room, "the moderator's to delete");
    long carols = send(carol, room, "carol's");
    for (WireClient c : List.of(alice, mod, bob, carol)) {
      c.sync();
    }

    carol.error(delete(room, bySelf), "forbidden");
    bob.error(delete(room, carols), "forbidden");
    outsider.error(delete(room, bySelf), "forbidden");

    List<WireClient> everyone = List.of(alice, mod, bob, carol);
    long r1 = rev(bob.ok(delete(room, bySelf)), room, bySelf);
    long r2 = rev(alice.ok(delete(room, byOwner)), room, byOwner);
    long r3 = rev(mod.ok(delete(room, byMod)), room, byMod);
    assertEquals(List.of(1L, 2L, 3L), List.of(r1, r2, r3));
    for (WireClient c : everyone) {
      List<JsonObject> told = c.syncTypes("update");
      assertEquals(3, told.size(), c.user + ": " + told);
      assertDeleted(assertUpdate(told.get(0), room, bySelf, r1, bob.user, "delete"), bob.user);
      assertDeleted(assertUpdate(told.get(1), room, byOwner, r2, alice.user, "delete"),
          bob.user);
      assertDeleted(assertUpdate(told.get(2), room, byMod, r3, mod.user, "delete"), bob.user);
    }
    assertEquals(List.of(), outsider.syncTypes("update"));
    assertEquals("carol's", message(bob, room, carols).get("text").getAsString());
    assertDeleted(message(carol, room, byOwner), bob.user);
  }

  /** In a direct conversation only the sender deletes; both are told under their own name. */
  @Test
  void inADirectConversationOnlyTheSenderDeletes() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    long seq = send(alice, "@" + bob.user, "regret");
    bob.error(delete("@" + alice.user, seq), "forbidden");
    assertEquals("regret", message(bob, "@" + alice.user, seq).get("text").getAsString());
    long rev = rev(alice.ok(delete("@" + bob.user, seq)), "@" + bob.user, seq);
    assertDeleted(assertUpdate(alice.await("update"), "@" + bob.user, seq, rev, alice.user,
        "delete"), alice.user);
    assertDeleted(assertUpdate(bob.await("update"), "@" + alice.user, seq, rev, alice.user,
        "delete"), alice.user);
    assertDeleted(message(bob, "@" + alice.user, seq), alice.user);
  }

  /** Deleting again is ok with the first delete's rev, takes no new rev and tells nobody. */
  @Test
  void deletingTwiceGivesTheSameRevAndNoSecondUpdate() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(alice, bob);
    long first = send(bob, room, "one");
    long second = send(bob, room, "two");
    long rev = rev(bob.ok(delete(room, first)), room, first);
    long later = rev(bob.ok(edit(room, second, "two!")), room, second);
    assertEquals(rev + 1, later);
    alice.sync();
    assertEquals(rev, rev(bob.ok(delete(room, first)), room, first));
    assertEquals(rev, rev(alice.ok(delete(room, first)), room, first), "the owner, again");
    assertEquals(List.of(), alice.syncTypes("update"), "a repeated delete was announced");
    assertEquals(later + 1, rev(bob.ok(edit(room, second, "two!!")), room, second),
        "no rev was taken by the repeats");
  }

  /** A delete erases text, mentions and reactions: in the event, in history, in updates. */
  @Test
  void aDeletionErasesTextMentionsAndReactionsEverywhereItIsRead() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(alice, bob);
    long seq = send(alice, room, "secret plans for @" + bob.user);
    alice.ok(react(room, seq, "👍", true));
    bob.ok(react(room, seq, "🎉", true));
    JsonObject before = message(bob, room, seq);
    assertEquals(List.of(bob.user), Changes.mentions(before), before.toString());
    assertEquals(List.of(bob.user), Changes.reactors(before, "🎉"), before.toString());
    bob.sync();

    long rev = rev(alice.ok(delete(room, seq)), room, seq);
    assertDeleted(assertUpdate(bob.await("update"), room, seq, rev, alice.user, "delete"),
        alice.user);
    assertDeleted(message(bob, room, seq), alice.user);
    JsonObject page = bob.ok(Changes.updates(room, 0, 200));
    JsonObject last = page.getAsJsonArray("updates").asList().stream()
        .map(e -> e.getAsJsonObject()).filter(u -> u.get("rev").getAsLong() == rev)
        .findFirst().orElseThrow(() -> new AssertionError("no rev " + rev + " in " + page));
    assertDeleted(assertUpdate(last, room, seq, rev, alice.user, "delete"), alice.user);
    for (var e : page.getAsJsonArray("updates")) {
      assertDeleted(e.getAsJsonObject().getAsJsonObject("message"), alice.user);
    }
  }
}
