package chat.transport.ws;

import chat.core.ChatService;
import chat.core.CloseCodes;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java-WebSocket callbacks, adapted to chat-core. Decides nothing about chat: it checks the
 * handshake (path, Origin), turns frames into calls on the core's {@link
 * chat.core.Connection}, and reports opens and closes.
 *
 * <p>Threads: the selector thread ({@link PatchedWebSocketServer}) accepts, reads and writes; {@code onOpen}, {@code onMessage}
 * and {@code onClose} run on decoder threads, each connection pinned to one, so a connection's
 * frames reach the core in order. Core never blocks those threads on password hashing or disk.
 */
final class ChatWebSocketServer extends PatchedWebSocketServer {
  private static final Logger log = LoggerFactory.getLogger(ChatWebSocketServer.class);

  /** Pending-connection queue of the listening socket. */
  static final int ACCEPT_BACKLOG = 4096;

  private final ChatService chat;
  private final WsConfig config;
  private final Origins origins;
  private final CountingServerFactory factory;
  private final ScheduledExecutorService timer;
  /** Heartbeat: each connection falls in one of these slots, pinged once per interval. */
  static final int HEARTBEAT_SLOTS = 20;
  private final long pongTimeoutNanos;
  private int heartbeatTick; // timer thread only
  final CompletableFuture<Void> started = new CompletableFuture<>();
  /** Set once shutdown begins: new handshakes are refused. */
  private volatile boolean stopping;
  /** Notified whenever a connection closes; {@link #closeAll} waits on it. */
  private final Object closes = new Object();

  ChatWebSocketServer(ChatService chat, WsConfig config, Origins origins, int maxFrameBytes,
      CountingServerFactory factory, ScheduledExecutorService timer) {
    super(new InetSocketAddress(config.host(), config.port()), config.decoderThreads(),
        List.<Draft>of(new MessageSizeLimitDraft(maxFrameBytes)));
    this.chat = chat;
    this.config = config;
    this.origins = origins;
    this.factory = factory;
    this.timer = timer;
    setWebSocketFactory(factory);
    setTcpNoDelay(true);
    setReuseAddr(true);
    // Java-WebSocket binds with backlog -1, which the JDK turns into 50: a reconnect storm of a
    // few hundred clients overflows it, and the overflowed connects wait for SYN retransmits
    // (1 s, 3 s, 7 s...). The kernel still caps this at net.core.somaxconn.
    setMaxPendingConnections(ACCEPT_BACKLOG);
    // Our own heartbeat (see heartbeat()): the library's pings every connection at once.
    setConnectionLostTimeout(0);
    this.pongTimeoutNanos = TimeUnit.SECONDS.toNanos(config.pingIntervalSeconds()) * 3 / 2;
  }

  /** The period of {@link #heartbeat}: a ping interval divided into {@link #HEARTBEAT_SLOTS}. */
  long heartbeatPeriodMs() {
    return Math.max(1, TimeUnit.SECONDS.toMillis(config.pingIntervalSeconds()) / HEARTBEAT_SLOTS);
  }

  /**
   * Pings one slot of the open connections, and cuts those of the slot that have not answered a
   * ping for 1.5 ping intervals. The transport calls it every {@link #heartbeatPeriodMs}, so each
   * connection is pinged once per interval, and the pings of 10,000 connections are spread over
   * the interval instead of all being written at the same moment, as Java-WebSocket's own
   * checker does (that burst, and the pongs it brings back, delayed deliveries by up to a second
   * under mixed load: p99 737 ms with it, 12 ms without). Timer thread only.
   */
  void heartbeat() {
    int slot = heartbeatTick++ % HEARTBEAT_SLOTS;
    long now = System.nanoTime();
    for (WebSocket conn : getConnections()) {
      if (Math.floorMod(System.identityHashCode(conn), HEARTBEAT_SLOTS) != slot
          || !(conn.getAttachment() instanceof WsSession session) || !conn.isOpen()) {
        continue;
      }
      try {
        if (now - session.lastPongNanos() > pongTimeoutNanos) {
          log.info("closing {}: no pong for {} s", session.describe(),
              TimeUnit.NANOSECONDS.toSeconds(now - session.lastPongNanos()));
          ((WebSocketImpl) conn).closeConnection(CloseFrame.ABNORMAL_CLOSE, "no pong in time");
        } else {
          conn.sendPing();
        }
      } catch (RuntimeException e) {
        log.debug("heartbeat of {}: {}", session.describe(), e.toString()); // closed meanwhile
      }
    }
  }

  @Override
  public void onWebsocketPong(WebSocket conn, Framedata f) {
    if (conn.getAttachment() instanceof WsSession session) {
      session.ponged();
    }
  }

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    if (stopping) {
      throw new InvalidDataException(CloseFrame.GOING_AWAY, "server shutting down");
    }
    String resource = request.getResourceDescriptor();
    int query = resource.indexOf('?');
    String path = query < 0 ? resource : resource.substring(0, query);
    if (!path.equals(WsConfig.PATH)) {
      throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "no WebSocket at " + path);
    }
    String origin = request.hasFieldValue("Origin") ? request.getFieldValue("Origin") : null;
    if (!origins.permits(origin)) {
      log.info("refused handshake from {}: origin not allowed", conn.getRemoteSocketAddress());
      throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "origin not allowed");
    }
    return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    WebSocketImpl ws = (WebSocketImpl) conn;
    factory.handshakeDone(ws);
    WsSession session = new WsSession(ws, (CountingChannel) ws.getChannel(),
        config.maxOutboundBytes(), timer);
    conn.setAttachment(session);
    log.info("open {}", session.describe());
    session.attach(chat.open(session));
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    WsSession session = conn.getAttachment();
    if (session != null && session.connection() != null) {
      session.connection().receiveFrame(message);
    }
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    conn.close(CloseCodes.UNSUPPORTED_DATA, "binary frames are not supported");
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    factory.handshakeDone((WebSocketImpl) conn);
    synchronized (closes) {
      closes.notifyAll();
    }
    WsSession session = conn.getAttachment();
    if (session == null) {
      return;
    }
    String user = session.connection() == null ? null : session.connection().user();
    log.info("close {} user={} code={} by={}", session.describe(), user == null ? "-" : user,
        code, remote ? "client" : "server");
    if (session.connection() != null) {
      session.connection().closed();
    }
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      // A server-level failure, e.g. the port is taken.
      if (!started.completeExceptionally(ex)) {
        log.error("WebSocket server failed", ex);
      }
      return;
    }
    log.debug("connection error on {}: {}", conn.getRemoteSocketAddress(), ex.toString());
  }

  @Override
  public void onStart() {
    started.complete(null);
  }

  /**
   * The first step of shutdown: refuses new handshakes, closes every open connection with 1001
   * and waits, at most {@code timeoutMs}, for their close handshakes to finish.
   *
   * <p>Done before {@link #stop(int, String)}, because Java-WebSocket 1.6.0's stop lets the
   * selector run only until it has seen a few idle selects of 5 ms, then closes the selector but
   * not the connections' sockets: a close frame queued after that (the stopping thread was slow
   * to get through the list, as on a loaded machine) is never written, and its client never sees
   * the connection end.
   */
  void closeAll(String reason, long timeoutMs) throws InterruptedException {
    stopping = true;
    for (WebSocket conn : List.copyOf(getConnections())) {
      if (conn.getAttachment() instanceof WsSession session) {
        session.close(CloseCodes.GOING_AWAY, reason); // after the frames it has queued
      } else {
        conn.close(CloseCodes.GOING_AWAY, reason); // outside our lock: it may call onClose
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    synchronized (closes) {
      while (connectionCount() != 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(closes, left);
      }
    }
  }

  /**
   * The last step of shutdown, after {@link #stop(int, String)}: ends the sockets of connections
   * whose close handshake did not finish in time, which the library's stop leaves open.
   */
  void cutRemaining(String reason) {
    for (WebSocket conn : List.copyOf(getConnections())) {
      ((WebSocketImpl) conn).closeConnection(CloseCodes.GOING_AWAY, reason);
    }
  }
}
