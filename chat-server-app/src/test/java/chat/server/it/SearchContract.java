package chat.server.it;

import static chat.server.it.Changes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md "Search" against the packaged jar: every word matched as a word prefix, case
 * aside; only conversations the searcher can read now (a room left is not searched, another
 * pair's direct messages never); newest first with a cursor; edited messages by their current
 * text; deleted ones never; and a clear error for every bad request.
 *
 * <p>The server is shared by the tests of a class, so each test searches for a word of its own.
 */
abstract class SearchContract {

  private final WireClients wire = server().wire();

  /** The server these tests run against: the subclass's, started by its extension. */
  abstract SharedServer server();

  /** A word no other test uses, and that no other test's word starts with. */
  private static String word() {
    return WireClients.unique("kw") + "x";
  }

  private static JsonObject search(String query, Object... more) {
    List<Object> fields = new ArrayList<>(List.of("type", "search", "query", query));
    fields.addAll(List.of(more));
    return Frames.of(fields.toArray());
  }

  /** The hits of {@code c}'s search as "conv seq text", in the order given. */
  private static List<String> hits(WireClient c, JsonObject request) throws InterruptedException {
    JsonObject ok = c.ok(request);
    List<String> out = new ArrayList<>();
    for (JsonElement e : ok.getAsJsonArray("results")) {
      JsonObject hit = e.getAsJsonObject();
      JsonObject m = hit.getAsJsonObject("message");
      assertEquals(hit.get("conv").getAsString(), m.get("conv").getAsString(), hit.toString());
      out.add(hit.get("conv").getAsString() + " " + m.get("seq").getAsLong() + " "
          + m.get("text").getAsString());
    }
    return out;
  }

  @Test
  void findsEveryWordByItsStartInRoomsAndDirectMessagesNewestFirst() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String room = Changes.room(alice, bob);
    String k = word();
    long inRoom = send(alice, room, k + " Release notes are out");
    long inDm = send(bob, "@" + alice.user, "have you read the " + k.toUpperCase() + " release?");
    send(alice, room, k + " nothing else");
    send(carol, "@" + bob.user, k + " release of carol and bob");

    assertEquals(List.of("@" + bob.user + " " + inDm + " have you read the " + k.toUpperCase()
            + " release?", room + " " + inRoom + " " + k + " Release notes are out"),
        hits(alice, search(k + " rel")));
    assertEquals(List.of(room + " " + inRoom + " " + k + " Release notes are out"),
        hits(alice, search("RELEASE " + k + " no", "conv", room)));
    assertEquals(List.of("@" + bob.user + " " + 1 + " " + k + " release of carol and bob"),
        hits(carol, search(k)), "carol sees her own direct messages only");
    assertEquals(List.of(), hits(alice, search(k + " elease")), "words match from their start");
  }

  @Test
  void aRoomLeftIsNoLongerSearched() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = Changes.room(bob, alice);
    String k = word();
    send(bob, room, k + " said while alice was here");
    assertEquals(1, hits(alice, search(k)).size());

    alice.ok(Frames.of("type", "leave", "room", room));
    assertEquals(List.of(), hits(alice, search(k)));
    alice.error(search(k, "conv", room), "forbidden");
    assertEquals(1, hits(bob, search(k)).size(), "bob is still a member");
  }

  @Test
  void editedMessagesAreFoundByTheirNewTextAndDeletedOnesNever() throws Exception {
    WireClient alice = wire.user("alice");
    String room = Changes.room(alice);
    String k = word();
    long edited = send(alice, room, k + " banquet at eight");
    long deleted = send(alice, room, k + " the code is swordfish");
    alice.ok(Changes.edit(room, edited, k + " picnic at eight"));
    alice.ok(Changes.delete(room, deleted));

    assertEquals(List.of(), hits(alice, search(k + " banquet")));
    assertEquals(List.of(), hits(alice, search("swordfish " + k)));
    assertEquals(List.of(room + " " + edited + " " + k + " picnic at eight"),
        hits(alice, search(k)));
    JsonObject hit = alice.ok(search(k + " picnic")).getAsJsonArray("results").get(0)
        .getAsJsonObject().getAsJsonObject("message");
    assertTrue(hit.has("edited"), "a hit is the message as it now is: " + hit);
  }

  @Test
  void pagesFollowTheCursorWithoutRepeatsOrGaps() throws Exception {
    WireClient alice = wire.user("alice");
    String room = Changes.room(alice);
    String k = word();
    for (int i = 1; i <= 5; i++) {
      send(alice, room, k + " number " + i);
    }
    List<String> all = hits(alice, search(k));
    assertEquals(5, all.size());
    assertTrue(all.get(0).endsWith("number 5") && all.get(4).endsWith("number 1"), all.toString());

    List<String> paged = new ArrayList<>();
    JsonObject page = alice.ok(search(k, "limit", 2));
    List<Boolean> mores = new ArrayList<>();
    for (int guard = 0; guard < 5; guard++) {
      for (JsonElement e : page.getAsJsonArray("results")) {
        JsonObject m = e.getAsJsonObject().getAsJsonObject("message");
        paged.add(room + " " + m.get("seq").getAsLong() + " " + m.get("text").getAsString());
      }
      boolean more = page.get("more").getAsBoolean();
      mores.add(more);
      if (!more) {
        assertFalse(page.has("next"), page.toString());
        break;
      }
      assertNotNull(page.get("next"), page.toString());
      page = alice.ok(search(k, "limit", 2, "before", page.get("next").getAsString()));
    }
    assertEquals(all, paged);
    assertEquals(List.of(true, true, false), mores);
  }

  @Test
  void badSearchesAreRefusedClearly() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String bobsRoom = Changes.room(bob);
    alice.error(search(""), "bad_request");
    alice.error(search("  !?… "), "bad_request");
    alice.error(search("x".repeat(257)), "bad_request");
    alice.error(search("ok", "limit", 0), "bad_request");
    alice.error(search("ok", "before", "not-a-cursor"), "bad_request");
    alice.error(search("ok", "conv", "#no-such-room-" + word()), "not_found");
    alice.error(search("ok", "conv", bobsRoom), "forbidden");
    alice.error(search("ok", "conv", "general"), "bad_request");
    alice.error(Frames.of("type", "search", "query", 42), "bad_request");
    alice.error(Frames.of("type", "search"), "bad_request");
    assertEquals(List.of(), hits(alice, search("ok", "limit", 200)));
    assertEquals(List.of(), hits(alice, search("ok", "limit", 201))); // historyMax, as history

    WireClient stranger = wire.connect();
    stranger.error(search("ok"), "unauthorized");
  }
}
