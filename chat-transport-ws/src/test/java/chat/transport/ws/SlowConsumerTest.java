package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.CloseCodes;
import chat.protocol.Event;
import chat.protocol.FrameCodec;
import chat.protocol.Request;
import chat.protocol.Result;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading must not make the server buffer without bound: once its unsent
 * backlog would pass {@code maxOutboundBytes} it is closed 1008 "slow consumer", having received
 * every event up to that point and none after, while the other members of the room keep getting
 * everything.
 */
class SlowConsumerTest {
  private static final long MAX_OUTBOUND = 256 * 1024;
  private static final String TEXT = "x".repeat(3_000);
  // Alice waits for the last reply of each batch, so a reading client never has more than about
  // one batch (~30 KB here) unsent even if the server's writer thread is starved of CPU: far
  // under the bound, which only the client that stopped reading reaches.
  private static final int BATCH = 10;
  // ~9 MB: beyond the kernel buffers in front of the backlog (Linux autotunes the send buffer up
  // to net.ipv4.tcp_wmem max, 4 MiB by default; here Carol takes ~2.8 MB before the close).
  private static final int MAX_MESSAGES = 3_000;

  private final List<AutoCloseable> open = new ArrayList<>();
  private WsTestServer server;

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private <T extends AutoCloseable> T track(T c) {
    open.add(c);
    return c;
  }

  /** Reads Carol's frames until the ok for request {@code id} (her member event comes first). */
  private static void awaitOk(RawWebSocket ws, String id) throws IOException {
    FrameCodec codec = new FrameCodec();
    for (int i = 0; i < 10; i++) {
      Event e = codec.decodeEvent(ws.readText());
      if (e instanceof Event.Ok ok && id.equals(ok.re())) {
        return;
      }
      assertTrue(e instanceof Event.Member || e instanceof Event.Presence, "unexpected " + e);
    }
    throw new AssertionError("no ok for " + id);
  }

  @Test
  void aClientThatStopsReadingIsClosedAndTheOthersGetEverything() throws Exception {
    server = WsTestServer.startRecording(WsTestServer.chatConfig(),
        WsConfig.loopback().withMaxOutboundBytes(MAX_OUTBOUND));
    WsTestClient alice = track(WsTestClient.connect(server.port())).register("alice");
    WsTestClient bob = track(WsTestClient.connect(server.port())).register("bob");
    alice.call(id -> new Request.Create(id, "busy", "", false), Result.Created.class);
    bob.call(id -> new Request.Join(id, "busy"), Result.Joined.class);

    // Carol: a raw socket with a small receive window; she joins, then never reads again.
    FrameCodec codec = new FrameCodec();
    RawWebSocket carol = track(RawWebSocket.to(server.port()).receiveBuffer(4_096).open());
    assertTrue(carol.upgraded());
    assertInstanceOf(Event.Hello.class, codec.decodeEvent(carol.readText()));
    carol.sendText(codec.encode(new Request.Register("1", "carol", WsTestClient.PASSWORD)));
    awaitOk(carol, "1");
    carol.sendText(codec.encode(new Request.Join("2", "busy")));
    awaitOk(carol, "2");
    WsTestServer.RecordingSession carolSession = server.sessionOf("carol");

    // Alice sends until the server gives up on Carol, in batches so that Alice (who reads)
    // is never a slow consumer herself.
    int sent = 0;
    while (carolSession.refused.get() == 0) {
      assertTrue(sent < MAX_MESSAGES, "Carol was never closed; backlog "
          + carolSession.ws.backlog());
      for (int i = 0; i < BATCH; i++) {
        sent++;
        alice.send(new Request.Send("s" + sent, "#busy", TEXT, "c" + sent));
      }
      String last = "s" + sent;
      alice.await(Event.Ok.class, ok -> last.equals(ok.re()));
    }
    // A few more after she was closed: she must not get them, Bob must.
    for (int i = 0; i < BATCH; i++) {
      sent++;
      alice.send(new Request.Send("s" + sent, "#busy", TEXT, "c" + sent));
    }

    // Carol reads again: every message up to the close, in order, then 1008 "slow consumer".
    List<Long> carolSeqs = new ArrayList<>();
    RawWebSocket.Closed closed = carol.readUntilClose(10_000, frame -> {
      if (frame.opcode() == RawWebSocket.TEXT) {
        Event e = codec.decodeEvent(frame.text());
        if (e instanceof Event.Message m) {
          carolSeqs.add(m.seq());
        }
      }
    });
    assertEquals(CloseCodes.POLICY_VIOLATION, closed.code(), closed.toString());
    assertEquals("slow consumer", closed.reason());
    assertTrue(carolSeqs.size() < sent, "Carol got all " + sent + " messages");
    for (int i = 0; i < carolSeqs.size(); i++) {
      assertEquals(i + 1, carolSeqs.get(i), "Carol's messages have a gap: " + carolSeqs);
    }
    // What the transport accepted for her is what she got: nothing was dropped while open.
    long acceptedMessages = carolSession.sent.stream()
        .filter(o -> o.event() instanceof Event.Message).count();
    assertEquals(acceptedMessages, carolSeqs.size());

    // The backlog never passed the bound, however much was sent to her.
    long totalToCarol = (long) sent * TEXT.length();
    assertTrue(totalToCarol > 4 * MAX_OUTBOUND, "sent only " + totalToCarol + " bytes");
    assertTrue(carolSession.maxBacklog.get() <= MAX_OUTBOUND,
        "backlog reached " + carolSession.maxBacklog.get());

    // Bob and Alice got every message, in order.
    for (int seq = 1; seq <= sent; seq++) {
      assertEquals(TEXT, bob.awaitMessage("#busy", seq).text());
      alice.awaitMessage("#busy", seq);
    }
    server.awaitConnectionCount(2);
    bob.ping();
  }

  /** A reply bigger than the whole outbound bound is sent: nobody is closed for what they asked. */
  @Test
  void aReplyLargerThanTheBoundIsDeliveredToAClientThatReads() throws Exception {
    server = WsTestServer.start(WsTestServer.chatConfig(),
        WsConfig.loopback().withMaxOutboundBytes(2_048));
    WsTestClient alice = track(WsTestClient.connect(server.port())).register("alice");
    for (int i = 0; i < 9; i++) { // within the create burst of 10
      int n = i;
      alice.call(id -> new Request.Create(id, "room" + n, "t".repeat(250), false),
          Result.Created.class);
    }
    Result.Rooms rooms = alice.call(Request.ListRooms::new, Result.Rooms.class);
    assertEquals(9, rooms.rooms().size()); // about 2.8 KB in one frame
    alice.call(Request.Ping::new, Result.Pong.class); // and still open
  }
}
