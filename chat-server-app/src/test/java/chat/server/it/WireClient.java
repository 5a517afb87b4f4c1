package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A protocol client for black-box tests: JSON text frames over a real WebSocket. Every frame
 * received is kept in arrival order; replies are matched by {@code re}, and frames skipped while
 * waiting for something else stay queued in their order. Every wait is bounded.
 */
final class WireClient implements AutoCloseable {
  static final long TIMEOUT_SECONDS = 10;
  /** The password {@link #register} gives every account. */
  static final String PASSWORD = "correct horse";
  private static final AtomicInteger ids = new AtomicInteger();

  private final Object lock = new Object();
  private final List<JsonObject> frames = new ArrayList<>(); // guarded by lock; arrival order
  private final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
  private boolean closed; // guarded by lock
  private final WebSocketClient socket;
  volatile String closeReason;
  JsonObject hello;
  String user;
  String token;

  private WireClient(URI uri, Map<String, String> headers) {
    socket = new WebSocketClient(uri, headers) {
      @Override public void onOpen(ServerHandshake handshake) {}

      @Override public void onMessage(String message) {
        JsonObject frame = JsonParser.parseString(message).getAsJsonObject();
        synchronized (lock) {
          frames.add(frame);
          lock.notifyAll();
        }
      }

      @Override public void onClose(int code, String reason, boolean remote) {
        closeReason = reason;
        closes.add(code);
        synchronized (lock) {
          closed = true;
          lock.notifyAll();
        }
      }

      @Override public void onError(Exception ex) {}
    };
  }

  /** Connects and consumes the hello frame, which it returns. */
  static WireClient connect(URI uri) throws InterruptedException {
    return connect(uri, Map.of());
  }

  static WireClient connect(URI uri, Map<String, String> headers) throws InterruptedException {
    WireClient client = new WireClient(uri, headers);
    assertTrue(client.socket.connectBlocking(TIMEOUT_SECONDS, TimeUnit.SECONDS), "connected");
    client.hello = client.next();
    assertEquals("hello", client.hello.get("type").getAsString());
    return client;
  }

  /** Tries to connect; false if the handshake is refused. */
  static boolean handshakeSucceeds(URI uri, Map<String, String> headers)
      throws InterruptedException {
    WireClient client = new WireClient(uri, headers);
    try {
      return client.socket.connectBlocking(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      client.socket.closeBlocking();
    }
  }

  static String nextId() {
    return "i" + ids.incrementAndGet();
  }

  void sendRaw(String text) {
    socket.send(text);
  }

  void sendBytes(byte[] bytes) {
    socket.send(bytes);
  }

  /** Sends {@code request} with a fresh id and returns its reply; other frames stay queued. */
  JsonObject request(JsonObject request) throws InterruptedException {
    String id = nextId();
    request.addProperty("id", id);
    socket.send(request.toString());
    return awaitReply(id);
  }

  JsonObject awaitReply(String id) throws InterruptedException {
    return await(f -> isReplyTo(f, id), "reply to " + id);
  }

  private static boolean isReplyTo(JsonObject f, String id) {
    return f.has("re") && !f.get("re").isJsonNull() && f.get("re").getAsString().equals(id);
  }

  /**
   * Removes and returns the first frame (queued or still to come, bounded wait) that matches
   * {@code wanted}; the frames before it stay queued, in order.
   */
  JsonObject await(Predicate<JsonObject> wanted, String what) throws InterruptedException {
    return await(wanted, what, false, TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS));
  }

  /** Like {@link #await(Predicate, String)}, waiting up to {@code timeout}. */
  JsonObject awaitWithin(java.time.Duration timeout, Predicate<JsonObject> wanted, String what)
      throws InterruptedException {
    return await(wanted, what, false, timeout.toNanos());
  }

  /**
   * Like {@link #await(Predicate, String)}, but null, instead of a failure, once the connection
   * is closed and no queued frame matches.
   */
  JsonObject awaitUnlessClosed(Predicate<JsonObject> wanted, String what)
      throws InterruptedException {
    return await(wanted, what, true, TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS));
  }

  private JsonObject await(Predicate<JsonObject> wanted, String what, boolean nullIfClosed,
      long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (lock) {
      int scanned = 0;
      for (;;) {
        for (; scanned < frames.size(); scanned++) {
          if (wanted.test(frames.get(scanned))) {
            return frames.remove(scanned);
          }
        }
        if (nullIfClosed && closed) {
          return null;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail("no " + what + " within " + timeoutNanos / 1_000_000_000 + " s; " + frames.size()
              + " other frames queued, first " + frames.subList(0, Math.min(5, frames.size())));
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
    }
  }

  /** The first frame of {@code type} (bounded wait); the frames before it stay queued. */
  JsonObject await(String type) throws InterruptedException {
    return await(f -> f.get("type").getAsString().equals(type), "'" + type + "' frame");
  }

  /**
   * A barrier: pings and returns, in order, every frame that arrived before the pong (the ones
   * still queued included), leaving only what came after the pong queued. Whatever the server
   * sent this connection before it answered the ping is in the list, so the list also shows what
   * the server did not send.
   */
  List<JsonObject> sync() throws InterruptedException {
    String id = nextId();
    socket.send(Frames.of("type", "ping", "id", id).toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    synchronized (lock) {
      int scanned = 0;
      for (;;) {
        for (; scanned < frames.size(); scanned++) {
          if (isReplyTo(frames.get(scanned), id)) {
            JsonObject pong = frames.get(scanned);
            assertEquals("ok", pong.get("type").getAsString(), pong.toString());
            List<JsonObject> before = new ArrayList<>(frames.subList(0, scanned));
            frames.subList(0, scanned + 1).clear();
            return before;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail("no pong to " + id + " within " + TIMEOUT_SECONDS + " s");
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
    }
  }

  /** {@link #sync()}, keeping only the frames of {@code type}. */
  List<JsonObject> syncTypes(String type) throws InterruptedException {
    List<JsonObject> of = new ArrayList<>();
    for (JsonObject f : sync()) {
      if (f.get("type").getAsString().equals(type)) {
        of.add(f);
      }
    }
    return of;
  }

  /** A request that must succeed; returns the ok frame. */
  JsonObject ok(JsonObject request) throws InterruptedException {
    JsonObject reply = request(request);
    assertEquals("ok", reply.get("type").getAsString(), reply.toString());
    return reply;
  }

  /** A request that must fail with {@code code}; returns the error frame. */
  JsonObject error(JsonObject request, String code) throws InterruptedException {
    JsonObject reply = request(request);
    assertEquals("error", reply.get("type").getAsString(), reply.toString());
    assertEquals(code, reply.get("code").getAsString(), reply.toString());
    return reply;
  }

  /** Sends a request as it is: without an id it gets a reply only if it fails. */
  void fire(JsonObject request) {
    socket.send(request.toString());
  }

  /** The next frame of any type. */
  JsonObject next() throws InterruptedException {
    return await(f -> true, "frame");
  }

  /** Skips (drops) frames until one of {@code type}. */
  JsonObject next(String type) throws InterruptedException {
    for (;;) {
      JsonObject f = next();
      if (f.get("type").getAsString().equals(type)) {
        return f;
      }
    }
  }

  /** The close code the server closed with (bounded wait). */
  int awaitClose() throws InterruptedException {
    Integer code = closes.poll(TIMEOUT_SECONDS * 2, TimeUnit.SECONDS);
    assertNotNull(code, "connection not closed");
    return code;
  }

  boolean isOpen() {
    return socket.isOpen();
  }

  WireClient register(String name) throws InterruptedException {
    JsonObject reply = ok(Frames.of("type", "register", "user", name, "password", PASSWORD));
    user = reply.get("user").getAsString();
    token = reply.get("token").getAsString();
    return this;
  }

  WireClient loginWithToken(String t) throws InterruptedException {
    JsonObject reply = ok(Frames.of("type", "login", "token", t));
    user = reply.get("user").getAsString();
    token = t;
    return this;
  }

  /** Logs in with a password; returns the ok frame. */
  JsonObject login(String name, String password) throws InterruptedException {
    JsonObject reply = ok(Frames.of("type", "login", "user", name, "password", password));
    user = reply.get("user").getAsString();
    token = reply.get("token").getAsString();
    return reply;
  }

  /** Sends a message and returns the ok (with seq). */
  JsonObject send(String to, String text, String cid) throws InterruptedException {
    return ok(Frames.of("type", "send", "to", to, "text", text, "cid", cid));
  }

  @Override
  public void close() throws InterruptedException {
    socket.closeBlocking();
  }
}
