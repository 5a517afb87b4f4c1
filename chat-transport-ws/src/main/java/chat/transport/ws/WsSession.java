package chat.transport.ws;

import chat.core.SessionHandler;
import chat.core.Outbound;
import chat.core.Session;
import chat.protocol.Event;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * One open WebSocket connection as core sees it. Thread-safe: core sends from any thread.
 *
 * <p>Sending is one way: the event's frame (built once per event, see {@link ServerFrames}) is
 * queued on the connection and the loop is asked, once, to write; nothing calls back into the
 * session.
 *
 * <p>Backpressure: when the connection's unsent bytes would pass {@code maxOutboundBytes}, the
 * client is not reading, and the connection is closed 1008 "slow consumer" instead of buffering
 * without bound or dropping an event. Pongs the library queues count too ({@link
 * WsServer#onWriteDemand}).
 */
final class WsSession implements Session {
  private final WsConnection conn;
  private final WsServer server;
  private final long maxOutboundBytes;
  private volatile SessionHandler handler;
  /** Set once by {@link #close}: nothing more is sent. */
  private volatile boolean closing;
  private static final VarHandle CLOSING;

  static {
    try {
      CLOSING = MethodHandles.lookup().findVarHandle(WsSession.class, "closing", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  WsSession(WsConnection conn, WsServer server, long maxOutboundBytes) {
    this.conn = conn;
    this.server = server;
    this.maxOutboundBytes = maxOutboundBytes;
  }

  void attach(SessionHandler handler) {
    this.handler = handler;
  }

  SessionHandler handler() {
    return handler;
  }

  WsConnection wsConnection() {
    return conn;
  }

  /** Bytes queued for this connection and not yet written to its socket. */
  long backlog() {
    return conn.backlog();
  }

  @Override
  public boolean send(Outbound out) {
    if (closing) {
      return false;
    }
    ByteBuffer frame = ServerFrames.textFrame(out);
    long backlog = conn.backlog();
    // A reply is refused only when the client is behind already, never for its own size: a
    // client is not closed for the size of an answer it asked for (PROTOCOL.md, rooms).
    long limit = out.event() instanceof Event.Ok ? backlog : backlog + frame.remaining();
    if (limit > maxOutboundBytes) {
      server.slowConsumer(this, backlog);
      return false;
    }
    // A frame's bytes are shared by every receiver: each gets its own duplicate (own position).
    if (!conn.enqueue(frame.duplicate())) {
      return false; // the close frame is already written
    }
    server.requestWrite(conn);
    return true;
  }

  /**
   * Stops sending at once; the close frame follows the frames already queued. The library's close
   * runs on the loop thread, because Java-WebSocket calls {@code onClose} (and so core) under its
   * connection lock, and the caller may hold a lock of core's (Java-WebSocket #798, #1101).
   */
  @Override
  public void close(int code, String reason) {
    if (CLOSING.compareAndSet(this, false, true)) {
      server.close(conn, code, reason);
    }
  }

  boolean isClosing() {
    return closing;
  }

  @Override
  public String clientAddress() {
    return conn.clientAddress;
  }

  @Override
  public String describe() {
    return conn.describe();
  }
}
