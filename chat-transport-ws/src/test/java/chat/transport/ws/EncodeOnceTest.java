package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import chat.core.Outbound;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A room event fanned out to several connections is one {@link Outbound}: every {@link WsSession}
 * gets the same instance and frames the same cached UTF-8 bytes, so the JSON is encoded once
 * however many receivers there are. The same holds for the {@code hello} every connection gets.
 */
class EncodeOnceTest {
  private WsTestServer server;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private WsTestClient user(String name) throws Exception {
    WsTestClient c = WsTestClient.connect(server.port());
    open.add(c);
    return c.register(name);
  }

  @Test
  void aRoomMessageIsEncodedOnceForAllItsReceivers() throws Exception {
    server = WsTestServer.startRecording(WsTestServer.chatConfig(), WsConfig.loopback());
    WsTestClient alice = user("alice");
    WsTestClient bob = user("bob");
    WsTestClient carol = user("carol");
    WsTestClient alice2 = WsTestClient.connect(server.port());
    open.add(alice2);
    alice2.call(id -> new Request.TokenLogin(id, alice.token), Result.Auth.class);
    alice.call(id -> new Request.Create(id, "fan", "", false), Result.Created.class);
    bob.call(id -> new Request.Join(id, "fan"), Result.Joined.class);
    carol.call(id -> new Request.Join(id, "fan"), Result.Joined.class);

    alice.sendMessage("#fan", "one encoding");
    List<Event.Message> received = new ArrayList<>();
    for (WsTestClient c : List.of(alice, alice2, bob, carol)) {
      received.add(c.awaitMessage("#fan", 1));
    }
    // Every receiver decoded the same event.
    for (Event.Message m : received) {
      assertEquals(received.get(0), m);
    }

    List<WsTestServer.RecordingSession> sessions = server.sessions();
    assertEquals(4, sessions.size());
    Outbound first = messageOutbound(sessions.get(0));
    byte[] bytes = first.utf8();
    for (WsTestServer.RecordingSession s : sessions) {
      Outbound out = messageOutbound(s);
      assertSame(first, out, "a session got its own Outbound for the same room event");
      assertSame(bytes, out.utf8(), "the UTF-8 frame payload was encoded again");
    }
    // The hello, too, is one shared Outbound.
    for (WsTestServer.RecordingSession s : sessions) {
      assertSame(sessions.get(0).sent.get(0), s.sent.get(0));
      assertEquals(Event.Hello.class, s.sent.get(0).event().getClass());
    }
  }

  private static Outbound messageOutbound(WsTestServer.RecordingSession s) {
    synchronized (s.sent) {
      List<Outbound> messages = s.sent.stream()
          .filter(o -> o.event() instanceof Event.Message m && m.conv().equals("#fan"))
          .toList();
      assertEquals(1, messages.size(), "message events sent to " + s.describe());
      return messages.get(0);
    }
  }
}
