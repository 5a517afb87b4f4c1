package chat.server.it;

import static chat.server.it.Changes.assertUpdate;
import static chat.server.it.Changes.message;
import static chat.server.it.Changes.react;
import static chat.server.it.Changes.reactors;
import static chat.server.it.Changes.rev;
import static chat.server.it.Changes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md "Changing messages", react, against the packaged jar: any participant, users in the
 * order they reacted, toggling, no new rev for what is already so, at most 20 distinct emoji,
 * and what counts as one emoji.
 */
abstract class ReactionsContract {

  private final WireClients wire = server().wire();

  /** The server these tests run against: the subclass's, started by its extension. */
  abstract SharedServer server();

  @Test
  void anyMemberReactsAndUsersAreKeptInTheOrderTheyReacted() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    WireClient outsider = wire.user("out");
    String room = Changes.room(alice, bob, carol);
    long seq = send(alice, room, "ship it?");
    for (WireClient c : List.of(alice, bob, carol)) {
      c.sync();
    }
    outsider.error(react(room, seq, "👍", true), "forbidden");

    record Reaction(WireClient who, String emoji) {}
    List<Reaction> order = List.of(new Reaction(carol, "👍"), new Reaction(alice, "👍"),
        new Reaction(bob, "🎉"), new Reaction(bob, "👍"));
    long expectedRev = 0;
    for (Reaction r : order) {
      long rev = rev(r.who().ok(react(room, seq, r.emoji(), true)), room, seq);
      assertEquals(++expectedRev, rev, "each reaction takes the next rev");
      for (WireClient c : List.of(alice, bob, carol)) {
        assertUpdate(c.await("update"), room, seq, rev, r.who().user, "react");
      }
    }
    JsonObject m = message(bob, room, seq);
    assertEquals(List.of(carol.user, alice.user, bob.user), reactors(m, "👍"), m.toString());
    assertEquals(List.of(bob.user), reactors(m, "🎉"), m.toString());
    assertEquals(2, m.getAsJsonObject("reactions").size(), m.toString());
    assertEquals(List.of(), outsider.syncTypes("update"), "a non-member was told");
  }

  @Test
  void inADirectConversationBothReact() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    long seq = send(alice, "@" + bob.user, "lunch?");
    long r1 = rev(bob.ok(react("@" + alice.user, seq, "🍕", true)), "@" + alice.user, seq);
    long r2 = rev(alice.ok(react("@" + bob.user, seq, "🍕", true)), "@" + bob.user, seq);
    assertEquals(r1 + 1, r2);
    JsonObject told = assertUpdate(bob.next("update"), "@" + alice.user, seq, r1, bob.user,
        "react");
    assertEquals(List.of(bob.user), reactors(told, "🍕"));
    told = assertUpdate(bob.next("update"), "@" + alice.user, seq, r2, alice.user, "react");
    assertEquals(List.of(bob.user, alice.user), reactors(told, "🍕"));
    assertEquals(List.of(bob.user, alice.user),
        reactors(message(alice, "@" + bob.user, seq), "🍕"));
  }

  /**
   * Toggling: on, off, on again (the user goes last again). Setting what is set, or clearing what
   * is not, is ok with the message's last rev and no update.
   */
  @Test
  void togglingTakesARevPerChangeAndRepeatsTakeNone() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(alice, bob);
    long seq = send(alice, room, "vote");
    bob.sync();

    long on = rev(bob.ok(react(room, seq, "👍", true)), room, seq);
    assertEquals(on, rev(bob.ok(react(room, seq, "👍", true)), room, seq), "set again");
    long aliceOn = rev(alice.ok(react(room, seq, "👍", true)), room, seq);
    assertEquals(on + 1, aliceOn);
    long off = rev(bob.ok(react(room, seq, "👍", false)), room, seq);
    assertEquals(aliceOn + 1, off);
    assertEquals(off, rev(bob.ok(react(room, seq, "👍", false)), room, seq), "cleared again");
    assertEquals(off, rev(bob.ok(react(room, seq, "👀", false)), room, seq),
        "clearing an emoji nobody chose");
    List<JsonObject> told = bob.syncTypes("update");
    assertEquals(3, told.size(), "one update per change, none for the repeats: " + told);
    assertEquals(List.of(bob.user), reactors(assertUpdate(told.get(0), room, seq, on, bob.user,
        "react"), "👍"));
    assertEquals(List.of(bob.user, alice.user), reactors(assertUpdate(told.get(1), room, seq,
        aliceOn, alice.user, "react"), "👍"));
    assertEquals(List.of(alice.user), reactors(assertUpdate(told.get(2), room, seq, off,
        bob.user, "react"), "👍"));

    long again = rev(bob.ok(react(room, seq, "👍", true)), room, seq);
    assertEquals(off + 1, again);
    assertEquals(List.of(alice.user, bob.user), reactors(message(bob, room, seq), "👍"));
    alice.ok(react(room, seq, "👍", false));
    bob.ok(react(room, seq, "👍", false));
    JsonObject none = message(bob, room, seq);
    assertFalse(none.has("reactions"), "no reactions, no field: " + none);
  }

  /** At most 20 distinct emoji on a message; more users under one of them are fine. */
  @Test
  void aTwentyFirstDistinctEmojiIsABadRequest() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(alice, bob);
    long seq = send(alice, room, "react away");
    List<String> emoji = new ArrayList<>();
    for (int i = 0; i < 22; i++) {
      emoji.add(new String(Character.toChars(0x1F600 + i))); // 😀 😁 😂 …
    }
    for (int i = 0; i < 20; i++) {
      (i % 2 == 0 ? alice : bob).ok(react(room, seq, emoji.get(i), true));
    }
    alice.error(react(room, seq, emoji.get(20), true), "bad_request");
    bob.error(react(room, seq, emoji.get(21), true), "bad_request");
    bob.ok(react(room, seq, emoji.get(0), true)); // an existing emoji: not a new one
    assertEquals(List.of(alice.user, bob.user), reactors(message(bob, room, seq), emoji.get(0)));
    assertEquals(20, message(bob, room, seq).getAsJsonObject("reactions").size());

    alice.ok(react(room, seq, emoji.get(2), false)); // 😂 had only alice: now 19
    bob.ok(react(room, seq, emoji.get(20), true));
    JsonObject m = message(alice, room, seq);
    assertEquals(20, m.getAsJsonObject("reactions").size(), m.toString());
    assertEquals(List.of(), reactors(m, emoji.get(2)));
    assertEquals(List.of(bob.user), reactors(m, emoji.get(20)));
  }

  /** One emoji of 1 to 32 bytes; flags, keycaps, skin tones and joined sequences are one. */
  @Test
  void anEmojiIsOneEmojiOfAtMostThirtyTwoBytes() throws Exception {
    WireClient alice = wire.user("alice");
    String room = Changes.room(alice);
    long seq = send(alice, room, "which?");
    for (String bad : List.of("", "a", "ok", " ", "👍 ", " 👍", "\n", "\u0000", "👍a",
        "😀".repeat(9) /* 36 bytes */)) {
      alice.error(react(room, seq, bad, true), "bad_request");
    }
    alice.error(Frames.of("type", "react", "conv", room, "seq", seq, "emoji", "👍"),
        "bad_request"); // no "on"
    alice.error(Frames.of("type", "react", "conv", room, "seq", seq, "on", true),
        "bad_request"); // no "emoji"
    assertFalse(message(alice, room, seq).has("reactions"), "a refused reaction was stored");

    List<String> good = List.of("👍", "👍🏽", "🇫🇷", "1\uFE0F\u20E3", "❤\uFE0F",
        "👨\u200D👩\u200D👧\u200D👦" /* 25 bytes */);
    for (String e : good) {
      alice.ok(react(room, seq, e, true));
    }
    JsonObject m = message(alice, room, seq);
    for (String e : good) {
      assertEquals(List.of(alice.user), reactors(m, e), e + " in " + m);
    }
  }

  /**
   * "emoji is 1 to 32 bytes of one emoji": two emoji side by side, or a plain ASCII symbol, are
   * not one emoji.
   */
  @Test
  void twoEmojiOrAnAsciiSymbolAreNotOneEmoji() throws Exception {
    WireClient alice = wire.user("alice");
    String room = Changes.room(alice);
    long seq = send(alice, room, "which?");
    List<String> accepted = new ArrayList<>();
    for (String notOne : List.of("👍👎", "😀😀", "+", "=", "<", "^")) {
      JsonObject reply = alice.request(react(room, seq, notOne, true));
      if (!(reply.get("type").getAsString().equals("error")
          && reply.get("code").getAsString().equals("bad_request"))) {
        accepted.add(notOne);
      }
    }
    assertEquals(List.of(), accepted, "accepted as one emoji");
  }
}
