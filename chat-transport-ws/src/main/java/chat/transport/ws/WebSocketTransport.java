package chat.transport.ws;

import static java.util.Objects.requireNonNull;

import chat.core.ChatConfig;
import chat.core.ChatService;
import chat.core.Managed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.DefaultWebSocketServerFactory;
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
  private static final long START_TIMEOUT_SECONDS = 10;
  private static final int STOP_TIMEOUT_MS = 5_000;
  /** How soon a refused handshake's socket is closed after its HTTP error is written. */
  static final long REFUSED_SWEEP_MS = 20;

  private final ChatService chat;
  private final ChatConfig chatConfig;
  private final WsConfig config;
  private final Origins origins;
  private volatile ChatWebSocketServer server;
  private volatile ScheduledExecutorService timer;

  @Inject
  public WebSocketTransport(ChatService chat, ChatConfig chatConfig, WsConfig config) {
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
    timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "chat-ws-timer");
      t.setDaemon(true);
      return t;
    });
    CountingServerFactory factory = new CountingServerFactory(config.tls() == null
        ? new DefaultWebSocketServerFactory()
        : new DefaultSSLWebSocketServerFactory(config.tls()));
    server = new ChatWebSocketServer(chat, config, origins, chatConfig.limits().maxFrameBytes(),
        factory, timer);
    long period = Math.max(100, config.handshakeTimeoutMs() / 4);
    long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.handshakeTimeoutMs());
    timer.scheduleAtFixedRate(() -> factory.forEachExpired(timeoutNanos,
            ws -> ws.closeConnection(CloseFrame.ABNORMAL_CLOSE, "handshake timeout")),
        period, period, TimeUnit.MILLISECONDS);
    timer.scheduleAtFixedRate(factory::closeRefused, REFUSED_SWEEP_MS, REFUSED_SWEEP_MS,
        TimeUnit.MILLISECONDS);
    ChatWebSocketServer pinging = server;
    timer.scheduleAtFixedRate(() -> {
      try {
        pinging.heartbeat();
      } catch (RuntimeException e) {
        log.warn("heartbeat failed; it runs again next period", e); // a periodic task must live
      }
    }, server.heartbeatPeriodMs(), server.heartbeatPeriodMs(), TimeUnit.MILLISECONDS);
    server.start();
    try {
      server.started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      stop();
      throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      stop();
      throw new IOException("WebSocket server did not start within "
          + START_TIMEOUT_SECONDS + " s");
    }
    log.info("WebSocket listening on {}://{}:{}{}", config.tls() == null ? "ws" : "wss",
        config.host(), port(), WsConfig.PATH);
  }

  /** The bound port: the configured one, or the one picked when configured with 0. */
  public int port() {
    ChatWebSocketServer s = server;
    if (s == null) {
      throw new IllegalStateException("not started");
    }
    return s.getPort();
  }

  /** The running server, for tests in this package; null before start. */
  ChatWebSocketServer server() {
    return server;
  }

  /**
   * Whether the WebSocket listener is bound and accepting connections: false before start, after
   * stop, and while accepting fails (e.g. the process is out of file descriptors). For health
   * checks.
   */
  public boolean isAccepting() {
    return server != null;
  }

  /** Open WebSocket connections. */
  public int connectionCount() {
    ChatWebSocketServer s = server;
    return s == null ? 0 : s.connectionCount();
  }

  @Override
  public synchronized void stop() throws InterruptedException {
    ChatWebSocketServer s = server;
    if (s != null) {
      s.closeAll("server shutting down", STOP_TIMEOUT_MS); // 1001 to each, while serving
      s.stop(STOP_TIMEOUT_MS, "server shutting down");
      s.cutRemaining("server shutting down");
    }
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
