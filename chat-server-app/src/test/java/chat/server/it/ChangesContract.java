package chat.server.it;

import static chat.server.it.Changes.assertUpdate;
import static chat.server.it.Changes.delete;
import static chat.server.it.Changes.edit;
import static chat.server.it.Changes.message;
import static chat.server.it.Changes.normal;
import static chat.server.it.Changes.react;
import static chat.server.it.Changes.rev;
import static chat.server.it.Changes.send;
import static chat.server.it.Changes.updates;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md "Changing messages" against the packaged jar, the part every change shares: hello's
 * features, sign-in first, update events to every session of every participant (named from each
 * side), revs (gap-free per conversation, apart from seqs), {@code conversations}' lastRev, the
 * {@code updates} catch-up (paging, superseded updates), and that a client that was offline
 * catches up to exactly the state of one that stayed connected. Who may make which change is in
 * {@link EditDeleteContract} and {@link ReactionsContract}.
 */
abstract class ChangesContract {

  private final WireClients wire = server().wire();

  /** The server these tests run against: the subclass's, started by its extension. */
  abstract SharedServer server();

  @Test
  void helloNamesEditDeleteReactAndReply() throws Exception {
    List<String> features = Changes.strings(wire.connect().hello.getAsJsonArray("features"));
    assertTrue(features.containsAll(List.of("edit", "delete", "react", "reply")),
        features.toString());
  }

  @Test
  void everyChangeRequestIsUnauthorizedBeforeSignIn() throws Exception {
    WireClient alice = wire.user("alice");
    String room = Changes.room(alice);
    long seq = send(alice, room, "x");
    WireClient anonymous = wire.connect();
    for (JsonObject r : List.of(edit(room, seq, "y"), delete(room, seq),
        react(room, seq, "👍", true), updates(room, 0, 10),
        Changes.reply(room, "y", "c1", seq))) {
      anonymous.error(r, "unauthorized");
    }
    assertTrue(anonymous.isOpen());
    JsonObject m = message(alice, room, seq);
    assertEquals("x", m.get("text").getAsString());
    assertFalse(m.has("reactions"), m.toString());
    assertEquals(List.of(), alice.syncTypes("update"));
  }

  /**
   * A direct conversation, two sessions each: every change reaches all four sessions, the
   * changer's own included, named from the receiver's side; nobody else hears of it.
   */
  @Test
  void updatesReachEverySessionOfEveryParticipantNamedFromTheirSide() throws Exception {
    WireClient a1 = wire.user("alice");
    WireClient a2 = wire.connect().loginWithToken(a1.token);
    WireClient b1 = wire.user("bob");
    WireClient b2 = wire.connect().loginWithToken(b1.token);
    WireClient carol = wire.user("carol");
    String alice = a1.user;
    String bob = b1.user;
    long seq = send(a1, "@" + bob, "hello @" + bob);
    long r1 = rev(b2.ok(react("@" + alice, seq, "👋", true)), "@" + alice, seq);
    long r2 = rev(a2.ok(edit("@" + bob, seq, "hello again @" + bob)), "@" + bob, seq);
    long r3 = rev(a1.ok(delete("@" + bob, seq)), "@" + bob, seq);
    assertEquals(List.of(1L, 2L, 3L), List.of(r1, r2, r3));
    for (WireClient c : List.of(a1, a2, b1, b2)) {
      String conv = c.user.equals(alice) ? "@" + bob : "@" + alice;
      List<JsonObject> told = c.syncTypes("update");
      assertEquals(3, told.size(), c.user + ": " + told);
      JsonObject m = assertUpdate(told.get(0), conv, seq, r1, bob, "react");
      assertEquals(List.of(bob), Changes.reactors(m, "👋"));
      m = assertUpdate(told.get(1), conv, seq, r2, alice, "edit");
      assertEquals("hello again @" + bob, m.get("text").getAsString());
      assertEquals(List.of(bob), Changes.mentions(m));
      assertEquals(List.of(bob), Changes.reactors(m, "👋"));
      m = assertUpdate(told.get(2), conv, seq, r3, alice, "delete");
      Changes.assertDeleted(m, alice);
    }
    assertEquals(List.of(), carol.syncTypes("update"), "an outsider was told");
  }

  /**
   * Revs count changes per conversation: 1, 2, 3 with no gap, whatever the seqs do, and another
   * conversation counts its own. conversations reports each one's lastRev (0 with no change).
   */
  @Test
  void revsAreGapFreePerConversationApartFromSeqsAndConversationsTellTheLast() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(alice, bob);
    String quiet = Changes.room(alice, bob);
    String dm = "@" + bob.user;
    long s1 = send(alice, room, "one");
    long s2 = send(bob, room, "two");
    send(alice, quiet, "nothing changes here");
    assertEquals(1, rev(alice.ok(edit(room, s1, "one!")), room, s1));
    long s3 = send(alice, room, "three");
    assertEquals(3, s3, "a change takes no seq");
    long d1 = send(alice, dm, "dm");
    assertEquals(1, rev(bob.ok(react("@" + alice.user, d1, "✅", true)), "@" + alice.user, d1),
        "the direct conversation counts its own revs");
    assertEquals(2, rev(alice.ok(react(room, s2, "✅", true)), room, s2));
    assertEquals(3, rev(bob.ok(delete(room, s2)), room, s2));
    assertEquals(4, send(bob, room, "four"), "seqs go on from 3");
    assertEquals(4, rev(alice.ok(react(room, s3, "✅", true)), room, s3));

    Map<String, JsonObject> convs = conversations(alice);
    assertEquals(4, convs.get(room).get("lastSeq").getAsLong());
    assertEquals(4, convs.get(room).get("lastRev").getAsLong(), convs.get(room).toString());
    assertEquals(1, convs.get(dm).get("lastRev").getAsLong(), convs.get(dm).toString());
    assertEquals(0, convs.get(quiet).get("lastRev").getAsLong(), convs.get(quiet).toString());
    assertEquals(4, conversations(bob).get(room).get("lastRev").getAsLong());
    assertEquals(1, conversations(bob).get("@" + alice.user).get("lastRev").getAsLong());

    List<Long> live = new ArrayList<>();
    for (JsonObject u : bob.syncTypes("update")) {
      if (u.get("conv").getAsString().equals(room)) {
        live.add(u.get("rev").getAsLong());
      }
    }
    assertEquals(List.of(1L, 2L, 3L, 4L), live, "a member hears each rev once, in order");
  }

  /**
   * Changes from three users at once, pipelined: the revs handed out are exactly 1..n, and a
   * member's connection receives the updates in rev order, none skipped.
   */
  @Test
  void concurrentChangesGetDistinctGapFreeRevsDeliveredInOrder() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    WireClient watcher = wire.user("watch");
    String room = Changes.room(alice, bob, carol, watcher);
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      seqs.add(send(alice, room, "m" + i));
    }
    watcher.sync();
    Map<WireClient, List<String>> ids = new LinkedHashMap<>();
    int perUser = 50;
    for (WireClient c : List.of(alice, bob, carol)) {
      ids.put(c, new ArrayList<>());
    }
    for (int i = 0; i < perUser; i++) {
      for (WireClient c : ids.keySet()) { // each a real change: a new (user, emoji, message)
        String id = WireClient.nextId();
        JsonObject r = react(room, seqs.get(i % seqs.size()),
            new String(Character.toChars(0x1F600 + i / seqs.size())), true);
        r.addProperty("id", id);
        c.sendRaw(r.toString());
        ids.get(c).add(id);
      }
    }
    TreeSet<Long> revs = new TreeSet<>();
    int n = 0;
    for (Map.Entry<WireClient, List<String>> e : ids.entrySet()) {
      for (String id : e.getValue()) {
        JsonObject ok = e.getKey().awaitReply(id);
        assertEquals("ok", ok.get("type").getAsString(), ok.toString());
        revs.add(ok.get("rev").getAsLong());
        n++;
      }
    }
    assertEquals(n, revs.size(), "a rev was handed out twice: " + revs);
    assertEquals(1, revs.first());
    assertEquals(n, revs.last(), "revs are 1.." + n + ": " + revs);

    List<Long> received = new ArrayList<>();
    while (received.size() < n) {
      received.add(watcher.await("update").get("rev").getAsLong());
    }
    List<Long> expected = new ArrayList<>(revs);
    assertEquals(expected, received, "updates in rev order, none missing");
  }

  /**
   * Three users toggle reactions on one message at once. A member that replaces its copy with
   * each live update as it arrives (each carries "the message as it now is") ends with the
   * message history shows.
   */
  @Test
  void aMemberApplyingLiveUpdatesAsTheyArriveEndsWithTheCurrentMessage() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    WireClient watcher = wire.user("watch");
    String room = Changes.room(alice, bob, carol, watcher);
    long seq = send(alice, room, "toggle me");
    watcher.sync();
    Map<WireClient, List<String>> ids = new LinkedHashMap<>();
    for (WireClient c : List.of(alice, bob, carol)) {
      ids.put(c, new ArrayList<>());
    }
    for (int i = 0; i < 30; i++) {
      for (WireClient c : ids.keySet()) {
        String id = WireClient.nextId();
        JsonObject r = react(room, seq, List.of("👍", "🎉", "👀").get(i % 3), i % 6 < 3);
        r.addProperty("id", id);
        c.sendRaw(r.toString());
        ids.get(c).add(id);
      }
    }
    TreeSet<Long> revs = new TreeSet<>();
    for (Map.Entry<WireClient, List<String>> e : ids.entrySet()) {
      for (String id : e.getValue()) {
        JsonObject ok = e.getKey().awaitReply(id);
        assertEquals("ok", ok.get("type").getAsString(), ok.toString());
        revs.add(ok.get("rev").getAsLong());
      }
    }
    JsonObject copy = null;
    List<Long> arrival = new ArrayList<>();
    while (arrival.size() < revs.size()) {
      JsonObject u = watcher.await("update");
      arrival.add(u.get("rev").getAsLong());
      copy = normal(u.getAsJsonObject("message"));
    }
    assertEquals(revs.last(), conversations(watcher).get(room).get("lastRev").getAsLong());
    assertEquals(normal(message(watcher, room, seq)), copy,
        "the copy after the last update to arrive; revs arrived in the order " + arrival);
  }

  /** updates pages in rev order with more, and ends with an empty page after the last rev. */
  @Test
  void updatesPagesInRevOrderWithMore() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(alice, bob);
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      seqs.add(send(alice, room, "m" + i));
    }
    for (int i = 0; i < 7; i++) { // one change per message: none supersedes another
      WireClient reactor = i % 2 == 0 ? alice : bob;
      long rev = rev(i % 3 == 0 ? alice.ok(edit(room, seqs.get(i), "e" + i))
          : reactor.ok(react(room, seqs.get(i), "👍", true)), room, seqs.get(i));
      assertEquals(i + 1, rev);
    }
    assertEquals(8, rev(alice.ok(edit(room, seqs.get(0), "e0 again")), room, seqs.get(0)));
    long afterRev = 0;
    List<List<Long>> pages = new ArrayList<>();
    List<Boolean> mores = new ArrayList<>();
    for (;;) {
      JsonObject page = bob.ok(updates(room, afterRev, 3));
      assertEquals(room, page.get("conv").getAsString());
      List<Long> revs = new ArrayList<>();
      for (JsonElement e : page.getAsJsonArray("updates")) {
        JsonObject u = e.getAsJsonObject();
        assertFalse(u.has("type"), "updates without \"type\": " + u);
        revs.add(u.get("rev").getAsLong());
        assertEquals(normal(message(bob, room, u.get("seq").getAsLong())),
            normal(u.getAsJsonObject("message")), "the message as it now is");
      }
      pages.add(revs);
      mores.add(page.get("more").getAsBoolean());
      if (!page.get("more").getAsBoolean()) {
        break;
      }
      afterRev = revs.get(revs.size() - 1);
    }
    // rev 8 re-edits seq 1, so rev 1 is superseded, but not within its own page.
    assertEquals(List.of(List.of(1L, 2L, 3L), List.of(4L, 5L, 6L), List.of(7L, 8L)), pages);
    assertEquals(List.of(true, true, false), mores);
    JsonObject end = bob.ok(updates(room, 8, 3));
    assertEquals(0, end.getAsJsonArray("updates").size(), end.toString());
    assertFalse(end.get("more").getAsBoolean());
    JsonObject all = bob.ok(Frames.of("type", "updates", "conv", room, "afterRev", 0));
    assertFalse(all.get("more").getAsBoolean(), "limit left out: historyMax");
    assertEquals(7, all.getAsJsonArray("updates").size(), "rev 1 superseded by 8: " + all);
  }

  /**
   * Within one reply, an update that a later one for the same seq supersedes is left out, and
   * applying the reply in rev order gives the current state.
   */
  @Test
  void updatesLeavesOutWhatALaterUpdateOfTheSameMessageSupersedes() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(alice, bob);
    long s1 = send(alice, room, "first");
    long s2 = send(alice, room, "second");
    alice.ok(edit(room, s1, "first, edited")); // rev 1
    bob.ok(react(room, s2, "👍", true)); // rev 2
    alice.ok(edit(room, s1, "first, edited twice")); // rev 3
    bob.ok(react(room, s1, "🎉", true)); // rev 4
    bob.ok(react(room, s2, "👍", false)); // rev 5

    JsonObject page = bob.ok(updates(room, 0, 200));
    Map<Long, Long> revOfSeq = new TreeMap<>();
    for (JsonElement e : page.getAsJsonArray("updates")) {
      JsonObject u = e.getAsJsonObject();
      revOfSeq.put(u.get("seq").getAsLong(), u.get("rev").getAsLong());
    }
    assertEquals(Map.of(s1, 4L, s2, 5L), revOfSeq, page.toString());
    assertEquals(2, page.getAsJsonArray("updates").size(), "one update per seq: " + page);
    JsonObject u1 = page.getAsJsonArray("updates").get(0).getAsJsonObject();
    JsonObject m1 = assertUpdate(u1, room, s1, 4, bob.user, "react");
    assertEquals("first, edited twice", m1.get("text").getAsString());
    assertEquals(List.of(bob.user), Changes.reactors(m1, "🎉"));
    JsonObject u2 = page.getAsJsonArray("updates").get(1).getAsJsonObject();
    assertFalse(assertUpdate(u2, room, s2, 5, bob.user, "react").has("reactions"), u2.toString());

    JsonObject tail = bob.ok(updates(room, 2, 200)); // revs 3, 4, 5: 3 is superseded by 4
    List<Long> revs = new ArrayList<>();
    for (JsonElement e : tail.getAsJsonArray("updates")) {
      revs.add(e.getAsJsonObject().get("rev").getAsLong());
    }
    assertEquals(List.of(4L, 5L), revs, tail.toString());
  }

  @Test
  void updatesOfNoConversationIsNotFoundOfARoomOneIsNotInForbidden() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient outsider = wire.user("out");
    String room = Changes.room(alice);
    alice.ok(edit(room, send(alice, room, "x"), "y"));
    alice.error(updates("#" + WireClients.unique("noroom"), 0, 10), "not_found");
    alice.error(updates("@" + WireClients.unique("nobody"), 0, 10), "not_found");
    outsider.error(updates(room, 0, 10), "forbidden");
    for (JsonObject r : List.of(updates(room, -1, 10), updates(room, 0, 0),
        updates(room, 0, -5), Frames.of("type", "updates", "conv", room),
        Frames.of("type", "updates", "afterRev", 0),
        Frames.of("type", "updates", "conv", room, "afterRev", "zero"))) {
      alice.error(r, "bad_request");
    }
    assertEquals(1, alice.ok(updates(room, 0, 10)).getAsJsonArray("updates").size());
  }

  /**
   * A kicked member, and one who left, get no more update events of the room and may not ask for
   * its updates; a user who joins again may.
   */
  @Test
  void aKickedOrDepartedUserGetsNoMoreUpdatesAndMayNotAskForThem() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String room = Changes.room(alice, bob, carol);
    long seq = send(alice, room, "before");
    alice.ok(edit(room, seq, "before, edited"));
    assertEquals(1, bob.ok(updates(room, 0, 10)).getAsJsonArray("updates").size());
    assertEquals(1, carol.ok(updates(room, 0, 10)).getAsJsonArray("updates").size());

    alice.ok(Frames.of("type", "kick", "room", room.substring(1), "user", bob.user));
    carol.ok(Frames.of("type", "leave", "room", room.substring(1)));
    bob.sync();
    carol.sync();
    alice.ok(edit(room, seq, "after"));
    alice.ok(react(room, seq, "👍", true));
    alice.ok(delete(room, seq));
    assertEquals(List.of(), bob.syncTypes("update"), "the kicked user was told");
    assertEquals(List.of(), carol.syncTypes("update"), "the departed user was told");
    for (WireClient gone : List.of(bob, carol)) {
      gone.error(updates(room, 0, 10), "forbidden");
      gone.error(react(room, seq, "👍", true), "forbidden");
    }

    bob.ok(Frames.of("type", "join", "room", room.substring(1)));
    JsonObject page = bob.ok(updates(room, 1, 10));
    assertEquals(1, page.getAsJsonArray("updates").size(), "superseded down to the delete");
    long send2 = send(alice, room, "welcome back");
    alice.ok(react(room, send2, "👋", true));
    assertUpdate(bob.await("update"), room, send2, 5, alice.user, "react");
  }

  /**
   * The catch-up: a client offline while messages came and were edited, deleted, reacted to and
   * answered runs conversations, history after its last seq and updates after its last rev (in
   * small pages), and ends with exactly the state of a client that stayed connected and applied
   * the live events; both equal a fresh read of the history.
   */
  @Test
  void aClientThatWasOfflineCatchesUpToTheStateOfOneThatStayed() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bobOnline = wire.user("bob");
    WireClient carol = wire.user("carol");
    String bob = bobOnline.user;
    String room = Changes.room(alice, bobOnline, carol);
    String bobsDm = "@" + alice.user; // alice's DM as bob names it; alice names it "@bob"
    for (int i = 1; i <= 4; i++) {
      send(i % 2 == 0 ? carol : alice, room, "early " + i + " @" + bob);
    }
    send(alice, "@" + bob, "early dm");
    bobOnline.ok(react(room, 1, "👍", true));
    bobOnline.ok(edit(bobsDm, send(bobOnline, bobsDm, "hi"), "hi there"));
    alice.ok(delete(room, 3));

    // A second session of bob that stays connected, and bob's first that goes offline.
    WireClient bobStays = wire.connect().loginWithToken(bobOnline.token);
    Map<String, Map<Long, JsonObject>> offline = snapshot(bobOnline, List.of(room, bobsDm));
    Map<String, Long> offlineRevs = lastRevs(bobOnline);
    Map<String, Map<Long, JsonObject>> live = snapshot(bobStays, List.of(room, bobsDm));
    Map<String, Long> liveRevs = lastRevs(bobStays);
    bobStays.sync();
    bobOnline.close();

    long lastRoomRev = offlineRevs.get(room);
    long lastDmRev = offlineRevs.get(bobsDm);
    long lastRoomSeq = 4;
    long lastDmSeq = 2;
    for (int i = 0; i < 5; i++) {
      lastRoomSeq = send(i % 2 == 0 ? alice : carol, room, "while away " + i);
    }
    lastRoomSeq = alice.ok(Changes.reply(room, "answering 1", "r1", 1)).get("seq").getAsLong();
    lastDmSeq = send(alice, "@" + bob, "are you there, @" + bob + "?");
    lastDmSeq = send(bobStays, bobsDm, "yes, from my phone");
    lastRoomRev = rev(alice.ok(edit(room, 1, "early 1, edited")), room, 1); // an old one
    lastRoomRev = rev(carol.ok(react(room, 1, "👍", true)), room, 1);
    lastRoomRev = rev(bobStays.ok(react(room, 1, "👍", false)), room, 1);
    lastRoomRev = rev(carol.ok(edit(room, 6, "while away 1, edited @" + bob)), room, 6);
    lastRoomRev = rev(alice.ok(delete(room, 5)), room, 5); // a new one
    lastRoomRev = rev(alice.ok(delete(room, 2)), room, 2); // carol's, by the owner
    lastRoomRev = rev(carol.ok(react(room, 7, "🎉", true)), room, 7);
    lastRoomRev = rev(alice.ok(react(room, 7, "🎉", true)), room, 7);
    lastRoomRev = rev(bobStays.ok(react(room, 4, "👀", true)), room, 4);
    lastDmRev = rev(alice.ok(react("@" + bob, 3, "❓", true)), "@" + bob, 3);
    lastDmRev = rev(bobStays.ok(edit(bobsDm, 4, "yes, from my phone!")), bobsDm, 4);
    lastDmRev = rev(alice.ok(delete("@" + bob, 1)), "@" + bob, 1);

    // The connected session applies live events until it has every seq and rev.
    Map<String, Long> wantSeq = Map.of(room, lastRoomSeq, bobsDm, lastDmSeq);
    Map<String, Long> wantRev = Map.of(room, lastRoomRev, bobsDm, lastDmRev);
    while (!reached(live, liveRevs, wantSeq, wantRev)) {
      JsonObject e = bobStays.await(f -> f.get("type").getAsString().equals("message")
          || f.get("type").getAsString().equals("update"), "a message or update event");
      String conv = e.get("conv").getAsString();
      if (e.get("type").getAsString().equals("message")) {
        // An update may overtake its message's own event; the update is the newer state.
        live.get(conv).putIfAbsent(e.get("seq").getAsLong(), normal(e));
      } else {
        long rev = e.get("rev").getAsLong();
        assertEquals(liveRevs.get(conv) + 1, rev, "live updates skip no rev: " + e);
        liveRevs.put(conv, rev);
        live.get(conv).put(e.get("seq").getAsLong(), normal(e.getAsJsonObject("message")));
      }
    }

    // The offline session comes back and catches up.
    WireClient back = wire.connect().loginWithToken(bobOnline.token);
    Map<String, JsonObject> convs = conversations(back);
    for (String conv : List.of(room, bobsDm)) {
      Map<Long, JsonObject> state = offline.get(conv);
      long after = state.isEmpty() ? 0 : ((TreeMap<Long, JsonObject>) state).lastKey();
      for (;;) {
        JsonObject page = back.ok(Frames.of("type", "history", "conv", conv, "after", after,
            "limit", 2));
        for (JsonElement e : page.getAsJsonArray("messages")) {
          JsonObject m = e.getAsJsonObject();
          after = m.get("seq").getAsLong();
          state.put(after, normal(m));
        }
        if (!page.get("more").getAsBoolean()) {
          break;
        }
      }
      long rev = offlineRevs.get(conv);
      for (;;) {
        JsonObject page = back.ok(updates(conv, rev, 2));
        for (JsonElement e : page.getAsJsonArray("updates")) {
          JsonObject u = e.getAsJsonObject();
          assertTrue(u.get("rev").getAsLong() > rev, "ascending revs: " + page);
          rev = u.get("rev").getAsLong();
          state.put(u.get("seq").getAsLong(), normal(u.getAsJsonObject("message")));
        }
        if (!page.get("more").getAsBoolean()) {
          break;
        }
      }
      assertEquals(convs.get(conv).get("lastRev").getAsLong(), rev, conv + ": up to lastRev");
      assertEquals(wantRev.get(conv).longValue(), rev, conv);
      assertEquals(convs.get(conv).get("lastSeq").getAsLong(),
          ((TreeMap<Long, JsonObject>) state).lastKey().longValue(), conv + ": up to lastSeq");
      assertEquals(live.get(conv), state, conv + ": caught up = stayed connected");
      assertEquals(Changes.history(back, conv, 200), state, conv + ": = a fresh read");
    }
    // Spot checks that the states compared are the ones expected, not two equal wrong ones.
    Map<Long, JsonObject> r = offline.get(room);
    assertEquals("early 1, edited", r.get(1L).get("text").getAsString());
    assertEquals(List.of(carol.user), Changes.reactors(r.get(1L), "👍"));
    assertTrue(r.get(2L).get("deleted").getAsBoolean());
    assertTrue(r.get(5L).get("deleted").getAsBoolean());
    assertEquals(List.of(bob), Changes.mentions(r.get(6L)));
    assertEquals(List.of(carol.user, alice.user), Changes.reactors(r.get(7L), "🎉"));
    assertEquals(1, r.get(lastRoomSeq).get("replyTo").getAsLong());
    Map<Long, JsonObject> d = offline.get(bobsDm);
    assertTrue(d.get(1L).get("deleted").getAsBoolean());
    assertEquals("yes, from my phone!", d.get(4L).get("text").getAsString());
    assertEquals(bobsDm, d.get(4L).get("conv").getAsString(), "named from bob's side");
  }

  private static boolean reached(Map<String, Map<Long, JsonObject>> state,
      Map<String, Long> revs, Map<String, Long> wantSeq, Map<String, Long> wantRev) {
    for (String conv : wantSeq.keySet()) {
      if (!state.get(conv).containsKey(wantSeq.get(conv)) || revs.get(conv) < wantRev.get(conv)) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, Map<Long, JsonObject>> snapshot(WireClient c, List<String> convs)
      throws InterruptedException {
    Map<String, Map<Long, JsonObject>> all = new HashMap<>();
    for (String conv : convs) {
      all.put(conv, new TreeMap<>(Changes.history(c, conv, 200)));
    }
    return all;
  }

  private static Map<String, Long> lastRevs(WireClient c) throws InterruptedException {
    Map<String, Long> revs = new HashMap<>();
    conversations(c).forEach((conv, o) -> revs.put(conv, o.get("lastRev").getAsLong()));
    return revs;
  }

  private static Map<String, JsonObject> conversations(WireClient c) throws InterruptedException {
    Map<String, JsonObject> byName = new HashMap<>();
    for (JsonElement e : c.ok(Frames.of("type", "conversations"))
        .getAsJsonArray("conversations")) {
      byName.put(e.getAsJsonObject().get("conv").getAsString(), e.getAsJsonObject());
    }
    return byName;
  }
}
