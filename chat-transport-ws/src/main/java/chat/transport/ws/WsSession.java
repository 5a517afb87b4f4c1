package chat.transport.ws;

import chat.core.CloseCodes;
import chat.core.Connection;
import chat.core.Outbound;
import chat.core.Session;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection as core sees it. Thread-safe: core sends from any thread.
 *
 * <p>Backpressure: it counts the bytes it queued and the {@link CountingChannel} counts the bytes
 * the selector wrote; when the difference would pass {@code maxOutboundBytes}, the client is not
 * reading, and the connection is closed 1008 "slow consumer" instead of buffering without bound
 * or dropping an event. A closing connection that still does not drain its backlog is cut after
 * a grace period, so its memory is released even if the client never reads again.
 */
final class WsSession implements Session, PatchedWebSocketServer.Outgoing {
  private static final Logger log = LoggerFactory.getLogger(WsSession.class);
  static final long CLOSE_GRACE_MS = 5_000;

  private final WebSocketImpl ws;
  private final CountingChannel channel;
  private final long maxOutboundBytes;
  private final ScheduledExecutorService timer;
  private final String remote;
  // The atomics are fields of this object (through VarHandles), not objects of their own: the
  // fan-out touches every member's session per message, and each object is a cache miss more.
  private volatile long queuedBytes;
  /** Set once by {@link #close}: the close to send once the queued frames are written. */
  private volatile CloseRequest closing;
  /**
   * Frames queued for the selector, in order: a lock-free queue instead of the library's
   * {@code outQueue}. Null when the channel cannot gather (TLS), which keeps using {@code
   * outQueue}.
   */
  private final ConcurrentLinkedQueue<ByteBuffer> pending;
  private boolean closeScheduled; // selector thread only
  /** Waiting for the selector to write its frames (see {@link PatchedWebSocketServer}). */
  private volatile boolean writeRequested;
  private volatile Connection connection;
  /** When the client last answered a ping (or opened): the heartbeat cuts a silent one. */
  private volatile long lastPongNanos = System.nanoTime();

  WsSession(WebSocketImpl ws, CountingChannel channel, long maxOutboundBytes,
      ScheduledExecutorService timer) {
    this.ws = ws;
    this.channel = channel;
    this.maxOutboundBytes = maxOutboundBytes;
    this.timer = timer;
    this.remote = String.valueOf(ws.getRemoteSocketAddress());
    this.pending = channel.gathers() ? new ConcurrentLinkedQueue<>() : null;
  }

  private record CloseRequest(int code, String reason) {}

  private static final VarHandle QUEUED_BYTES;
  private static final VarHandle CLOSING;
  private static final VarHandle WRITE_REQUESTED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      QUEUED_BYTES = lookup.findVarHandle(WsSession.class, "queuedBytes", long.class);
      CLOSING = lookup.findVarHandle(WsSession.class, "closing", CloseRequest.class);
      WRITE_REQUESTED = lookup.findVarHandle(WsSession.class, "writeRequested", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  void attach(Connection connection) {
    this.connection = connection;
  }

  Connection connection() {
    return connection;
  }

  void ponged() {
    lastPongNanos = System.nanoTime();
  }

  long lastPongNanos() {
    return lastPongNanos;
  }

  /** Bytes queued for this connection and not yet written to its socket. */
  long backlog() {
    return queuedBytes - channel.written();
  }

  @Override
  public boolean send(Outbound out) {
    if (closing != null || !ws.isOpen()) {
      return false;
    }
    ByteBuffer frame = ServerFrames.textFrame(out);
    long frameBytes = frame.remaining();
    if (backlog() + frameBytes > maxOutboundBytes) {
      log.info("closing {}: slow consumer ({} bytes unsent)", remote, backlog());
      close(CloseCodes.POLICY_VIOLATION, "slow consumer");
      return false;
    }
    QUEUED_BYTES.getAndAdd(this, frameBytes);
    // The frame's bytes are built once per event and shared by every receiver (a duplicate has
    // its own position). Queued directly rather than through WebSocketImpl.sendFrame, which
    // frames and copies the payload again per connection and, in 1.6.0, builds a String of
    // every outgoing frame for a trace log line even when tracing is off (a third of the
    // server's CPU in a fan-out profile). Ordering is the queue's; each buffer is one frame.
    if (pending != null) {
      pending.add(frame.duplicate());
    } else {
      ws.outQueue.add(frame.duplicate());
    }
    try {
      ws.getWebSocketListener().onWriteDemand(ws);
    } catch (RuntimeException e) {
      return false; // closed meanwhile (its key cancelled): the library drops the queue
    }
    return true;
  }

  @Override
  public boolean requestWrite() {
    // A plain read first: during a fan-out burst the flag is usually already set.
    return !writeRequested && WRITE_REQUESTED.compareAndSet(this, false, true);
  }

  @Override
  public void writeTaken() {
    writeRequested = false;
  }

  /**
   * Writes the queued frames (selector thread); once they are all written after a {@link
   * #close}, starts the close handshake, so the close frame follows every frame queued before.
   */
  @Override
  public boolean flush() throws IOException {
    if (pending == null) {
      return true;
    }
    if (!ws.isOpen()) {
      // The library has queued a close frame (a client's close, a protocol error, shutdown):
      // nothing may follow it.
      pending.clear();
      return true;
    }
    if (!channel.writeQueued(pending)) {
      return false;
    }
    CloseRequest close = closing;
    if (close != null && !closeScheduled) {
      closeScheduled = true;
      startClose(close);
    }
    return true;
  }

  /**
   * Stops sending at once; the close frame follows the frames already queued. The library's
   * close runs on the transport's timer thread, because Java-WebSocket calls {@code onClose}
   * (and so core) under its connection lock, and the caller may hold a lock of core's
   * (Java-WebSocket #798, #1101).
   */
  @Override
  public void close(int code, String reason) {
    CloseRequest close = new CloseRequest(code, reason);
    if (!CLOSING.compareAndSet(this, null, close)) {
      return;
    }
    if (pending == null) {
      startClose(close);
    } else {
      // The selector writes what is queued, then flush() starts the close.
      try {
        ws.getWebSocketListener().onWriteDemand(ws);
      } catch (RuntimeException e) {
        return; // closed meanwhile
      }
    }
    // The close frame waits behind the backlog; if the peer does not drain it, cut the socket.
    try {
      timer.schedule(() -> {
        if (!ws.isClosed()) {
          ws.closeConnection(CloseFrame.ABNORMAL_CLOSE, reason);
        }
      }, CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the transport is stopping and closes every connection itself
    }
  }

  private void startClose(CloseRequest close) {
    try {
      timer.execute(() -> ws.close(close.code(), close.reason()));
    } catch (RejectedExecutionException e) {
      // the transport is stopping and closes every connection itself
    }
  }

  @Override
  public String describe() {
    return remote;
  }

  /** Size of an unmasked server frame header for a payload of this length. */
  static int headerBytes(int payloadLength) {
    return payloadLength <= 125 ? 2 : payloadLength <= 65_535 ? 4 : 10;
  }
}
