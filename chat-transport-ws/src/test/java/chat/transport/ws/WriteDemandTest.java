package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.ChatService;
import chat.core.Connection;
import chat.core.Outbound;
import chat.core.Session;
import chat.protocol.Event;
import chat.protocol.FrameCodec;
import chat.protocol.Request;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.framing.TextFrame;
import org.java_websocket.server.DefaultWebSocketServerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The write path of {@link PatchedWebSocketServer}: frames queued from any thread reach the
 * client without a periodic sweep (Java-WebSocket 1.6.0 could leave one without write interest),
 * and a connection that was once write-ready is not visited again on every later selector pass
 * (1.6.0 left such keys in the selected-key set for good).
 */
class WriteDemandTest {

  /** A core that accepts connections and ignores what they send. */
  private static final class SilentChat implements ChatService {
    @Override public void start() {}

    @Override public Connection open(Session session) {
      return new Connection() {
        @Override public void receive(Request request) {}

        @Override public void receiveInvalid(String re, String reason) {}

        @Override public void receiveFrame(String frame) {}

        @Override public void closed() {}

        @Override public String user() {
          return null;
        }
      };
    }

    @Override public void stop() {}

    @Override public int connectionCount() {
      return 0;
    }
  }

  private final List<AutoCloseable> open = new ArrayList<>();
  private ScheduledExecutorService timer;
  private ChatWebSocketServer server;

  @BeforeEach
  void start() throws Exception {
    timer = Executors.newSingleThreadScheduledExecutor();
    WsConfig config = WsConfig.loopback();
    server = new ChatWebSocketServer(new SilentChat(),
        new WsConfig(config.host(), 0, config.allowedOrigins(), 600, 10_000, 64 << 20, 1, null),
        new Origins(config.allowedOrigins()), 65_536,
        new CountingServerFactory(new DefaultWebSocketServerFactory()), timer);
    server.start();
    server.started.get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    server.stop(1_000);
    timer.shutdownNow();
  }

  private RawWebSocket connect(int receiveBuffer) throws Exception {
    RawWebSocket.Builder b = RawWebSocket.to(server.getPort()).timeoutMs(10_000);
    if (receiveBuffer > 0) {
      b.receiveBuffer(receiveBuffer);
    }
    RawWebSocket ws = b.open();
    open.add(ws);
    assertTrue(ws.upgraded(), ws.statusLine());
    return ws;
  }

  /** The server's side of {@code client}, once its handshake is done. */
  private WebSocketImpl serverSideOf(RawWebSocket client) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      for (WebSocket conn : server.getConnections()) {
        InetSocketAddress remote = conn.getRemoteSocketAddress();
        if (conn.isOpen() && conn.getAttachment() != null && remote != null
            && remote.getPort() == client.localPort()) {
          return (WebSocketImpl) conn;
        }
      }
      assertTrue(System.nanoTime() < deadline, "no server-side connection");
      Thread.sleep(5); // polling a library's state, bounded by the deadline
    }
  }

  /** Sends {@code text} to the client as the {@code user} of a typing event, the way core does. */
  private static void send(WebSocketImpl conn, String text) {
    assertTrue(((WsSession) conn.getAttachment()).send(
        new Outbound(new Event.Typing("#r", text))));
  }

  /** Queues a text frame the way the library does (a ping, a close): outQueue, then demand. */
  private void libraryFrame(WebSocketImpl conn, String text) {
    TextFrame frame = new TextFrame();
    frame.setPayload(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    frame.setFin(true);
    conn.outQueue.add(conn.getDraft().createBinaryFrame(frame));
    server.onWriteDemand(conn);
  }

  private static String received(RawWebSocket client, boolean viaSession) throws Exception {
    String text = client.readText(); // fails after 10 s if a frame was left unsent
    return viaSession ? ((Event.Typing) new FrameCodec().decodeEvent(text)).user() : text;
  }

  @ParameterizedTest(name = "via session queue: {0}")
  @ValueSource(booleans = {true, false})
  void framesQueuedFromManyThreadsAllArriveInOrderWithoutASweep(boolean viaSession)
      throws Exception {
    // A small receive window makes the socket fill, so both paths run: the demand queue and
    // OP_WRITE when the socket cannot take everything at once.
    RawWebSocket client = connect(4_096);
    WebSocketImpl conn = serverSideOf(client);
    int threads = 4;
    int perThread = 5_000;
    String pad = "p".repeat(200);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> senders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        senders.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            String text = thread + ":" + i + ":" + pad;
            if (viaSession) {
              send(conn, text);
            } else {
              libraryFrame(conn, text);
            }
          }
          return null;
        }));
      }
      go.countDown();
      int[] next = new int[threads];
      for (int n = 0; n < threads * perThread; n++) {
        String[] parts = received(client, viaSession).split(":", 3);
        int thread = Integer.parseInt(parts[0]);
        assertEquals(next[thread], Integer.parseInt(parts[1]), "order of thread " + thread);
        next[thread]++;
      }
      for (Future<?> f : senders) {
        f.get(10, TimeUnit.SECONDS);
      }
      for (int t = 0; t < threads; t++) {
        assertEquals(perThread, next[t]);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aConnectionThatWasWriteReadyIsNotVisitedOnLaterPasses() throws Exception {
    RawWebSocket slow = connect(4_096);
    WebSocketImpl slowConn = serverSideOf(slow);
    RawWebSocket other = connect(0);
    WebSocketImpl otherConn = serverSideOf(other);

    // Fill the slow client's socket while it does not read, so its key needs OP_WRITE ...
    String big = "b".repeat(16_000);
    int frames = 400; // 6.4 MB: more than the kernel buffers take
    for (int i = 0; i < frames; i++) {
      send(slowConn, big);
    }
    for (int i = 0; i < frames; i++) { // ... then read it all: its backlog drains completely
      received(slow, true);
    }
    assertTrue(server.writeReadyCount() > 0, "the slow socket was never write-ready");
    long before = server.writeReadyCount();

    // Many selector passes, driven by round trips on the other connection.
    int passes = 300;
    for (int i = 0; i < passes; i++) {
      send(otherConn, "ping " + i);
      assertEquals("ping " + i, received(other, true));
    }

    long visits = server.writeReadyCount() - before;
    // Without the fix the slow connection's key is visited on most passes (188 of 300 when
    // tried). Now only a socket that fills again is visited, and "other" reads each frame
    // before the next is queued.
    assertTrue(visits < 20, "write-ready visits during " + passes + " passes: " + visits);
  }
}
