package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.ChatMetrics;
import chat.core.ChatService;
import chat.core.CloseCodes;
import chat.core.SessionHandler;
import chat.core.Outbound;
import chat.core.Session;
import chat.protocol.Event;
import chat.protocol.FrameCodec;
import chat.protocol.Request;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.java_websocket.framing.TextFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event loop and its write path, driven through real loopback sockets against a core that
 * only records what it is given: reads that hold many frames or part of one, writes that fill
 * the socket and resume, closes behind queued frames, clients that vanish mid-handshake; and,
 * with several loops, sockets shared out among them, each read and written only by its own, a
 * fan-out over all of them in each connection's order, and shutdown reaching every loop.
 */
class EventLoopTest {

  /** A core that records the text frames each connection receives. */
  private static final class RecordingChat implements ChatService {
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    final BlockingQueue<Session> opened = new LinkedBlockingQueue<>();
    /** While closed, the core is "busy": each frame waits for it (a slow request). */
    volatile CountDownLatch busy = new CountDownLatch(0);

    @Override public SessionHandler open(Session session) {
      opened.add(session);
      return new SessionHandler() {
        @Override public void receive(Request request) {}

        @Override public void receiveInvalid(String re, String reason) {}

        @Override public void receiveFrame(String frame) {
          try {
            busy.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
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

  private final List<AutoCloseable> open = new ArrayList<>();
  private final RecordingChat chat = new RecordingChat();
  private ScheduledExecutorService timer;
  private WsServer server;

  @BeforeEach
  void start() throws Exception {
    timer = Executors.newSingleThreadScheduledExecutor();
    server = startServer(1, 1);
  }

  private WsServer startServer(int loops, int decoders) throws Exception {
    WsConfig config = WsConfig.loopback();
    WsServer s = new WsServer(chat,
        config.toBuilder().port(0).pingIntervalSeconds(600).maxOutboundBytes(64 << 20)
            .ioThreads(loops).decoderThreads(decoders).build(),
        new Origins(config.allowedOrigins()), 65_536, timer, ChatMetrics.NONE);
    s.start();
    return s;
  }

  /** Replaces the one-loop server by one with {@code loops} event loops. */
  private void useLoops(int loops) throws Exception {
    server.closeAll("restarting", 1_000);
    server.stop("restarting", 1_000);
    server = startServer(loops, 2);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    server.closeAll("test over", 1_000);
    server.stop("test over", 1_000);
    timer.shutdownNow();
  }

  private RawWebSocket connect(int receiveBuffer) throws Exception {
    RawWebSocket.Builder b = RawWebSocket.to(server.port()).timeoutMs(10_000);
    if (receiveBuffer > 0) {
      b.receiveBuffer(receiveBuffer);
    }
    RawWebSocket ws = b.open();
    open.add(ws);
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

  private String nextFrame() throws InterruptedException {
    String frame = chat.frames.poll(10, TimeUnit.SECONDS);
    assertTrue(frame != null, "no frame reached the core within 10 s");
    return frame;
  }

  /** Sends {@code text} to the client as the {@code user} of a typing event, the way core does. */
  private static void send(WsConnection conn, String text) {
    assertTrue(conn.session.send(new Outbound(new Event.Typing("#r", text))));
  }

  /** Queues a text frame the way the library does (a ping, a close): outQueue, then demand. */
  private void libraryFrame(WsConnection conn, String text) {
    TextFrame frame = new TextFrame();
    frame.setPayload(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    frame.setFin(true);
    conn.ws.outQueue.add(conn.ws.getDraft().createBinaryFrame(frame));
    server.onWriteDemand(conn.ws);
  }

  private static String received(RawWebSocket client, boolean viaSession) throws Exception {
    String text = client.readText(); // fails after 10 s if a frame was left unsent
    return viaSession ? ((Event.Typing) new FrameCodec().decodeEvent(text)).user() : text;
  }

  private void awaitNoSockets() throws InterruptedException {
    WsTestServer.awaitCondition(() -> server.connections().isEmpty(),
        () -> server.connections().size() + " sockets still open");
  }

  @Test
  void manyFramesInOneReadAreDecodedInOrder() throws Exception {
    RawWebSocket client = connect(0);
    ByteArrayOutputStream many = new ByteArrayOutputStream();
    int n = 200;
    for (int i = 0; i < n; i++) {
      many.writeBytes(RawWebSocket.encodeFrame(true, RawWebSocket.TEXT,
          ("frame " + i).getBytes(StandardCharsets.UTF_8)));
    }
    client.sendRaw(many.toByteArray()); // one write: the server reads them together
    for (int i = 0; i < n; i++) {
      assertEquals("frame " + i, nextFrame());
    }
  }

  /**
   * A client that sends faster than its requests are handled is not read without bound: once
   * its undecoded bytes pass the limit the loop stops reading it (TCP then pushes back on the
   * client), and reads again when the decoder has caught up.
   */
  @Test
  void aClientThatSendsFasterThanItIsServedIsNotReadWithoutBound() throws Exception {
    RawWebSocket client = connect(0);
    WsConnection conn = serverSideOf(client);
    chat.busy = new CountDownLatch(1);
    byte[] frame = RawWebSocket.encodeFrame(true, RawWebSocket.TEXT,
        "f".repeat(60_000).getBytes(StandardCharsets.UTF_8));
    int frames = 400; // 24 MB: more than the kernel buffers on both sides hold
    Thread sender = new Thread(() -> {
      try {
        for (int i = 0; i < frames; i++) {
          client.sendRaw(frame);
        }
      } catch (Exception e) {
        // the test fails below on the frames that did not arrive
      }
    });
    sender.start();
    long limit = 256 * 1024; // WsServer's bound for 64 KiB frames
    WsTestServer.awaitCondition(() -> conn.readPaused, () -> "reading never paused");
    long atPause = conn.bytesRead();
    assertTrue(atPause <= limit + EventLoop.READ_BUFFER_BYTES + frame.length,
        "read " + atPause + " bytes ahead of the decoder");
    assertTrue(sender.isAlive(), "the client could push 24 MB although the server stopped reading");

    chat.busy.countDown(); // the core catches up: reading resumes, everything arrives in order
    for (int i = 0; i < frames; i++) {
      assertEquals(60_000, nextFrame().length());
    }
    sender.join(10_000);
    assertFalse(conn.readPaused);
  }

  @Test
  void aFrameSplitAcrossReadsIsDecodedOnceWhole() throws Exception {
    RawWebSocket client = connect(0);
    WsConnection conn = serverSideOf(client);
    String text = "x".repeat(5_000);
    byte[] frame = RawWebSocket.encodeFrame(true, RawWebSocket.TEXT,
        text.getBytes(StandardCharsets.UTF_8));
    int[] cuts = {1, 3, 700, 4_000, frame.length};
    int from = 0;
    for (int cut : cuts) {
      long before = conn.bytesRead();
      client.sendRaw(Arrays.copyOfRange(frame, from, cut));
      int expected = cut - from;
      WsTestServer.awaitCondition(
          () -> conn.bytesRead() == before + expected && conn.undecoded() == 0,
          () -> "the server read " + (conn.bytesRead() - before) + " of " + expected);
      from = cut;
      if (cut < frame.length) {
        assertNull(chat.frames.peek(), "a frame reached the core before its last byte");
      }
    }
    assertEquals(text, nextFrame());
  }

  @ParameterizedTest(name = "via session queue: {0}")
  @ValueSource(booleans = {true, false})
  void framesQueuedFromManyThreadsAllArriveInOrder(boolean viaSession) throws Exception {
    // A small receive window makes the socket fill, so both paths run: the write at the loop's
    // next turn, and OP_WRITE when the socket cannot take everything at once.
    RawWebSocket client = connect(4_096);
    WsConnection conn = serverSideOf(client);
    String pad = "p".repeat(200);
    sendFromThreadsAndCheckOrder(4, 5_000, List.of(client), viaSession, (thread, i) -> {
      String text = thread + ":" + i + ":" + pad;
      if (viaSession) {
        send(conn, text);
      } else {
        libraryFrame(conn, text);
      }
    });
  }

  /** What one sending thread does for its {@code i}th frame, whose text starts "thread:i:". */
  private interface SendOne {
    void send(int thread, int i) throws Exception;
  }

  /**
   * Starts {@code threads} threads at once, each calling {@code sendOne} for its frames 0 to
   * {@code perThread - 1}, and checks that every client gets each thread's frames in that
   * thread's order.
   */
  private static void sendFromThreadsAndCheckOrder(int threads, int perThread,
      List<RawWebSocket> clients, boolean viaSession, SendOne sendOne) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> senders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        senders.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            sendOne.send(thread, i);
          }
          return null;
        }));
      }
      go.countDown();
      for (RawWebSocket client : clients) {
        int[] next = new int[threads];
        for (int n = 0; n < threads * perThread; n++) {
          String[] parts = received(client, viaSession).split(":", 3);
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
  void aLongPassOfWritesReadsWhatArrivesOnItsWay() throws Exception {
    int writers = 3 * EventLoop.WRITES_BETWEEN_POLLS;
    List<WsConnection> conns = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      conns.add(serverSideOf(connect(0)));
    }
    RawWebSocket asker = connect(0);
    WsConnection askerConn = serverSideOf(asker);
    List<String> seen = new ArrayList<>(); // loop thread only, until the last task below
    EventLoop loop = server.loop();
    loop.execute(() -> {
      loop.trace(new EventLoop.Trace() {
        @Override public void wrote(WsConnection conn) {
          seen.add("wrote");
          if (seen.size() == 1) {
            // A request arrives just after the pass began.
            try {
              asker.sendFrame(true, 0x1, "hello".getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        }

        @Override public void read(WsConnection conn) {
          if (conn == askerConn) {
            seen.add("read");
          }
        }
      });
      for (WsConnection conn : conns) {
        send(conn, "fan-out"); // all queued in this task: one pass at this turn
      }
    });
    assertEquals("hello", nextFrame());
    CountDownLatch copied = new CountDownLatch(1);
    List<String> trace = new ArrayList<>();
    loop.execute(() -> {
      loop.trace(EventLoop.Trace.NONE);
      trace.addAll(seen);
      copied.countDown();
    });
    assertTrue(copied.await(10, TimeUnit.SECONDS));

    int readAt = trace.indexOf("read");
    assertTrue(readAt > 0, "the request was read: " + trace);
    assertEquals(writers, trace.size() - 1, "one write per connection");
    assertTrue(readAt <= EventLoop.WRITES_BETWEEN_POLLS,
        "read after " + readAt + " of " + writers + " writes, not at the first look");
  }

  @Test
  void aWriteThatFillsTheSocketResumesWhenItDrainsAndIsNotVisitedAfterwards() throws Exception {
    RawWebSocket slow = connect(4_096);
    WsConnection slowConn = serverSideOf(slow);
    RawWebSocket other = connect(0);
    WsConnection otherConn = serverSideOf(other);

    // Fill the slow client's socket while it does not read ...
    String big = "b".repeat(16_000);
    int frames = 400; // 6.4 MB: more than the kernel buffers take
    for (int i = 0; i < frames; i++) {
      send(slowConn, "" + i + big);
    }
    WsTestServer.awaitCondition(() -> slowConn.waitingWritable || slowConn.backlog() == 0,
        () -> "the slow socket never filled");
    assertTrue(slowConn.backlog() > 0, "the kernel took 6.4 MB without reading");
    // ... then read it all, in order: the loop resumed each time the socket drained.
    for (int i = 0; i < frames; i++) {
      assertEquals(i + big, received(slow, true), "frame " + i);
    }
    assertTrue(server.loop().writableCount() > 0, "the slow socket was never write-ready");
    WsTestServer.awaitCondition(() -> !slowConn.waitingWritable, () -> "still watching OP_WRITE");
    long before = server.loop().writableCount();

    // Many turns of the loop, driven by round trips on the other connection: a drained socket
    // is no longer watched for writability, so it is not visited.
    for (int i = 0; i < 300; i++) {
      send(otherConn, "ping " + i);
      assertEquals("ping " + i, received(other, true));
    }
    assertTrue(server.loop().writableCount() - before < 20,
        "write-ready visits: " + (server.loop().writableCount() - before));
  }

  /**
   * Frames are written from the loop's direct buffer; one larger than it goes out alone, by
   * another way, between the small ones queued before and after it, each whole.
   */
  @Test
  void aFrameLargerThanTheLoopsWriteBufferGoesOutWholeInItsPlace() throws Exception {
    RawWebSocket client = connect(0);
    WsConnection conn = serverSideOf(client);
    String huge = "h".repeat(WsConnection.MAX_GATHER_BYTES + 10_000);
    String justUnder = "u".repeat(WsConnection.MAX_GATHER_BYTES - 200);
    List<String> sent = List.of("before", huge, "after", justUnder, "last");
    for (String text : sent) {
      send(conn, text);
    }
    for (String text : sent) {
      assertEquals(text, received(client, true));
    }
  }

  @Test
  void aCloseWhileWritesAreQueuedFollowsEveryQueuedFrame() throws Exception {
    RawWebSocket client = connect(4_096);
    WsConnection conn = serverSideOf(client);
    int frames = 300;
    String pad = "q".repeat(8_000);
    for (int i = 0; i < frames; i++) {
      send(conn, i + pad);
    }
    conn.session.close(CloseCodes.GOING_AWAY, "bye");
    assertFalse(conn.session.send(new Outbound(new Event.Typing("#r", "late"))),
        "a closing session took a frame");
    List<String> got = new ArrayList<>();
    RawWebSocket.Closed closed = client.readUntilClose(10_000, f -> got.add(
        ((Event.Typing) new FrameCodec().decodeEvent(f.text())).user()));
    assertEquals(CloseCodes.GOING_AWAY, closed.code());
    assertEquals(frames, got.size());
    for (int i = 0; i < frames; i++) {
      assertTrue(got.get(i).startsWith(i + "q"), "frame " + i);
    }
    awaitNoSockets();
  }

  @Test
  void aClientThatVanishesMidHandshakeLeavesNothingBehind() throws Exception {
    for (int i = 0; i < 20; i++) {
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        OutputStream out = s.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        if (i % 2 == 0) {
          s.setSoLinger(true, 0); // half of them reset, half end with FIN
        }
      }
    }
    awaitNoSockets();
    assertTrue(chat.opened.isEmpty(), "a half handshake reached the core");
    // And the server still serves.
    RawWebSocket client = connect(0);
    client.sendText("still here");
    assertEquals("still here", nextFrame());
  }

  // ---- several loops ----

  @Test
  void withSeveralLoopsEachSocketIsReadAndWrittenOnlyByItsOwnLoop() throws Exception {
    int loops = 3;
    useLoops(loops);
    // Every read and write, and whether it ran on the thread of the connection's own loop.
    Map<String, Boolean> onOwnLoop = new ConcurrentHashMap<>();
    for (EventLoop loop : server.loops()) {
      CountDownLatch traced = new CountDownLatch(1);
      loop.execute(() -> {
        loop.trace(new EventLoop.Trace() {
          @Override public void wrote(WsConnection conn) {
            onOwnLoop.merge("wrote " + conn.remote.getPort(), conn.loop.inLoop(),
                Boolean::logicalAnd);
          }

          @Override public void read(WsConnection conn) {
            onOwnLoop.merge("read " + conn.remote.getPort(), conn.loop.inLoop(),
                Boolean::logicalAnd);
          }
        });
        traced.countDown();
      });
      assertTrue(traced.await(10, TimeUnit.SECONDS));
    }
    List<RawWebSocket> clients = new ArrayList<>();
    Map<EventLoop, Integer> perLoop = new HashMap<>();
    for (int i = 0; i < 2 * loops; i++) {
      RawWebSocket client = connect(0);
      clients.add(client);
      WsConnection conn = serverSideOf(client);
      perLoop.merge(conn.loop, 1, Integer::sum);
      client.sendText("hello " + i);
      assertEquals("hello " + i, nextFrame());
      send(conn, "back " + i);
      assertEquals("back " + i, received(client, true));
    }
    assertEquals(loops, perLoop.size(), "loops used: " + perLoop);
    perLoop.values().forEach(count -> assertEquals(2, count, "sockets per loop: " + perLoop));
    for (RawWebSocket client : clients) {
      int port = client.localPort();
      assertEquals(Boolean.TRUE, onOwnLoop.get("read " + port), "reads of " + port);
      assertEquals(Boolean.TRUE, onOwnLoop.get("wrote " + port), "writes to " + port);
    }
  }

  @Test
  void aFanOutOverSeveralLoopsKeepsEachConnectionsOrder() throws Exception {
    useLoops(3);
    List<RawWebSocket> clients = new ArrayList<>();
    List<WsConnection> conns = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RawWebSocket client = connect(0);
      clients.add(client);
      conns.add(serverSideOf(client));
    }
    sendFromThreadsAndCheckOrder(2, 2_000, clients, true, (thread, i) -> {
      // One event, one frame, shared by every receiver, as core's fan-out does.
      Outbound out = new Outbound(new Event.Typing("#r", thread + ":" + i + ":"));
      for (WsConnection conn : conns) {
        assertTrue(conn.session.send(out));
      }
    });
  }

  @Test
  void shutdownClosesTheConnectionsOfEveryLoopAndEndsEveryLoop() throws Exception {
    useLoops(3);
    List<RawWebSocket> clients = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RawWebSocket client = connect(0);
      clients.add(client);
      serverSideOf(client);
    }
    server.closeAll("going away", 5_000);
    for (RawWebSocket client : clients) {
      assertEquals(CloseCodes.GOING_AWAY, client.readUntilClose(10_000, f -> { }).code());
    }
    assertFalse(server.isAccepting());
    assertTrue(server.connections().isEmpty(), server.connections().size() + " still open");
    server.stop("test over", 5_000);
    for (EventLoop loop : server.loops()) {
      assertFalse(loop.isRunning(), "a loop still runs");
    }
  }
}
