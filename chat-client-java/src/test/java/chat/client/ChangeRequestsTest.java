package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Result;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Edit, delete, react, reply and updates: each request's frame and typed result, the new fields
 * of messages, and live updates reaching the listener, against a scripted server.
 */
class ChangeRequestsTest extends ScriptedServerTest {
  private FakeServer.Conn conn;

  @BeforeEach
  void connect() throws Exception {
    client = builder().build();
    client.connect();
    conn = server.accept();
    conn.acceptLoginWithRevs("e1", "#general", 12, 2);
    client.connect().get(10, TimeUnit.SECONDS);
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void editDeleteAndReactSendTheirFramesAndReturnTheRev() throws Exception {
    CompletableFuture<Result.Changed> edit = client.edit("#general", 12, "fixed typo");
    FakeServer.Frame f = conn.expect("edit");
    assertEquals("#general", f.str("conv"));
    assertEquals(12, f.json().get("seq").getAsLong());
    assertEquals("fixed typo", f.str("text"));
    conn.ok(f, "\"conv\":\"#general\",\"seq\":12,\"rev\":3");
    assertEquals(new Result.Changed("#general", 12, 3), get(edit));

    CompletableFuture<Result.Changed> delete = client.delete("#general", 11);
    f = conn.expect("delete");
    assertEquals(11, f.json().get("seq").getAsLong());
    conn.ok(f, "\"conv\":\"#general\",\"seq\":11,\"rev\":4");
    assertEquals(new Result.Changed("#general", 11, 4), get(delete));

    CompletableFuture<Result.Changed> on = client.react("#general", 12, "👍", true);
    f = conn.expect("react");
    assertEquals("👍", f.str("emoji"));
    assertTrue(f.json().get("on").getAsBoolean());
    conn.ok(f, "\"conv\":\"#general\",\"seq\":12,\"rev\":5");
    assertEquals(5, get(on).rev());
    CompletableFuture<Result.Changed> off = client.react("#general", 12, "👍", false);
    f = conn.expect("react");
    assertFalse(f.json().get("on").getAsBoolean());
    conn.ok(f, "\"conv\":\"#general\",\"seq\":12,\"rev\":6");
    assertEquals(6, get(off).rev());
  }

  @Test
  void aRefusedChangeFailsWithTheServersCode() throws Exception {
    CompletableFuture<Result.Changed> edit = client.edit("#general", 3, "not mine");
    conn.error(conn.expect("edit"), "forbidden", "");
    ExecutionException e = assertThrows(ExecutionException.class, () -> get(edit));
    assertEquals(ErrorCode.FORBIDDEN,
        assertInstanceOf(ChatErrorException.class, e.getCause()).code());
  }

  @Test
  void aReplyCarriesReplyToAndKeepsItWhenSentAgainAfterAReconnect() throws Exception {
    CompletableFuture<Result.Sent> reply = client.reply("#general", 7, "agreed", "cid-1");
    FakeServer.Frame f = conn.expect("send");
    assertEquals(7, f.json().get("replyTo").getAsLong());
    assertEquals("cid-1", f.str("cid"));
    conn.ws.close(1001, "server shutting down"); // before the ok: sent again

    FakeServer.Conn second = server.accept();
    second.acceptLoginWithRevs("e1", "#general", 12, 2);
    FakeServer.Frame again = second.expect("send");
    assertEquals(7, again.json().get("replyTo").getAsLong());
    assertEquals("cid-1", again.str("cid"));
    second.ok(again, "\"conv\":\"#general\",\"seq\":13,\"ts\":5,\"cid\":\"cid-1\"");
    assertEquals(13, get(reply).seq());

    CompletableFuture<Result.Sent> plain = client.send("#general", "no reply");
    FakeServer.Frame p = second.expect("send");
    assertNull(p.json().get("replyTo"), "a plain send has no replyTo");
    second.ok(p, "\"conv\":\"#general\",\"seq\":14,\"ts\":6,\"cid\":\"" + p.str("cid") + "\"");
    get(plain);
  }

  @Test
  void updatesReturnsATypedPageWithTheMessagesAsTheyNowAre() throws Exception {
    CompletableFuture<Result.Updates> page = client.updates("#general", 1, 50);
    FakeServer.Frame f = conn.expect("updates");
    assertEquals(1, f.json().get("afterRev").getAsLong());
    assertEquals(50, f.json().get("limit").getAsInt());
    conn.updates(f, "#general", true, 2);
    Result.Updates result = get(page);
    assertTrue(result.more());
    Event.Update u = result.updates().get(0);
    assertEquals("#general 1 2 bob react", u.conv() + " " + u.seq() + " " + u.rev() + " "
        + u.by() + " " + u.action());
    assertEquals(Map.of("r2", List.of("bob")), u.message().reactions());

    CompletableFuture<Result.Updates> all = client.updates("#general", 0, null);
    FakeServer.Frame noLimit = conn.expect("updates");
    assertNull(noLimit.json().get("limit"));
    conn.updates(noLimit, "#general", false);
    assertTrue(get(all).updates().isEmpty());
  }

  @Test
  void messagesCarryTheirNewFieldsAndLiveUpdatesReachTheListener() throws Exception {
    conn.send("{\"type\":\"message\",\"conv\":\"#general\",\"seq\":13,\"from\":\"bob\","
        + "\"text\":\"@alice yes\",\"ts\":1,\"cid\":\"b1\",\"replyTo\":12,"
        + "\"mentions\":[\"alice\"],\"edited\":99,\"reactions\":{\"🎉\":[\"carol\",\"bob\"]}}");
    Event.Message m = recorder.next(Event.Message.class);
    assertEquals(12L, m.replyTo());
    assertEquals(List.of("alice"), m.mentions());
    assertEquals(99L, m.edited());
    assertFalse(m.deleted());
    assertEquals(Map.of("🎉", List.of("carol", "bob")), m.reactions());

    conn.send("{\"type\":\"update\",\"conv\":\"#general\",\"seq\":13,\"rev\":3,\"by\":\"bob\","
        + "\"action\":\"delete\",\"message\":{\"conv\":\"#general\",\"seq\":13,\"from\":\"bob\","
        + "\"text\":\"\",\"ts\":1,\"cid\":\"b1\",\"deleted\":true}}");
    Event.Update u = recorder.next(Event.Update.class);
    assertEquals("delete", u.action());
    assertTrue(u.message().deleted());
    assertEquals("", u.message().text());
    assertEquals(Map.of("#general", 3L), client.lastRevs());
  }

  @Test
  void wrongArgumentsThrowAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> client.edit("#general", 0, "x"));
    assertThrows(NullPointerException.class, () -> client.edit("#general", 1, null));
    assertThrows(NullPointerException.class, () -> client.react("#general", 1, null, true));
    assertThrows(IllegalArgumentException.class, () -> client.delete("#general", -1));
    assertThrows(IllegalArgumentException.class, () -> client.reply("#general", 0, "x"));
    assertThrows(IllegalArgumentException.class, () -> client.updates("#general", -1, null));
  }
}
