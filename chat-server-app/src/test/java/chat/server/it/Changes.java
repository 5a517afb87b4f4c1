package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Requests and reads of PROTOCOL.md "Changing messages" shared by the ITs of edit, delete, react,
 * replies, mentions and the updates catch-up.
 */
final class Changes {
  private Changes() {}

  static JsonObject edit(String conv, long seq, String text) {
    return Frames.of("type", "edit", "conv", conv, "seq", seq, "text", text);
  }

  static JsonObject delete(String conv, long seq) {
    return Frames.of("type", "delete", "conv", conv, "seq", seq);
  }

  static JsonObject react(String conv, long seq, String emoji, boolean on) {
    return Frames.of("type", "react", "conv", conv, "seq", seq, "emoji", emoji, "on", on);
  }

  static JsonObject updates(String conv, long afterRev, int limit) {
    return Frames.of("type", "updates", "conv", conv, "afterRev", afterRev, "limit", limit);
  }

  static JsonObject reply(String to, String text, String cid, long replyTo) {
    return Frames.of("type", "send", "to", to, "text", text, "cid", cid, "replyTo", replyTo);
  }

  /** Sends and returns the new message's seq. */
  static long send(WireClient c, String to, String text) throws InterruptedException {
    return c.send(to, text, WireClients.unique("cid")).get("seq").getAsLong();
  }

  /** The rev an ok to edit, delete or react gives, after checking its conv and seq. */
  static long rev(JsonObject ok, String conv, long seq) {
    assertEquals(conv, ok.get("conv").getAsString(), ok.toString());
    assertEquals(seq, ok.get("seq").getAsLong(), ok.toString());
    return ok.get("rev").getAsLong();
  }

  /** A public room of {@code owner}'s with {@code members} joined, every client's events drained. */
  static String room(WireClient owner, WireClient... members) throws InterruptedException {
    String room = WireClients.unique("chg");
    owner.ok(Frames.of("type", "create", "room", room, "topic", "t", "private", false));
    for (WireClient m : members) {
      m.ok(Frames.of("type", "join", "room", room));
    }
    owner.sync();
    for (WireClient m : members) {
      m.sync();
    }
    return "#" + room;
  }

  /** The message {@code seq} of {@code conv} as {@code c}'s history shows it now. */
  static JsonObject message(WireClient c, String conv, long seq) throws InterruptedException {
    JsonObject page = c.ok(Frames.of("type", "history", "conv", conv, "after", seq - 1,
        "limit", 1));
    JsonArray messages = page.getAsJsonArray("messages");
    assertEquals(1, messages.size(), page.toString());
    JsonObject m = messages.get(0).getAsJsonObject();
    assertEquals(seq, m.get("seq").getAsLong(), m.toString());
    return m;
  }

  /** Every message of {@code conv}, seq to message (without "type"), paging with after. */
  static Map<Long, JsonObject> history(WireClient c, String conv, int limit)
      throws InterruptedException {
    Map<Long, JsonObject> all = new TreeMap<>();
    long after = 0;
    for (;;) {
      JsonObject page = c.ok(Frames.of("type", "history", "conv", conv, "after", after,
          "limit", limit));
      for (JsonElement e : page.getAsJsonArray("messages")) {
        JsonObject m = e.getAsJsonObject();
        after = m.get("seq").getAsLong();
        all.put(after, normal(m));
      }
      if (!page.get("more").getAsBoolean()) {
        return all;
      }
      assertFalse(page.getAsJsonArray("messages").isEmpty(), "more with an empty page: " + page);
    }
  }

  /** A message object as a client keeps it: without the frame's "type". */
  static JsonObject normal(JsonObject message) {
    JsonObject copy = message.deepCopy();
    copy.remove("type");
    return copy;
  }

  /** The users under {@code emoji}, in the server's order; empty if none. */
  static List<String> reactors(JsonObject message, String emoji) {
    if (!message.has("reactions") || !message.getAsJsonObject("reactions").has(emoji)) {
      return List.of();
    }
    return strings(message.getAsJsonObject("reactions").getAsJsonArray(emoji));
  }

  /** The message's mentions; empty if it has none. */
  static List<String> mentions(JsonObject message) {
    return message.has("mentions") ? strings(message.getAsJsonArray("mentions")) : List.of();
  }

  static List<String> strings(JsonArray array) {
    List<String> list = new ArrayList<>();
    for (JsonElement e : array) {
      list.add(e.getAsString());
    }
    return list;
  }

  /** Checks an update event (or an entry of an updates reply) and returns its message. */
  static JsonObject assertUpdate(JsonObject u, String conv, long seq, long rev, String by,
      String action) {
    assertEquals(conv, u.get("conv").getAsString(), u.toString());
    assertEquals(seq, u.get("seq").getAsLong(), u.toString());
    assertEquals(rev, u.get("rev").getAsLong(), u.toString());
    assertEquals(by, u.get("by").getAsString(), u.toString());
    assertEquals(action, u.get("action").getAsString(), u.toString());
    JsonObject m = u.getAsJsonObject("message");
    assertEquals(conv, m.get("conv").getAsString(), "the message named from this side: " + u);
    assertEquals(seq, m.get("seq").getAsLong(), u.toString());
    return m;
  }

  /** A deleted message as every reader sees it: its sender and seq, and nothing of its content. */
  static void assertDeleted(JsonObject m, String from) {
    assertTrue(m.has("deleted") && m.get("deleted").getAsBoolean(), m.toString());
    assertEquals("", m.get("text").getAsString(), m.toString());
    assertEquals(from, m.get("from").getAsString(), m.toString());
    assertFalse(m.has("reactions") && !m.getAsJsonObject("reactions").isEmpty(),
        "reactions left: " + m);
    assertFalse(m.has("mentions") && !m.getAsJsonArray("mentions").isEmpty(),
        "mentions left: " + m);
  }
}
