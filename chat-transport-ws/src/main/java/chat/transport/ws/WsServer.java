package chat.transport.ws;

import chat.core.ChatMetrics;
import chat.core.ChatService;
import chat.core.CloseCodes;
import chat.core.SessionHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The WebSocket server: our {@link EventLoop} and {@link Decoders} around Java-WebSocket's
 * per-connection protocol object ({@link WebSocketImpl}), whose callbacks land here and are
 * adapted to chat-core. It decides nothing about chat: it admits sockets (connection caps), checks
 * the upgrade (size, path, Origin), turns frames into calls on the core's {@link SessionHandler},
 * pings, and reports closes.
 *
 * <p>Threads: the first loop accepts, and hands each socket to one of the loops ({@link
 * WsConfig#ioThreads}), in turn, which reads and writes it until it closes; the library's
 * callbacks run on the decoder thread of their connection ({@code onOpen}, messages, pings),
 * except closes, which run where the connection was closed (its loop, decoder or timer thread);
 * the timer thread runs the {@link Heartbeat}.
 */
final class WsServer extends WebSocketAdapter implements EventLoop.Handler {
  private static final Logger log = LoggerFactory.getLogger(WsServer.class);
  /** How long a closing connection may take to drain its backlog before it is cut. */
  static final long CLOSE_GRACE_MS = 5_000;
  private static final byte[] HEAD_TOO_LARGE = ("HTTP/1.1 431 Request Header Fields Too Large\r\n"
      + "Connection: close\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  private final ChatService chat;
  private final WsConfig config;
  private final Origins origins;
  private final List<Draft> drafts;
  private final ScheduledExecutorService timer;
  private final DefaultSSLWebSocketServerFactory tls; // null for plain ws
  private final Decoders decoders;
  /** The loops; the first also accepts. */
  private final EventLoop[] loops;
  /** A connection whose undecoded bytes pass this is not read until its decoder catches up. */
  private final long maxUndecodedBytes;
  private final Heartbeat heartbeat;
  private final ConnectionCaps caps;
  private final TrustedProxies trustedProxies;
  private final ChatMetrics metrics;

  /** Every accepted socket not yet closed, handshaking or open. */
  private final Set<WsConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger open = new AtomicInteger();
  /** Sockets set up so far: the next one's loop, decoder and ping slot go round by it. */
  private long accepted; // accepting loop only
  private volatile boolean stopping;
  private boolean stopped; // guarded by this
  /** Notified whenever a connection closes; {@link #closeAll} waits on it. */
  private final Object closes = new Object();

  /** Binds the port (throws if it cannot); {@link #start} starts serving. */
  WsServer(ChatService chat, WsConfig config, Origins origins, int maxFrameBytes,
      ScheduledExecutorService timer, ChatMetrics metrics) throws IOException {
    this.metrics = metrics;
    this.chat = chat;
    this.config = config;
    this.origins = origins;
    this.drafts = List.of(new MessageSizeLimitDraft(maxFrameBytes));
    this.timer = timer;
    this.tls = config.tls() == null ? null : new DefaultSSLWebSocketServerFactory(config.tls());
    this.maxUndecodedBytes = Math.max(256 * 1024, 2L * maxFrameBytes);
    this.caps = new ConnectionCaps(config.maxConnections(), config.maxConnectionsPerIp());
    this.trustedProxies = TrustedProxies.parse(config.trustedProxies());
    this.decoders = new Decoders(config.decoderThreads(), this::drained);
    this.loops = new EventLoop[config.ioThreads()];
    loops[0] = new EventLoop(new InetSocketAddress(config.host(), config.port()), this, timer);
    try {
      for (int i = 1; i < loops.length; i++) {
        loops[i] = new EventLoop(null, this, timer, "chat-ws-loop-" + i);
      }
    } catch (IOException | RuntimeException e) {
      for (EventLoop l : loops) {
        if (l != null) {
          l.closeSelector();
        }
      }
      throw e;
    }
    this.heartbeat = new Heartbeat(connections, config.pingIntervalSeconds(),
        config.handshakeTimeoutMs());
  }

  void start() {
    decoders.start();
    for (EventLoop l : loops) {
      l.start();
    }
  }

  int port() {
    return loops[0].port();
  }

  boolean isAccepting() {
    return !stopping && loops[0].isAccepting();
  }

  /** Open WebSocket connections (handshake done). */
  int connectionCount() {
    return open.get();
  }

  /** Sockets refused by the connection caps since the start. */
  long refusedConnections() {
    return caps.refusals();
  }

  /** Bytes queued for every socket and not yet written. */
  long outboundBytesQueued() {
    long sum = 0;
    for (WsConnection conn : connections) {
      sum += conn.backlog();
    }
    return sum;
  }

  /** Every socket not yet closed, for tests. */
  Set<WsConnection> connections() {
    return connections;
  }

  /** The loop that accepts (with one I/O thread, the only one). */
  EventLoop loop() {
    return loops[0];
  }

  /** Every loop, the accepting one first. */
  List<EventLoop> loops() {
    return List.of(loops);
  }

  /** Pings and handshake deadlines, for the transport's timer. */
  Heartbeat heartbeat() {
    return heartbeat;
  }

  // ---- sockets (loop thread) ----

  @Override
  public WsConnection accepted(SocketChannel socket) throws IOException {
    InetSocketAddress remote = (InetSocketAddress) socket.getRemoteAddress();
    if (remote == null) {
      EventLoop.closeQuietly(socket);
      return null;
    }
    InetAddress address = remote.getAddress();
    // A trusted proxy's sockets are counted per client at the upgrade, when its header names them.
    boolean viaProxy = trustedProxies.trusts(address);
    String refused = viaProxy ? caps.admitTotal(connections.size())
        : caps.admit(address, connections.size());
    if (refused != null) {
      caps.refuse(socket, address, refused);
      return null;
    }
    try {
      socket.configureBlocking(false);
      socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      socket.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      long n = accepted++;
      EventLoop loop = loops[(int) (n % loops.length)];
      SelectionKey key = loop.register(socket);
      ByteChannel channel = tls == null ? socket : tls.wrapChannel(socket, key);
      WebSocketImpl ws = new WebSocketImpl(this, drafts);
      WsConnection conn = new WsConnection(socket, channel, key, loop, ws, remote,
          (InetSocketAddress) socket.getLocalAddress(), (int) (n % decoders.size()),
          (int) (n % Heartbeat.SLOTS));
      conn.clientAddress = address.getHostAddress();
      conn.counted = viaProxy ? null : address;
      ws.setAttachment(conn);
      ws.setSelectionKey(key); // the library's close cancels it
      ws.setChannel(channel); // and closes this
      connections.add(conn);
      loop.watch(key, conn);
      return conn;
    } catch (IOException | RuntimeException e) {
      if (!viaProxy) {
        caps.release(address);
      }
      EventLoop.closeQuietly(socket);
      throw e;
    }
  }

  @Override
  public void received(WsConnection conn, ByteBuffer data) {
    HandshakeHead head = conn.head();
    if (!head.isComplete()) {
      switch (head.append(data)) {
        case INCOMPLETE -> { }
        case TOO_LARGE -> refuseHead(conn);
        case COMPLETE -> decode(conn, head.take());
      }
      return;
    }
    ByteBuffer copy = ByteBuffer.allocate(data.remaining());
    copy.put(data).flip();
    decode(conn, copy);
  }

  private void decode(WsConnection conn, ByteBuffer data) {
    long undecoded = conn.addUndecoded(data.remaining());
    decoders.decode(conn, data);
    if (undecoded > maxUndecodedBytes && !conn.readPaused) {
      conn.readPaused = true; // the client sends faster than its requests are handled
      conn.loop.stopReading(conn);
    }
  }

  /** A decoder caught up with a paused connection (decoder thread). */
  private void drained(WsConnection conn, long undecoded) {
    if (undecoded <= maxUndecodedBytes / 2) {
      conn.loop.execute(() -> {
        if (conn.readPaused && conn.undecoded() <= maxUndecodedBytes / 2) {
          conn.readPaused = false;
          conn.loop.resumeReading(conn);
        }
      });
    }
  }

  /** The upgrade request's head passed {@link WsConfig#MAX_HANDSHAKE_BYTES}: 431, then close. */
  private void refuseHead(WsConnection conn) {
    log.info("refused {}: upgrade request over {} bytes", conn.describe(),
        WsConfig.MAX_HANDSHAKE_BYTES);
    conn.endOfInput = true;
    conn.loop.stopReading(conn);
    conn.enqueue(ByteBuffer.wrap(HEAD_TOO_LARGE).asReadOnlyBuffer());
    conn.ws.flushAndClose(CloseFrame.NEVER_CONNECTED, "upgrade request too large", false);
  }

  @Override
  public void endOfInput(WsConnection conn, IOException failure) {
    conn.endOfInput = true;
    if (failure != null) {
      log.debug("reading from {} failed: {}", conn.describe(), failure.toString());
    }
    decoders.endOfInput(conn); // after the bytes read before it
  }

  @Override
  public void writeFailed(WsConnection conn, IOException failure) {
    log.debug("writing to {} failed: {}", conn.describe(), failure.toString());
    EventLoop.cut(conn, "write failed");
  }

  // ---- writes and closes (any thread) ----

  void requestWrite(WsConnection conn) {
    if (conn.scheduleWrite()) {
      conn.loop.requestWrite(conn);
    }
  }

  /** The library queued frames (or asks to flush before closing): move them and write. */
  @Override
  public void onWriteDemand(WebSocket w) {
    WsConnection conn = ((WebSocketImpl) w).getAttachment();
    long backlog = conn.takeLibraryFrames();
    WsSession session = conn.session;
    if (session != null && !session.isClosing() && backlog > config.maxOutboundBytes()) {
      slowConsumer(session, backlog); // e.g. pongs to a client that pings and never reads
    }
    requestWrite(conn);
  }

  void slowConsumer(WsSession session, long backlog) {
    if (!session.isClosing()) {
      try (MDC.MDCCloseable r = MDC.putCloseable("remote", session.describe())) {
        log.info("closing {}: slow consumer ({} bytes unsent)", session.describe(), backlog);
      }
      metrics.closed(ChatMetrics.Close.SLOW_CONSUMER);
      session.close(CloseCodes.POLICY_VIOLATION, "slow consumer");
    }
  }

  /**
   * Starts the close handshake on the loop thread, after the frames already queued; a client
   * that does not read them within {@link #CLOSE_GRACE_MS} is cut, so its backlog is freed.
   */
  void close(WsConnection conn, int code, String reason) {
    conn.loop.execute(() -> {
      if (conn.ws.isOpen()) {
        conn.ws.close(code, reason);
      }
    });
    try {
      timer.schedule(() -> conn.loop.execute(() -> {
        if (!conn.ws.isClosed()) {
          EventLoop.cut(conn, reason);
        }
      }), CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the transport is stopping and cuts every connection itself
    }
  }

  // ---- the library's callbacks ----

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
    WsConnection c = ((WebSocketImpl) conn).getAttachment();
    InetAddress peer = c.remote.getAddress();
    if (trustedProxies.trusts(peer)) {
      String forwarded = request.hasFieldValue("X-Forwarded-For")
          ? request.getFieldValue("X-Forwarded-For") : null;
      InetAddress client = trustedProxies.client(peer, forwarded);
      c.clientAddress = client.getHostAddress();
      synchronized (c) {
        if (!c.capsReleased) {
          String refused = caps.admitAddress(client);
          if (refused != null) {
            log.info("refused handshake from {} via {}: {}", c.clientAddress,
                peer.getHostAddress(), refused);
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION,
                "too many connections from your address");
          }
          c.counted = client;
        }
      }
    }
    return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
  }

  @Override
  public void onWebsocketOpen(WebSocket w, Handshakedata handshake) {
    WsConnection conn = ((WebSocketImpl) w).getAttachment();
    WsSession session = new WsSession(conn, this, config.maxOutboundBytes());
    conn.lastPongNanos = System.nanoTime();
    conn.session = session;
    open.incrementAndGet();
    // The MDC gives --log-format json its fields; slf4j-simple (the text format) ignores it.
    try (MDC.MDCCloseable r = MDC.putCloseable("remote", conn.describe())) {
      log.info("open {}", conn.describe());
    }
    SessionHandler handler = chat.open(session);
    session.attach(handler);
    if (w.isClosed()) {
      handler.closed(); // closed while the core was opening it: onWebsocketClose missed it
    }
  }

  @Override
  public void onWebsocketMessage(WebSocket w, String message) {
    WsSession session = ((WsConnection) ((WebSocketImpl) w).getAttachment()).session;
    if (session != null && session.handler() != null && !session.isClosing()) {
      session.handler().receiveFrame(message);
    }
  }

  @Override
  public void onWebsocketMessage(WebSocket w, ByteBuffer message) {
    WsSession session = ((WsConnection) ((WebSocketImpl) w).getAttachment()).session;
    if (session != null) {
      session.close(CloseCodes.UNSUPPORTED_DATA, "binary frames are not supported");
    }
  }

  @Override
  public void onWebsocketPing(WebSocket w, Framedata frame) {
    WsSession session = ((WsConnection) ((WebSocketImpl) w).getAttachment()).session;
    if (session == null || session.isClosing() || session.handler() == null) {
      return;
    }
    session.handler().receiveControlFrame(); // a ping flood is a flood
    if (!session.isClosing()) {
      try {
        super.onWebsocketPing(w, frame); // queues the pong
      } catch (WebsocketNotConnectedException e) {
        // closed meanwhile: no pong
      }
    }
  }

  @Override
  public void onWebsocketPong(WebSocket w, Framedata frame) {
    WsConnection conn = ((WebSocketImpl) w).getAttachment();
    conn.lastPongNanos = System.nanoTime();
    WsSession session = conn.session;
    if (session != null && session.handler() != null) {
      session.handler().receiveControlFrame();
    }
  }

  @Override
  public void onWebsocketClose(WebSocket w, int code, String reason, boolean remote) {
    WsConnection conn = ((WebSocketImpl) w).getAttachment();
    conn.discardOutput();
    if (connections.remove(conn)) {
      synchronized (conn) {
        conn.capsReleased = true;
        if (conn.counted != null) {
          caps.release(conn.counted);
          conn.counted = null;
        }
      }
    }
    WsSession session = conn.session;
    if (session != null) {
      open.decrementAndGet();
      SessionHandler handler = session.handler();
      String user = handler == null ? null : handler.user();
      try (MDC.MDCCloseable r = MDC.putCloseable("remote", conn.describe());
          MDC.MDCCloseable u = MDC.putCloseable("user", user)) {
        log.info("close {} user={} code={} by={}", conn.describe(), user == null ? "-" : user,
            code, remote ? "client" : "server");
      }
      if (handler != null) {
        handler.closed();
      }
    }
    synchronized (closes) {
      closes.notifyAll();
    }
  }

  @Override
  public void onWebsocketClosing(WebSocket w, int code, String reason, boolean remote) {}

  @Override
  public void onWebsocketCloseInitiated(WebSocket w, int code, String reason) {}

  @Override
  public void onWebsocketError(WebSocket w, Exception ex) {
    // The library reports a client's protocol errors here (bad UTF-8, an oversized frame): the
    // client's doing, and the connection is closed with the matching code.
    log.debug("protocol error on {}: {}", w == null ? "-" : w.getRemoteSocketAddress(),
        ex.toString());
  }

  @Override
  public InetSocketAddress getLocalSocketAddress(WebSocket w) {
    return ((WsConnection) ((WebSocketImpl) w).getAttachment()).local;
  }

  @Override
  public InetSocketAddress getRemoteSocketAddress(WebSocket w) {
    return ((WsConnection) ((WebSocketImpl) w).getAttachment()).remote;
  }

  // ---- shutdown ----

  /**
   * The first step of shutdown: stops accepting, closes every open connection with 1001 after
   * the frames queued for it, cuts those still in their handshake, and waits at most {@code
   * timeoutMs} for the close handshakes to finish.
   */
  void closeAll(String reason, long timeoutMs) throws InterruptedException {
    stopping = true;
    loops[0].execute(loops[0]::closeListener);
    for (WsConnection conn : connections) {
      WsSession session = conn.session;
      if (session != null) {
        session.close(CloseCodes.GOING_AWAY, reason);
      } else {
        conn.loop.execute(() -> EventLoop.cut(conn, reason));
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    synchronized (closes) {
      while (!connections.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(closes, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
    }
  }

  /** The last step: cuts what is left, ends the loop and the decoders. */
  synchronized void stop(String reason, long timeoutMs) throws InterruptedException {
    if (stopped) {
      return;
    }
    stopped = true;
    stopping = true;
    CountDownLatch cut = new CountDownLatch(loops.length);
    for (EventLoop loop : loops) {
      loop.execute(() -> {
        for (WsConnection conn : connections) {
          if (conn.loop == loop) {
            EventLoop.cut(conn, reason);
          }
        }
        cut.countDown();
      });
    }
    cut.await(timeoutMs, TimeUnit.MILLISECONDS);
    for (EventLoop loop : loops) {
      loop.stop(timeoutMs);
    }
    decoders.stop();
    if (tls != null) {
      tls.close();
    }
  }
}
