package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.CloseCodes;
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
}
