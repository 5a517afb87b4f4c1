package chat.transport.ws;

import static java.util.Objects.requireNonNull;

import chat.core.ChatConfig;
import chat.core.ChatMetrics;
import chat.core.ChatService;
import chat.core.Managed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint ({@code ws://host:port/ws}, or {@code wss://} with TLS). Lifecycle:
 * {@link #start()} binds the port and returns once it accepts connections (or throws if it
 * cannot bind); {@link #stop()} stops accepting and closes every connection with 1001.
 */
@Singleton
public final class WebSocketTransport implements Managed {
  private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);
  private static final int STOP_TIMEOUT_MS = 5_000;

  private final ChatService chat;
  private final ChatConfig chatConfig;
  private final WsConfig config;
  private final Origins origins;
  private final ChatMetrics metrics;
  private volatile WsServer server;
  private volatile ScheduledExecutorService timer;

  /** A transport that reports to no metrics. */
  public WebSocketTransport(ChatService chat, ChatConfig chatConfig, WsConfig config) {
    this(chat, chatConfig, config, ChatMetrics.NONE);
  }

  @Inject
  public WebSocketTransport(ChatService chat, ChatConfig chatConfig, WsConfig config,
      ChatMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.chat = requireNonNull(chat, "chat is null");
    this.chatConfig = requireNonNull(chatConfig, "chatConfig is null");
    this.config = requireNonNull(config, "config is null");
    this.origins = new Origins();
  }

  /**
   * Adds browser origins to the allow-list, before or after start: for origins known only once
   * something else has bound its port (the server's own web pages on an ephemeral HTTP port).
   *
   * @throws IllegalArgumentException if one is not {@code scheme://host[:port]}
   */
  public void allowOrigins(Collection<String> more) {
    origins.allow(more);
  }

  /**
   * Whether pages from {@code origin} (an {@code Origin} header) may use this server: exactly on
   * the allow-list, as for the WebSocket handshake. Null (no header) is no browser origin: false.
   * For the HTTP side's CORS, so both sides allow the same pages.
   */
  public boolean isAllowedOrigin(String origin) {
    return origin != null && origins.permits(origin);
  }

  @Override
  public int phase() {
    return PHASE_TRANSPORT;
  }

  @Override
  public synchronized void start() throws IOException, InterruptedException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    origins.allow(config.allowedOrigins()); // a malformed one fails the start
    ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "chat-ws-timer");
      thread.setDaemon(true);
      return thread;
    });
    WsServer s;
    try {
      s = new WsServer(chat, config, origins, chatConfig.limits().maxFrameBytes(), t, metrics);
    } catch (IOException e) {
      t.shutdownNow();
      throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": "
          + e.getMessage(), e);
    }
    timer = t;
    server = s;
    s.start();
    long period = Math.max(100, config.handshakeTimeoutMs() / 4);
    Heartbeat heartbeat = s.heartbeat();
    t.scheduleAtFixedRate(() -> periodic(heartbeat::sweepHandshakes), period, period,
        TimeUnit.MILLISECONDS);
    t.scheduleAtFixedRate(() -> periodic(heartbeat::beat), heartbeat.periodMs(),
        heartbeat.periodMs(), TimeUnit.MILLISECONDS);
    log.info("WebSocket listening on {}://{}:{}{}", config.tls() == null ? "ws" : "wss",
        config.host(), port(), WsConfig.PATH);
  }

  /** A periodic task must live on: a failure is logged and the task runs again next period. */
  private static void periodic(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("periodic WebSocket task failed; it runs again next period", e);
    }
  }

  /** The bound port: the configured one, or the one picked when configured with 0. */
  public int port() {
    WsServer s = server;
    if (s == null) {
      throw new IllegalStateException("not started");
    }
    return s.port();
  }

  /** The running server, for tests in this package; null before start. */
  WsServer server() {
    return server;
  }

  /**
   * Whether the WebSocket listener is bound and accepting connections: false before start, after
   * stop, and while accepting fails (e.g. the process is out of file descriptors). For health
   * checks.
   */
  public boolean isAccepting() {
    WsServer s = server;
    return s != null && s.isAccepting();
  }

  /** Open WebSocket connections. */
  public int connectionCount() {
    WsServer s = server;
    return s == null ? 0 : s.connectionCount();
  }

  /** Sockets refused by {@code --max-connections} or {@code --max-connections-per-ip}. */
  public long refusedConnections() {
    WsServer s = server;
    return s == null ? 0 : s.refusedConnections();
  }

  /**
   * Bytes queued for every connection together and not yet written to their sockets: clients
   * that read slowly, or a burst being written. Counts each connection, so call it now and then
   * (a metrics scrape), not per message.
   */
  public long outboundBytesQueued() {
    WsServer s = server;
    return s == null ? 0 : s.outboundBytesQueued();
  }

  @Override
  public synchronized void stop() throws InterruptedException {
    WsServer s = server;
    if (s != null) {
      s.closeAll("server shutting down", STOP_TIMEOUT_MS); // 1001 to each, while serving
      s.stop("server shutting down", STOP_TIMEOUT_MS);
    }
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
