package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.fail;

import chat.core.ChatConfig;
import chat.core.ChatCoreModule;
import chat.core.ChatService;
import chat.core.SessionHandler;
import chat.core.Lifecycle;
import chat.core.Outbound;
import chat.core.Session;
import chat.core.memory.InMemoryStoreModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The real chat core with in-memory stores and the real WebSocket transport on 127.0.0.1, a free
 * port. Two ways to wire it: {@link #start} as an application does (the transport's Guice module,
 * started and stopped by the core's lifecycle), or {@link #startRecording}, which puts a recording
 * decorator between the transport and the core so tests can see each {@link WsSession} and every
 * {@link Outbound} the core hands it.
 */
final class WsTestServer implements AutoCloseable {
  final ChatConfig chatConfig;
  final WsConfig wsConfig;
  private final Lifecycle lifecycle;
  private final WebSocketTransport transport;
  private final RecordingChatService recorder; // null unless recording
  private boolean closed;

  /** Core settings for tests: cheap password hashing, generous rate limits. */
  static ChatConfig.Builder chatConfig() {
    return ChatConfig.builder()
        .passwordIterations(1_000)
        .sendPerSecond(10_000).sendBurst(10_000)
        .requestsPerSecond(10_000).requestBurst(10_000);
  }

  /** Loopback transport settings with a ping interval (the record has no wither for it). */
  static WsConfig withPingInterval(WsConfig c, int seconds) {
    return c.toBuilder().pingIntervalSeconds(seconds).build();
  }

  static WsConfig withTls(WsConfig c, SSLContext tls) {
    return c.toBuilder().tls(tls).build();
  }

  static WsTestServer start() {
    return start(chatConfig(), WsConfig.loopback());
  }

  /** Wired like the application: {@link WebSocketTransportModule} in the core's injector. */
  static WsTestServer start(ChatConfig.Builder chat, WsConfig ws) {
    ChatConfig config = chat.build();
    Injector injector = started(new ChatCoreModule(config), new InMemoryStoreModule(),
        new WebSocketTransportModule(ws));
    return new WsTestServer(config, ws, injector.getInstance(Lifecycle.class),
        injector.getInstance(WebSocketTransport.class), null);
  }

  /** An injector of {@code modules} whose lifecycle has started, as an application does it. */
  private static Injector started(Module... modules) {
    Injector injector = Guice.createInjector(modules);
    try {
      injector.getInstance(Lifecycle.class).start();
    } catch (Exception e) {
      throw new IllegalStateException("the test server failed to start", e);
    }
    return injector;
  }

  /** The transport built by hand around a recording decorator of the core's service. */
  static WsTestServer startRecording(ChatConfig.Builder chat, WsConfig ws) throws Exception {
    ChatConfig config = chat.build();
    Injector injector = started(new ChatCoreModule(config), new InMemoryStoreModule());
    Lifecycle lifecycle = injector.getInstance(Lifecycle.class);
    RecordingChatService recorder =
        new RecordingChatService(injector.getInstance(ChatService.class));
    WebSocketTransport transport = new WebSocketTransport(recorder, config, ws);
    try {
      transport.start();
    } catch (Exception e) {
      lifecycle.stop();
      throw e;
    }
    return new WsTestServer(config, ws, lifecycle, transport, recorder);
  }

  private WsTestServer(ChatConfig chatConfig, WsConfig wsConfig, Lifecycle lifecycle,
      WebSocketTransport transport, RecordingChatService recorder) {
    this.chatConfig = chatConfig;
    this.wsConfig = wsConfig;
    this.lifecycle = lifecycle;
    this.transport = transport;
    this.recorder = recorder;
  }

  int port() {
    return transport.port();
  }

  WebSocketTransport transport() {
    return transport;
  }

  /** The sessions the transport opened, in order (recording servers only). */
  List<RecordingSession> sessions() {
    if (recorder == null) {
      throw new IllegalStateException("not a recording server");
    }
    return recorder.sessions;
  }

  /** The recorded session of the connection logged in as {@code user}. */
  RecordingSession sessionOf(String user) {
    List<RecordingSession> found = new ArrayList<>();
    for (RecordingSession s : sessions()) {
      if (s.handler != null && user.equals(s.handler.user())) {
        found.add(s);
      }
    }
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " sessions of " + user);
    }
    return found.get(0);
  }

  void awaitConnectionCount(int expected) throws InterruptedException {
    awaitCondition(() -> transport.connectionCount() == expected,
        () -> "connectionCount is " + transport.connectionCount() + ", expected " + expected);
  }

  /** Polls a condition of the server's state, failing after 10 s. */
  static void awaitCondition(BooleanSupplier condition, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail(what.get());
      }
      Thread.sleep(5); // polling state the server does not signal, bounded by the deadline
    }
  }

  /** Stops the transport (closing every connection 1001), then the core. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (recorder != null) {
      try {
        transport.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lifecycle.stop(); // the module-wired transport is stopped first by the lifecycle
  }

  /** Passes everything to the real core, wrapping each session in a {@link RecordingSession}. */
  static final class RecordingChatService implements ChatService {
    private final ChatService delegate;
    final List<RecordingSession> sessions = new CopyOnWriteArrayList<>();

    RecordingChatService(ChatService delegate) {
      this.delegate = delegate;
    }

    @Override
    public SessionHandler open(Session session) {
      RecordingSession recording = new RecordingSession((WsSession) session);
      sessions.add(recording);
      recording.handler = delegate.open(recording);
      return recording.handler;
    }

    @Override
    public int connectionCount() {
      return delegate.connectionCount();
    }
  }

  /**
   * A transport session as the core sees it, recording each {@link Outbound} it accepted, how
   * many it refused, and the largest unsent backlog of its {@link WsSession} after any send.
   */
  static final class RecordingSession implements Session {
    final WsSession ws;
    volatile SessionHandler handler;
    final List<Outbound> sent = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger refused = new AtomicInteger();
    final AtomicLong maxBacklog = new AtomicLong();

    RecordingSession(WsSession ws) {
      this.ws = ws;
    }

    @Override
    public boolean send(Outbound event) {
      // Recorded before it is queued: the selector may write it, and the client read it, before
      // ws.send returns, and a test that saw the client receive it must find it recorded.
      sent.add(event);
      boolean accepted = ws.send(event);
      maxBacklog.accumulateAndGet(ws.backlog(), Math::max);
      if (!accepted) {
        synchronized (sent) {
          sent.remove(sent.lastIndexOf(event));
        }
        refused.incrementAndGet();
      }
      return accepted;
    }

    @Override
    public void close(int code, String reason) {
      ws.close(code, reason);
    }

    @Override
    public String describe() {
      return ws.describe();
    }
  }
}
