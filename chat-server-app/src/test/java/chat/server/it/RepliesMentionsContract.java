package chat.server.it;

import static chat.server.it.Changes.edit;
import static chat.server.it.Changes.mentions;
import static chat.server.it.Changes.message;
import static chat.server.it.Changes.reply;
import static chat.server.it.Changes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md "Changing messages" against the packaged jar: {@code send}'s {@code replyTo} (an
 * existing, not deleted message of the same conversation) and the {@code mentions} the server
 * works out ("Details of the additions": {@code @name} not preceded by a letter, digit or
 * {@code _.-}, case-folded, without trailing {@code .-_}, naming a participant).
 */
abstract class RepliesMentionsContract {

  private final WireClients wire = server().wire();

  /** The server these tests run against: the subclass's, started by its extension. */
  abstract SharedServer server();

  @Test
  void aReplyCarriesTheSeqItAnswersToEveryone() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(alice, bob);
    long question = send(alice, room, "question");
    JsonObject plain = bob.await("message");
    assertFalse(plain.has("replyTo"), "a plain message has no replyTo: " + plain);

    JsonObject ok = bob.ok(reply(room, "answer", "r1", question));
    long answer = ok.get("seq").getAsLong();
    assertEquals(question + 1, answer);
    for (WireClient c : List.of(alice, bob)) {
      JsonObject m = c.await(f -> f.get("type").getAsString().equals("message")
          && f.get("seq").getAsLong() == answer, "message " + answer);
      assertEquals(question, m.get("replyTo").getAsLong(), m.toString());
    }
    assertEquals(question, message(alice, room, answer).get("replyTo").getAsLong());

    long dmAnswer = send(bob, "@" + alice.user, "psst");
    long dmReply = alice.ok(reply("@" + bob.user, "yes?", "r2", dmAnswer)).get("seq").getAsLong();
    assertEquals(dmAnswer, message(bob, "@" + alice.user, dmReply).get("replyTo").getAsLong());
  }

  /**
   * replyTo names an existing, not deleted message of the same conversation, else not_found;
   * nothing is stored for a refused send.
   */
  @Test
  void aReplyToNoMessageAnotherConversationsOrADeletedOneIsNotFound() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(alice, bob);
    long kept = send(alice, room, "one");
    long gone = send(alice, room, "two");
    alice.ok(Changes.delete(room, gone));
    for (int i = 0; i < 3; i++) {
      send(alice, "@" + bob.user, "dm " + i); // the DM has seqs 1 to 3, the room 1 and 2
    }
    alice.error(reply(room, "to nothing", "x1", gone + 1), "not_found");
    alice.error(reply(room, "to the DM's 3", "x2", 3), "not_found");
    alice.error(reply(room, "to a deleted one", "x3", gone), "not_found");
    alice.error(reply("@" + bob.user, "to nothing", "x4", 4), "not_found");
    alice.error(reply(room, "to zero", "x5", 0), "bad_request");
    alice.error(Frames.of("type", "send", "to", room, "text", "x", "cid", "x6", "replyTo", "one"),
        "bad_request");
    JsonObject ok = alice.ok(reply(room, "fine", "x7", kept));
    assertEquals(gone + 1, ok.get("seq").getAsLong(), "the refused sends stored nothing");
  }

  /** The rule's edge cases, each text against the room's members alice, bob and carol. */
  @Test
  void mentionsAreTheParticipantsNamedAsAtNameWords() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String dave = wire.user("dave").user; // a user, not a member
    String room = Changes.room(alice, bob, carol);
    String b = bob.user;
    String c = carol.user;
    String upper = b.toUpperCase(Locale.ROOT);
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put("hi @" + b, List.of(b));
    cases.put("@" + upper + " and @" + c, List.of(b, c)); // case-folded, in order
    cases.put("@" + c + " then @" + b + " and @" + c + " again", List.of(c, b)); // each once
    cases.put("mail " + b + "@example.org or x@" + b, List.of()); // after a letter
    cases.put("1@" + b + " _@" + b + " .@" + b + " -@" + b, List.of()); // after digit, _ . -
    cases.put("é@" + b, List.of()); // a letter beyond ASCII
    cases.put("(@" + b + "), @" + b + ". ok", List.of(b)); // after punctuation; trailing dot
    cases.put("@" + b + "_ @" + c + "-", List.of(b, c)); // trailing _ and -
    cases.put("@" + b + "... really", List.of(b));
    cases.put("@@" + b, List.of(b)); // after @, which is none of letter, digit, _.-
    cases.put("@" + b + ".smith", List.of()); // the name is bob.smith, nobody's
    cases.put("@" + b + "x", List.of()); // a longer name, not a prefix match
    cases.put("@" + dave + " is not here", List.of()); // not a participant
    cases.put("@" + WireClients.unique("nobody"), List.of()); // no such user
    cases.put("@ " + b + " @", List.of());
    cases.put("me: @" + alice.user, List.of(alice.user)); // the sender is a participant
    cases.put("@" + b + "'s idea\n@" + c + ":", List.of(b, c));
    Map<String, List<String>> wrong = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : cases.entrySet()) {
      long seq = send(alice, room, e.getKey());
      JsonObject m = message(bob, room, seq);
      if (!mentions(m).equals(e.getValue())) {
        wrong.put(e.getKey(), mentions(m));
      }
      if (e.getValue().isEmpty()) {
        assertFalse(m.has("mentions"), "no mentions, no field: " + m);
      }
    }
    assertEquals(Map.of(), wrong, "texts whose mentions differ from the rule");
  }

  /** The live event carries the mentions too, and what a client sends as mentions is ignored. */
  @Test
  void theServerWorksOutMentionsAndIgnoresTheClients() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String room = Changes.room(alice, bob, carol);
    JsonObject send = Frames.of("type", "send", "to", room, "text", "hey @" + bob.user,
        "cid", "m1");
    JsonArray claimed = new JsonArray();
    claimed.add(carol.user);
    send.add("mentions", claimed);
    long seq = alice.ok(send).get("seq").getAsLong();
    for (WireClient c : List.of(alice, bob, carol)) {
      JsonObject m = c.await("message");
      assertEquals(seq, m.get("seq").getAsLong());
      assertEquals(List.of(bob.user), mentions(m), m.toString());
    }
  }

  /** In a direct conversation the participants are its two users. */
  @Test
  void inADirectConversationTheTwoAreTheParticipants() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String carol = wire.user("carol").user;
    long seq = send(alice, "@" + bob.user,
        "@" + carol + " @" + bob.user + " @" + alice.user);
    assertEquals(List.of(bob.user, alice.user), mentions(message(bob, "@" + alice.user, seq)));
  }

  /** An edit works mentions out again, against the participants of that moment. */
  @Test
  void anEditWorksMentionsOutAgainAndALeaverIsNoLongerOne() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String room = Changes.room(alice, bob, carol);
    long seq = send(alice, room, "ping @" + bob.user);
    assertEquals(List.of(bob.user), mentions(message(alice, room, seq)));

    alice.ok(edit(room, seq, "ping @" + carol.user + " instead"));
    JsonObject told = bob.next("update");
    assertEquals(List.of(carol.user), mentions(told.getAsJsonObject("message")), told.toString());
    assertEquals(List.of(carol.user), mentions(message(bob, room, seq)));

    alice.ok(edit(room, seq, "never mind"));
    assertFalse(message(bob, room, seq).has("mentions"), "an edit without mentions keeps none");

    carol.ok(Frames.of("type", "leave", "room", room.substring(1)));
    long after = send(alice, room, "@" + carol.user + " @" + bob.user);
    assertEquals(List.of(bob.user), mentions(message(bob, room, after)));
    alice.ok(edit(room, seq, "@" + carol.user + "?"));
    assertEquals(List.of(), mentions(message(bob, room, seq)));
  }
}
