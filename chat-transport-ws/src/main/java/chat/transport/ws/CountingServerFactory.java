package chat.transport.ws;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.WrappedByteChannel;
import org.java_websocket.drafts.Draft;

/**
 * Wraps every accepted socket in a {@link CountingChannel} (around the TLS channel for wss), and
 * remembers when each connection was accepted so that sockets which never finish the handshake
 * can be dropped (Java-WebSocket's heartbeat does not cover them, its issue #1140).
 */
final class CountingServerFactory implements WebSocketServerFactory {
  private final WebSocketServerFactory delegate;
  private final Map<WebSocketImpl, Long> handshaking = new ConcurrentHashMap<>();

  CountingServerFactory(WebSocketServerFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter a, Draft d) {
    return track(delegate.createWebSocket(a, d));
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter a, List<Draft> drafts) {
    return track(delegate.createWebSocket(a, drafts));
  }

  private WebSocketImpl track(WebSocketImpl ws) {
    handshaking.put(ws, System.nanoTime());
    return ws;
  }

  /** The handshake is over (opened or failed): stop watching the connection. */
  void handshakeDone(WebSocketImpl ws) {
    handshaking.remove(ws);
  }

  /** Connections accepted more than {@code timeoutNanos} ago that are still in their handshake. */
  void forEachExpired(long timeoutNanos, java.util.function.Consumer<WebSocketImpl> action) {
    long now = System.nanoTime();
    handshaking.forEach((ws, since) -> {
      if (now - since > timeoutNanos) {
        handshaking.remove(ws);
        action.accept(ws);
      }
    });
  }

  /**
   * Closes connections whose handshake was refused once their HTTP error response is written.
   * Java-WebSocket 1.6.0 answers a refused handshake and means to close the socket when that is
   * flushed, but only closes server connections that have a draft, which a refused one never
   * gets: without this the socket stays open until the handshake timeout.
   */
  void closeRefused() {
    handshaking.forEach((ws, since) -> {
      if (ws.isFlushAndClose() && !ws.hasBufferedData()
          && !(ws.getChannel() instanceof WrappedByteChannel w && w.isNeedWrite())) {
        handshaking.remove(ws);
        ws.closeConnection();
      }
    });
  }

  @Override
  public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
    return new CountingChannel(delegate.wrapChannel(channel, key), channel, key);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
