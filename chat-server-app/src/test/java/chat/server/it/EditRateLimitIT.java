package chat.server.it;

import static chat.server.it.Changes.edit;
import static chat.server.it.Changes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Edits share send's rate limit (one token bucket per user): a burst of edits and sends together
 * gets no more through than the bucket holds, and an edit refused {@code rate_limited} carries
 * {@code retryAfterMs} and changes nothing.
 */
class EditRateLimitIT {
  private static final int PER_SECOND = 1;
  private static final int BURST = 4;

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
      "--send-per-second", String.valueOf(PER_SECOND), "--send-burst", String.valueOf(BURST));
  private final WireClients wire = shared.wire();

  @Test
  void editsAndSendsDrawOnOneBucket() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String dm = "@" + bob.user;
    long started = System.nanoTime();
    long seq = alice.send(dm, "to be edited", "first").get("seq").getAsLong(); // one token

    // Pipelined: 8 edits and 8 sends, alternating, each with its own id.
    Map<String, String> idToText = new LinkedHashMap<>();
    Map<String, Boolean> isEdit = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      String editId = WireClient.nextId();
      JsonObject e = edit(dm, seq, "edit " + i);
      e.addProperty("id", editId);
      alice.sendRaw(e.toString());
      idToText.put(editId, "edit " + i);
      isEdit.put(editId, true);
      String sendId = WireClient.nextId();
      alice.sendRaw(Frames.of("type", "send", "id", sendId, "to", dm, "text", "send " + i,
          "cid", "c" + i).toString());
      idToText.put(sendId, "send " + i);
      isEdit.put(sendId, false);
    }
    List<String> editsThrough = new ArrayList<>();
    int through = 1;
    int editsRefused = 0;
    int sendsRefused = 0;
    for (String id : idToText.keySet()) {
      JsonObject reply = alice.awaitReply(id);
      if (reply.get("type").getAsString().equals("ok")) {
        through++;
        if (isEdit.get(id)) {
          editsThrough.add(idToText.get(id));
        }
        continue;
      }
      assertEquals("rate_limited", reply.get("code").getAsString(), reply.toString());
      assertTrue(reply.get("retryAfterMs").getAsLong() > 0, reply.toString());
      if (isEdit.get(id)) {
        editsRefused++;
      } else {
        sendsRefused++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long allowed = BURST + (long) Math.ceil(seconds * PER_SECOND);
    assertTrue(through <= allowed, through + " sends and edits got through in " + seconds
        + " s; one bucket of " + BURST + " at " + PER_SECOND + "/s allows " + allowed);
    assertTrue(editsRefused > 0, "no edit was rate limited");
    assertTrue(sendsRefused > 0, "no send was rate limited");

    // What was refused changed nothing: one update per edit let through, the text one of theirs.
    List<JsonObject> updates = bob.syncTypes("update");
    assertEquals(editsThrough.size(), updates.size(), updates.toString());
    String text = message(bob, "@" + alice.user, seq).get("text").getAsString();
    assertTrue(editsThrough.isEmpty() ? text.equals("to be edited") : editsThrough.contains(text),
        text + " is not one of the edits let through: " + editsThrough);
  }
}
