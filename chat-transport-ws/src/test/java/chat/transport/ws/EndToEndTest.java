package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real clients (the JDK's WebSocket, and the raw test client) talking through the real
 * transport and core: a direct message and a room message cross the wire both ways, and large
 * events (16- and 64-bit frame lengths, multi-byte UTF-8) arrive intact.
 */
class EndToEndTest {
  private WsTestServer server;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() {
    server = WsTestServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    server.close();
  }

  private JdkWsClient jdk(String user) throws Exception {
    JdkWsClient c = JdkWsClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws"));
    open.add(c);
    return c.register(user);
  }

  @Test
  void aDirectMessageCrossesTheWire() throws Exception {
    JdkWsClient alice = jdk("alice");
    JdkWsClient bob = jdk("bob");

    Result.Sent sent = alice.sendMessage("@bob", "hello bob");
    assertEquals("@bob", sent.conv());
    assertEquals(1, sent.seq());

    Event.Message atBob = bob.awaitMessage("@alice", 1);
    assertEquals("alice", atBob.from());
    assertEquals("hello bob", atBob.text());
    assertEquals(sent.cid(), atBob.cid());
    assertEquals(sent.ts(), atBob.ts());
    // The sender's own session gets it too, named from her side.
    assertEquals("hello bob", alice.awaitMessage("@bob", 1).text());

    // And back.
    bob.sendMessage("@alice", "hi alice \u00e9\u20ac\ud83d\ude00");
    assertEquals("hi alice \u00e9\u20ac\ud83d\ude00", alice.awaitMessage("@bob", 2).text());
  }

  @Test
  void aRoomMessageReachesEveryMember() throws Exception {
    JdkWsClient alice = jdk("alice");
    JdkWsClient bob = jdk("bob");
    // A third member on the raw client: two client implementations in one room.
    WsTestClient carol = WsTestClient.connect(server.port()).register("carol");
    open.add(carol);

    assertEquals("#lobby", alice.call(id -> new Request.Create(id, "lobby", "talk", false),
        Result.Created.class).room());
    bob.call(id -> new Request.Join(id, "lobby"), Result.Joined.class);
    carol.call(id -> new Request.Join(id, "lobby"), Result.Joined.class);

    Result.Sent sent = bob.sendMessage("#lobby", "hello room");
    assertEquals(1, sent.seq());
    for (ChatPeer member : List.of(alice, bob, carol)) {
      Event.Message m = member.awaitMessage("#lobby", 1);
      assertEquals("bob", m.from());
      assertEquals("hello room", m.text());
    }
    carol.sendMessage("#lobby", "hello from the raw client");
    assertEquals("carol", alice.awaitMessage("#lobby", 2).from());
    assertEquals("carol", bob.awaitMessage("#lobby", 2).from());
  }

  @Test
  void largeEventsArriveIntact() throws Exception {
    JdkWsClient alice = jdk("alice");
    JdkWsClient bob = jdk("bob");
    String emoji = "\ud83d\ude00".repeat(4_000); // 4,000 code points, 16,000 UTF-8 bytes
    for (int i = 0; i < 6; i++) {
      alice.sendMessage("@bob", emoji);
    }
    assertEquals(emoji, bob.awaitMessage("@alice", 6).text());

    // The history of all six is one frame of about 100 KB: a 64-bit length.
    Result.History page = bob.call(
        id -> new Request.History(id, "@alice", null, null, 50), Result.History.class);
    assertEquals(6, page.messages().size());
    assertFalse(page.more());
    for (Event.Message m : page.messages()) {
      assertEquals(emoji, m.text());
    }
    assertTrue(server.transport().connectionCount() >= 2);
  }
}
