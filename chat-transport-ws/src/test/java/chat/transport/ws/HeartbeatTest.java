package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.CloseCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server pings every {@code pingIntervalSeconds}; a peer that answers stays connected, one
 * that does not answer for 1.5 intervals is dropped.
 */
class HeartbeatTest {
  private WsTestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aPeerThatAnswersPingsStaysAndOneThatDoesNotIsDropped() throws Exception {
    server = WsTestServer.start(WsTestServer.chatConfig(),
        WsTestServer.withPingInterval(WsConfig.loopback(), 1));
    long start = System.nanoTime(); // before the silent peer opens: its last "pong" is later
    try (WsTestClient alive = WsTestClient.connect(server.port()).register("alice");
        WsTestClient silent = WsTestClient.connectNoPongs(server.port()).register("bob")) {

      // The silent peer reads everything, pings included, but never pongs: it is cut.
      RawWebSocket.Closed dropped = silent.awaitClosed(10_000);
      long droppedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(silent.pingsReceived() >= 1, "the server never pinged");
      assertNotEquals(CloseCodes.NORMAL, dropped.code());
      assertTrue(droppedAfterMs >= 1_500, "dropped before 1.5 intervals: " + droppedAfterMs);

      // The answering peer has seen pings past 1.5 intervals and is still served.
      WsTestServer.awaitCondition(() -> alive.pingsReceived() >= 3,
          () -> "alive got " + alive.pingsReceived() + " pings");
      assertFalse(alive.isClosed(), "the answering peer was dropped");
      alive.ping();
      assertEquals(1, server.transport().connectionCount());
    }
  }

  /**
   * Each heartbeat pings one slot of the connections, not all of them: the pings of many
   * connections are spread over the interval. After one interval's worth of heartbeats every
   * connection has had exactly one ping.
   */
  @Test
  void pingsAreSpreadOverTheInterval() throws Exception {
    // An hour's interval: the scheduled heartbeat never runs; the test calls it itself.
    server = WsTestServer.start(WsTestServer.chatConfig(),
        WsTestServer.withPingInterval(WsConfig.loopback(), 3_600));
    int n = 60;
    List<WsTestClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        clients.add(WsTestClient.connect(server.port()));
      }
      server.awaitConnectionCount(n);
      WsServer ws = server.transport().server();
      long inFirstSlot = ws.connections().stream().filter(c -> c.slot == 0).count();
      assertTrue(inFirstSlot < n, "all connections in one slot");

      ws.heartbeat().beat(); // slot 0
      WsTestServer.awaitCondition(() -> totalPings(clients) == inFirstSlot,
          () -> "pings after one heartbeat: " + totalPings(clients) + ", slot 0 holds "
              + inFirstSlot);
      for (int i = 1; i < Heartbeat.SLOTS; i++) {
        ws.heartbeat().beat();
      }
      WsTestServer.awaitCondition(() -> totalPings(clients) == n,
          () -> "pings after an interval: " + totalPings(clients));
      for (WsTestClient c : clients) {
        assertEquals(1, c.pingsReceived(), "each connection pinged once per interval");
      }
    } finally {
      for (WsTestClient c : clients) {
        c.close();
      }
    }
  }

  private static int totalPings(List<WsTestClient> clients) {
    return clients.stream().mapToInt(WsTestClient::pingsReceived).sum();
  }
}
