package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.ChatMetrics;
import chat.core.ChatService;
import chat.core.CloseCodes;
import chat.core.Outbound;
import chat.core.Session;
import chat.core.SessionHandler;
import chat.protocol.Event;
import chat.protocol.FrameCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A transport with several event loops: sockets are shared out among them as they connect, each
 * is read and written only by its own loop, a fan-out over all of them keeps every connection's
 * order, and shutdown closes the connections of every loop and ends every loop's thread.
 */
class EventLoopsTest {
  private static final int LOOPS = 3;

  /** A core that records the text frames it receives, with the connection they came from. */
  private static final class RecordingChat implements ChatService {
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

    @Override public SessionHandler open(Session session) {
      return new SessionHandler() {
        @Override public void receive(chat.protocol.Request request) {}

        @Override public void receiveInvalid(String re, String reason) {}

        @Override public void receiveFrame(String frame) {
          frames.add(frame);
        }

        @Override public void closed() {}

        @Override public String user() {
          return null;
        }
      };
    }

    @Override public int connectionCount() {
      return 0;
    }
  }

  private final List<RawWebSocket> clients = new ArrayList<>();
  private final RecordingChat chat = new RecordingChat();
  private ScheduledExecutorService timer;
  private WsServer server;

  @BeforeEach
  void start() throws Exception {
    timer = Executors.newSingleThreadScheduledExecutor();
    WsConfig config = WsConfig.loopback();
    server = new WsServer(chat,
        config.toBuilder().port(0).pingIntervalSeconds(600).ioThreads(LOOPS).decoderThreads(2)
            .build(),
        new Origins(config.allowedOrigins()), 65_536, timer, ChatMetrics.NONE);
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (RawWebSocket c : clients) {
      c.close();
    }
    server.closeAll("test over", 1_000);
    server.stop("test over", 1_000);
    timer.shutdownNow();
  }

  private RawWebSocket connect() throws Exception {
    RawWebSocket ws = RawWebSocket.to(server.port()).timeoutMs(10_000).open();
    clients.add(ws);
    assertTrue(ws.upgraded(), ws.statusLine());
    return ws;
  }

  /** The server's side of {@code client}, once its handshake is done. */
  private WsConnection serverSideOf(RawWebSocket client) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      for (WsConnection conn : server.connections()) {
        if (conn.session != null && conn.remote.getPort() == client.localPort()) {
          return conn;
        }
      }
      assertTrue(System.nanoTime() < deadline, "no server-side connection");
      Thread.sleep(5); // polling the server's state, bounded by the deadline
    }
  }

  private static String received(RawWebSocket client) throws Exception {
    return ((Event.Typing) new FrameCodec().decodeEvent(client.readText())).user();
  }

  @Test
  void socketsAreSharedOutAndEachIsReadAndWrittenOnlyByItsOwnLoop() throws Exception {
    // Every read and write, and whether it ran on the thread of the connection's own loop.
    Map<String, Boolean> onOwnLoop = new ConcurrentHashMap<>();
    for (EventLoop loop : server.loops()) {
      CountDownLatch traced = new CountDownLatch(1);
      loop.execute(() -> {
        loop.trace(new EventLoop.Trace() {
          @Override public void wrote(WsConnection conn) {
            onOwnLoop.merge("wrote " + conn.remote.getPort(), conn.loop.inLoop(), Boolean::logicalAnd);
          }

          @Override public void read(WsConnection conn) {
            onOwnLoop.merge("read " + conn.remote.getPort(), conn.loop.inLoop(), Boolean::logicalAnd);
          }
        });
        traced.countDown();
      });
      assertTrue(traced.await(10, TimeUnit.SECONDS));
    }
    int n = 2 * LOOPS;
    Map<EventLoop, Integer> perLoop = new HashMap<>();
    for (int i = 0; i < n; i++) {
      RawWebSocket client = connect();
      WsConnection conn = serverSideOf(client);
      perLoop.merge(conn.loop, 1, Integer::sum);
      client.sendText("hello " + i);
      assertEquals("hello " + i, chat.frames.poll(10, TimeUnit.SECONDS));
      assertTrue(conn.session.send(new Outbound(new Event.Typing("#r", "back " + i))));
      assertEquals("back " + i, received(client));
    }
    assertEquals(LOOPS, perLoop.size(), "loops used: " + perLoop);
    perLoop.values().forEach(count -> assertEquals(2, count, "sockets per loop: " + perLoop));
    for (RawWebSocket client : clients) {
      int port = client.localPort();
      assertEquals(Boolean.TRUE, onOwnLoop.get("read " + port), "reads of " + port);
      assertEquals(Boolean.TRUE, onOwnLoop.get("wrote " + port), "writes to " + port);
    }
  }

  @Test
  void aFanOutOverEveryLoopKeepsEachConnectionsOrder() throws Exception {
    int n = 2 * LOOPS;
    List<WsConnection> conns = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      conns.add(serverSideOf(connect()));
    }
    int threads = 2;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> senders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        senders.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            // One event, one frame, shared by every receiver, as core's fan-out does.
            Outbound out = new Outbound(new Event.Typing("#r", thread + ":" + i));
            for (WsConnection conn : conns) {
              assertTrue(conn.session.send(out));
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (RawWebSocket client : clients) {
        int[] next = new int[threads];
        for (int k = 0; k < threads * perThread; k++) {
          String[] parts = received(client).split(":");
          int thread = Integer.parseInt(parts[0]);
          assertEquals(next[thread], Integer.parseInt(parts[1]), "order of thread " + thread);
          next[thread]++;
        }
      }
      for (Future<?> f : senders) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shutdownClosesTheConnectionsOfEveryLoopAndEndsEveryLoop() throws Exception {
    int n = 2 * LOOPS;
    for (int i = 0; i < n; i++) {
      serverSideOf(connect());
    }
    server.closeAll("going away", 5_000);
    for (RawWebSocket client : clients) {
      RawWebSocket.Closed closed = client.readUntilClose(10_000, f -> { });
      assertEquals(CloseCodes.GOING_AWAY, closed.code());
    }
    assertFalse(server.isAccepting());
    assertTrue(server.connections().isEmpty(), server.connections().size() + " still open");
    server.stop("test over", 5_000);
    for (EventLoop loop : server.loops()) {
      assertFalse(loop.isRunning(), "a loop still runs");
    }
  }
}
