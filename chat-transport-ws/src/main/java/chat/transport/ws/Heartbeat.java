package chat.transport.ws;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The transport's deadlines, run by its timer thread: pings (and cutting peers that stopped
 * answering them), and dropping sockets that never finish the upgrade (Java-WebSocket's own
 * heartbeat covers neither the spread nor the handshake, its issue #1140).
 *
 * <p>Each connection falls in one of {@link #SLOTS} slots; each {@link #beat} pings one slot, and
 * beats come every interval / {@link #SLOTS}, so each connection is pinged once per interval and
 * the pings of many connections (and the pongs they bring back) are spread over it rather than
 * all written at one moment.
 */
final class Heartbeat {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);
  static final int SLOTS = 20;

  private final Set<WsConnection> connections;
  private final long intervalMs;
  private final long pongTimeoutNanos;
  private final long handshakeTimeoutNanos;
  private int tick; // timer thread only

  Heartbeat(Set<WsConnection> connections, int pingIntervalSeconds, long handshakeTimeoutMs) {
    this.connections = connections;
    this.intervalMs = TimeUnit.SECONDS.toMillis(pingIntervalSeconds);
    this.pongTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs) * 3 / 2;
    this.handshakeTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(handshakeTimeoutMs);
  }

  /** The period of {@link #beat}: a ping interval divided into {@link #SLOTS}. */
  long periodMs() {
    return Math.max(1, intervalMs / SLOTS);
  }

  /**
   * Pings the next slot of the open connections, and cuts those of the slot that have not
   * answered a ping for 1.5 ping intervals.
   */
  void beat() {
    int slot = tick++ % SLOTS;
    long now = System.nanoTime();
    for (WsConnection conn : connections) {
      if (conn.slot != slot || conn.session == null || !conn.ws.isOpen()) {
        continue;
      }
      if (now - conn.lastPongNanos > pongTimeoutNanos) {
        try (MDC.MDCCloseable r = MDC.putCloseable("remote", conn.describe())) {
          log.info("closing {}: no pong for {} s", conn.describe(),
              TimeUnit.NANOSECONDS.toSeconds(now - conn.lastPongNanos));
        }
        conn.loop.execute(() -> EventLoop.cut(conn, "no pong in time"));
      } else {
        try {
          conn.ws.sendPing();
        } catch (WebsocketNotConnectedException e) {
          // closed meanwhile
        }
      }
    }
  }

  /** Cuts sockets that have not finished the upgrade within the handshake timeout. */
  void sweepHandshakes() {
    long now = System.nanoTime();
    for (WsConnection conn : connections) {
      if (conn.session == null && now - conn.acceptedNanos > handshakeTimeoutNanos
          && !conn.ws.isClosed()) {
        log.debug("closing {}: no upgrade in time", conn.describe());
        conn.loop.execute(() -> EventLoop.cut(conn, "handshake timeout"));
      }
    }
  }
}
