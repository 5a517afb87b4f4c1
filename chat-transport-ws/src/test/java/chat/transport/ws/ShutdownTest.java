package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.core.CloseCodes;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping the transport closes every open connection with 1001 (logged in or not, whatever the
 * client) and stops accepting new ones; stopping twice is harmless.
 */
class ShutdownTest {
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

  private List<ChatPeer> connectSeveral() throws Exception {
    WsTestClient anonymous = WsTestClient.connect(server.port());
    WsTestClient alice = WsTestClient.connect(server.port()).register("alice");
    JdkWsClient bob = JdkWsClient.connect(
        URI.create("ws://127.0.0.1:" + server.port() + "/ws")).register("bob");
    List<ChatPeer> peers = List.of(anonymous, alice, bob);
    open.addAll(peers);
    server.awaitConnectionCount(3);
    return peers;
  }

  @Test
  void stoppingTheApplicationClosesEverySession1001() throws Exception {
    server = WsTestServer.start();
    int port = server.port();
    List<ChatPeer> peers = connectSeveral();

    server.close(); // the core's lifecycle stops the transport first

    for (ChatPeer peer : peers) {
      RawWebSocket.Closed closed = peer.awaitClosed(10_000);
      assertEquals(CloseCodes.GOING_AWAY, closed.code(), closed.toString());
    }
    server.awaitConnectionCount(0);
    assertThrows(IOException.class, () -> RawWebSocket.connect(port));
  }

  @Test
  void stoppingTheTransportClosesEverySession1001() throws Exception {
    server = WsTestServer.startRecording(WsTestServer.chatConfig(), WsConfig.loopback());
    List<ChatPeer> peers = connectSeveral();

    server.transport().stop();

    for (ChatPeer peer : peers) {
      RawWebSocket.Closed closed = peer.awaitClosed(10_000);
      assertEquals(CloseCodes.GOING_AWAY, closed.code(), closed.toString());
    }
    server.awaitConnectionCount(0);
    server.transport().stop(); // idempotent
  }
}
