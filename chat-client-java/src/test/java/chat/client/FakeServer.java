package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A scripted server for client tests: the test reads what the client sent ({@link Conn#expect})
 * and writes the answers itself. Loopback, port 0. Frames are recorded with their arrival time.
 */
final class FakeServer extends WebSocketServer implements AutoCloseable {
  static final long TIMEOUT_S = 10;

  private final BlockingQueue<Conn> accepted = new LinkedBlockingQueue<>();
  private final Map<WebSocket, Conn> conns = new ConcurrentHashMap<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fake-server-sweeper");
    t.setDaemon(true);
    return t;
  });

  /** A frame the client sent, and when it arrived ({@link System#nanoTime()}). */
  record Frame(JsonObject json, long nanos) {
    String type() {
      return json.get("type").getAsString();
    }

    String id() {
      return json.get("id").getAsString();
    }

    String str(String field) {
      return json.get(field).getAsString();
    }
  }

  /** One client connection. */
  static final class Conn {
    final WebSocket ws;
    final long openedNanos = System.nanoTime();
    final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final CountDownLatch closed = new CountDownLatch(1);

    Conn(WebSocket ws) {
      this.ws = ws;
    }

    Frame next() throws InterruptedException {
      Frame f = frames.poll(TIMEOUT_S, TimeUnit.SECONDS);
      assertNotNull(f, "no frame from the client within " + TIMEOUT_S + " s");
      return f;
    }

    /** The next frame, which must be of {@code type}. */
    Frame expect(String type) throws InterruptedException {
      Frame f = next();
      assertEquals(type, f.type(), f.json.toString());
      return f;
    }

    void send(String json) {
      ws.send(json);
    }

    void hello(String epoch) {
      hello(epoch, 65_536, 200, 1_000, 1_000);
    }

    void hello(String epoch, int maxFrameBytes, int historyMax, int sendPerSecond,
        int sendBurst) {
      hello(epoch, maxFrameBytes, historyMax, sendPerSecond, sendBurst, "");
    }

    /** A hello that advertises the server's flood limit (frames a second, and the burst). */
    void helloWithFloodLimit(String epoch, int requestsPerSecond, int requestBurst) {
      hello(epoch, 65_536, 200, 1_000, 1_000, ",\"requestsPerSecond\":" + requestsPerSecond
          + ",\"requestBurst\":" + requestBurst);
    }

    private void hello(String epoch, int maxFrameBytes, int historyMax, int sendPerSecond,
        int sendBurst, String moreLimits) {
      send("{\"type\":\"hello\",\"protocol\":1,\"server\":\"fake/1\",\"epoch\":\"" + epoch
          + "\",\"limits\":{\"maxFrameBytes\":" + maxFrameBytes + ",\"maxTextChars\":4000,"
          + "\"historyMax\":" + historyMax + ",\"sendPerSecond\":" + sendPerSecond
          + ",\"sendBurst\":" + sendBurst + ",\"authTimeoutMs\":10000" + moreLimits + "}}");
    }

    void ok(Frame request, String fields) {
      send("{\"type\":\"ok\",\"re\":\"" + request.id() + "\"" + (fields.isEmpty() ? "" : ",")
          + fields + "}");
    }

    void error(Frame request, String code, String extra) {
      send("{\"type\":\"error\",\"re\":\"" + request.id() + "\",\"code\":\"" + code
          + "\",\"message\":\"scripted\"" + extra + "}");
    }

    /** Answers a login or register. */
    void authOk(Frame request, String user, String token) {
      ok(request, "\"user\":\"" + user + "\",\"token\":\"" + token + "\",\"expiresAt\":1");
    }

    /** Answers {@code conversations} with pairs of conv and lastSeq. */
    void conversations(Frame request, Object... convAndLastSeq) {
      StringBuilder list = new StringBuilder();
      for (int i = 0; i < convAndLastSeq.length; i += 2) {
        list.append(i == 0 ? "" : ",").append("{\"conv\":\"").append(convAndLastSeq[i])
            .append("\",\"lastSeq\":").append(convAndLastSeq[i + 1]).append(",\"readSeq\":0}");
      }
      ok(request, "\"conversations\":[" + list + "]");
    }

    /** Answers {@code conversations} with triples of conv, lastSeq and lastRev. */
    void conversationsWithRevs(Frame request, Object... convLastSeqAndLastRev) {
      StringBuilder list = new StringBuilder();
      for (int i = 0; i < convLastSeqAndLastRev.length; i += 3) {
        list.append(i == 0 ? "" : ",").append("{\"conv\":\"").append(convLastSeqAndLastRev[i])
            .append("\",\"lastSeq\":").append(convLastSeqAndLastRev[i + 1])
            .append(",\"readSeq\":0,\"lastRev\":").append(convLastSeqAndLastRev[i + 2])
            .append("}");
      }
      ok(request, "\"conversations\":[" + list + "]");
    }

    /** Logs the client in and answers its conversation list with triples (see above). */
    void acceptLoginWithRevs(String epoch, Object... convLastSeqAndLastRev)
        throws InterruptedException {
      hello(epoch);
      authOk(expect("login"), "alice", "tok");
      conversationsWithRevs(expect("conversations"), convLastSeqAndLastRev);
    }

    /** Answers {@code updates} with the changes {@code revs} of {@code conv} (reactions to seq 1). */
    void updates(Frame request, String conv, boolean more, long... revs) {
      StringBuilder list = new StringBuilder();
      for (long rev : revs) {
        list.append(list.length() == 0 ? "" : ",").append(updateFields(conv, rev));
      }
      ok(request, "\"conv\":\"" + conv + "\",\"updates\":[" + list + "],\"more\":" + more);
    }

    /** A live {@code update} event: rev {@code rev} of {@code conv}, a reaction to seq 1. */
    void liveUpdate(String conv, long rev) {
      send("{\"type\":\"update\"," + updateFields(conv, rev).substring(1));
    }

    static String updateFields(String conv, long rev) {
      return "{\"conv\":\"" + conv + "\",\"seq\":1,\"rev\":" + rev
          + ",\"by\":\"bob\",\"action\":\"react\",\"message\":{\"conv\":\"" + conv
          + "\",\"seq\":1,\"from\":\"alice\",\"text\":\"m1\",\"ts\":1001,\"cid\":\"c1\","
          + "\"reactions\":{\"r" + rev + "\":[\"bob\"]}}}";
    }

    /** Answers {@code history} with messages {@code from..to} (inclusive) of {@code conv}. */
    void history(Frame request, String conv, long from, long to, boolean more) {
      StringBuilder list = new StringBuilder();
      for (long seq = from; seq <= to; seq++) {
        list.append(seq == from ? "" : ",").append(message(conv, seq));
      }
      ok(request, "\"conv\":\"" + conv + "\",\"messages\":[" + list + "],\"more\":" + more);
    }

    void live(String conv, long seq) {
      send(message(conv, seq));
    }

    static String message(String conv, long seq) {
      return "{\"type\":\"message\",\"conv\":\"" + conv + "\",\"seq\":" + seq
          + ",\"from\":\"bob\",\"text\":\"m" + seq + "\",\"ts\":" + (1_000 + seq)
          + ",\"cid\":\"c" + seq + "\"}";
    }

    /** Logs the client in with {@code user} and answers its conversation list. */
    void acceptLogin(String epoch, Object... convAndLastSeq) throws InterruptedException {
      hello(epoch);
      authOk(expect("login"), "alice", "tok");
      conversations(expect("conversations"), convAndLastSeq);
    }
  }

  FakeServer() throws InterruptedException {
    super(new InetSocketAddress("127.0.0.1", 0));
    setReuseAddr(true);
    setDaemon(true);
    start();
    if (!started.await(TIMEOUT_S, TimeUnit.SECONDS)) {
      throw new IllegalStateException("fake server did not start");
    }
    sweeper.scheduleAtFixedRate(this::flushStalled, 20, 20, TimeUnit.MILLISECONDS);
  }

  /**
   * Java-WebSocket 1.6.0's selector thread can drop the write interest of a frame queued by
   * another thread while it finishes a write on the same connection (the server transport works
   * around the same race); a frame the test sends just after the handshake then waits forever.
   */
  private void flushStalled() {
    for (WebSocket conn : getConnections()) {
      WebSocketImpl ws = (WebSocketImpl) conn;
      SelectionKey key = ws.getSelectionKey();
      try {
        if (ws.hasBufferedData() && key != null && key.isValid()
            && (key.interestOps() & SelectionKey.OP_WRITE) == 0) {
          onWriteDemand(ws);
        }
      } catch (CancelledKeyException e) {
        // closed meanwhile
      }
    }
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + getPort() + "/ws");
  }

  /** The next connection the client opened. */
  Conn accept() throws InterruptedException {
    Conn c = accepted.poll(TIMEOUT_S, TimeUnit.SECONDS);
    assertNotNull(c, "the client did not connect within " + TIMEOUT_S + " s");
    return c;
  }

  /** A connection the client opened and no test took yet, or null; does not wait. */
  Conn pollAccepted() {
    return accepted.poll();
  }

  @Override public void onStart() {
    started.countDown();
  }

  @Override public void onOpen(WebSocket ws, ClientHandshake handshake) {
    Conn c = new Conn(ws);
    conns.put(ws, c);
    accepted.add(c);
  }

  @Override public void onMessage(WebSocket ws, String message) {
    conns.get(ws).frames.add(
        new Frame(JsonParser.parseString(message).getAsJsonObject(), System.nanoTime()));
  }

  @Override public void onClose(WebSocket ws, int code, String reason, boolean remote) {
    Conn c = conns.remove(ws);
    if (c != null) {
      c.closed.countDown();
    }
  }

  @Override public void onError(WebSocket ws, Exception ex) {}

  @Override public void close() {
    sweeper.shutdownNow();
    try {
      stop(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
