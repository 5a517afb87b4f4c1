package chat.client;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.protocols.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection (Java-WebSocket's client: a read and a write thread, both daemons).
 * Its callbacks come on those threads; {@link Callbacks} implementations hop to their own. A
 * connection is used once: the client makes a new one for every attempt.
 */
final class WsConnection {
  private static final Logger log = LoggerFactory.getLogger(WsConnection.class);

  interface Callbacks {
    void onText(WsConnection from, String text);

    /** The last call: the connection is closed, or could not be opened ({@code code} -1). */
    void onClosed(WsConnection from, int code, String reason);
  }

  private final WebSocketClient ws;
  private final CountDownLatch closed = new CountDownLatch(1);

  /**
   * @param maxInboundFrameBytes the largest frame (fragments counted together) taken from the
   *     server: past it the connection is closed 1009 before the frame's bytes are held. The
   *     library's own default has no limit and sets aside the length a frame's header claims,
   *     so a broken or hostile server (or anyone on a ws:// path) could claim 2 GB
   */
  WsConnection(URI uri, int connectTimeoutMs, int pingIntervalSeconds, SocketFactory sockets,
      int maxInboundFrameBytes, Callbacks callbacks) {
    WsConnection self = this;
    Draft_6455 draft = new Draft_6455(List.of(), List.of(new Protocol("")),
        maxInboundFrameBytes);
    ws = new WebSocketClient(uri, draft, Map.of(), connectTimeoutMs) {
      @Override public void onOpen(ServerHandshake handshake) {}

      @Override public void onMessage(String message) {
        callbacks.onText(self, message);
      }

      @Override public void onClose(int code, String reason, boolean remote) {
        closed.countDown();
        callbacks.onClosed(self, code, reason);
      }

      @Override public void onError(Exception ex) {
        log.debug("connection error: {}", ex.toString());
      }
    };
    ws.setDaemon(true);
    ws.setTcpNoDelay(true);
    ws.setConnectionLostTimeout(Math.max(1, pingIntervalSeconds));
    if (sockets != null) {
      ws.setSocketFactory(sockets);
    }
  }

  void connect() {
    ws.connect();
  }

  /** Queues a text frame; a no-op once the connection is closing (its close callback follows). */
  void send(String text) {
    try {
      ws.send(text);
    } catch (WebsocketNotConnectedException e) {
      log.debug("frame not sent: the connection is closing");
    }
  }

  /** Starts a clean close (close frame). Does nothing while still connecting: see {@link #abort}. */
  void close() {
    ws.close();
  }

  /** Drops the TCP connection at once, whatever its state; the close callback follows. */
  void abort() {
    ws.close();
    Socket socket = ws.getSocket();
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        log.debug("closing socket: {}", e.toString());
      }
    }
  }

  /** Waits until the close callback ran; false on timeout. */
  boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
    return closed.await(timeout, unit);
  }
}
