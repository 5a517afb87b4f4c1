package chat.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One protocol session (PROTOCOL.md v1) on a {@link WsConn}. Control replies are parsed with Gson
 * and complete the future of their request; the hot frames ({@code message} events and replies to
 * sends, whose ids start with {@code s}) are recognised by their prefix and handed to the {@link
 * Sink} without parsing, so that the load generator reads cheaply.
 */
final class BenchClient implements WsConn.Listener {

  /** Hot-path callbacks, on an I/O thread. */
  interface Sink {
    /** A {@code message} event; the frame's bytes are valid during the call only. */
    default void onMessage(BenchClient c, byte[] a, int off, int len) {}

    /** The ok for a send whose id was {@code s<digits>}; {@code idNumber} is those digits. */
    default void onSendOk(BenchClient c, long idNumber, byte[] a, int off, int len) {}

    /** An error for a send whose id started with {@code s}. */
    default void onSendError(BenchClient c, long idNumber, String code) {}

    /** Any other event (member, presence, read, typing). */
    default void onOtherEvent(BenchClient c, JsonObject event) {}

    default void onClose(BenchClient c, int code, String reason) {}
  }

  private static final byte[] MESSAGE = "{\"type\":\"message\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OK_SEND = "{\"type\":\"ok\",\"re\":\"s".getBytes(StandardCharsets.US_ASCII);
  // Read receipts: a room's come to each member, many per message when its members read (the
  // mixed scenario's --read-every-ms); no scenario looks into them, so they are not parsed.
  private static final byte[] READ = "{\"type\":\"read\"".getBytes(StandardCharsets.US_ASCII);
  static final byte[] CID = "\"cid\":\"".getBytes(StandardCharsets.US_ASCII);

  final String user;
  final int index;
  String token;
  volatile Sink sink = new Sink() {};
  WsConn conn;
  final CompletableFuture<JsonObject> hello = new CompletableFuture<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  volatile long lastSeq; // reconnect scenario: highest seq seen in its room

  BenchClient(String user, int index) {
    this.user = user;
    this.index = index;
  }

  /** Connects; completes with the hello frame. */
  CompletableFuture<JsonObject> connect(Net net, URI uri) {
    CompletableFuture<JsonObject> h = new CompletableFuture<>();
    BenchClient self = this;
    net.connect(uri, this).whenComplete((c, e) -> {
      if (e != null) {
        h.completeExceptionally(e);
      }
    });
    hello.whenComplete((v, e) -> {
      if (e != null) {
        h.completeExceptionally(e);
      } else {
        h.complete(v);
      }
    });
    return h.thenApply(v -> {
      if (self.conn == null) {
        throw new IllegalStateException("no connection");
      }
      return v;
    });
  }

  /** A fresh client object for the same user and token (for reconnecting). */
  BenchClient fresh() {
    BenchClient c = new BenchClient(user, index);
    c.token = token;
    c.sink = sink;
    c.lastSeq = lastSeq;
    return c;
  }

  /** Sends a request with a fresh id; completes with the ok or error reply. */
  CompletableFuture<JsonObject> request(JsonObject req) {
    String id = "r" + ids.incrementAndGet();
    req.addProperty("id", id);
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    pending.put(id, f);
    conn.sendText(req.toString());
    return f;
  }

  /** Sends a frame that has no id and gets no reply (read, typing). */
  void sendFrame(String frame) {
    conn.sendText(frame);
  }

  /** Like {@link #request}, failing unless the reply is {@code ok}. */
  CompletableFuture<JsonObject> call(JsonObject req) {
    String type = req.get("type").getAsString();
    return request(req).thenApply(r -> {
      if (!"ok".equals(r.get("type").getAsString())) {
        throw new IllegalStateException(type + " failed for " + user + ": " + r);
      }
      return r;
    });
  }

  static JsonObject obj(String... kv) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < kv.length; i += 2) {
      o.addProperty(kv[i], kv[i + 1]);
    }
    return o;
  }

  /** A send on the hot path: id {@code s<idNumber>}, no future; the reply goes to the sink. */
  void send(String to, long idNumber, String cid, String text) {
    StringBuilder sb = new StringBuilder(96 + text.length());
    sb.append("{\"type\":\"send\",\"id\":\"s").append(idNumber).append("\",\"to\":\"").append(to)
        .append("\",\"text\":\"").append(text).append("\",\"cid\":\"").append(cid).append("\"}");
    conn.sendText(sb.toString());
  }

  boolean isOpen() {
    return conn != null && conn.isOpen();
  }

  // ---- WsConn.Listener (I/O thread)

  @Override
  public void onOpen(WsConn c) {
    this.conn = c;
  }

  @Override
  public void onText(WsConn c, byte[] a, int off, int len) {
    try {
      if (startsWith(a, off, len, MESSAGE)) {
        sink.onMessage(this, a, off, len);
        return;
      }
      if (startsWith(a, off, len, OK_SEND)) {
        long n = 0;
        int i = off + OK_SEND.length;
        for (; i < off + len && a[i] >= '0' && a[i] <= '9'; i++) {
          n = n * 10 + (a[i] - '0');
        }
        sink.onSendOk(this, n, a, off, len);
        return;
      }
      if (startsWith(a, off, len, READ)) {
        return;
      }
      JsonObject o = JsonParser.parseString(new String(a, off, len, StandardCharsets.UTF_8))
          .getAsJsonObject();
      String type = o.get("type").getAsString();
      JsonElement re = o.get("re");
      if ("hello".equals(type)) {
        hello.complete(o);
      } else if (re != null && !re.isJsonNull() && (type.equals("ok") || type.equals("error"))) {
        String id = re.getAsString();
        if (id.startsWith("s")) {
          long n = 0;
          try {
            n = Long.parseLong(id.substring(1));
          } catch (NumberFormatException ignored) {
            // not ours
          }
          sink.onSendError(this, n, o.has("code") ? o.get("code").getAsString() : type);
        } else {
          CompletableFuture<JsonObject> f = pending.remove(id);
          if (f != null) {
            f.complete(o);
          }
        }
      } else {
        sink.onOtherEvent(this, o);
      }
    } catch (RuntimeException e) {
      System.err.println("client " + user + ": bad frame handling: " + e);
    }
  }

  @Override
  public void onClose(WsConn c, int code, String reason) {
    IOException e = new IOException("closed " + code + " " + reason);
    hello.completeExceptionally(e);
    pending.values().forEach(f -> f.completeExceptionally(e));
    pending.clear();
    closed.complete(code);
    sink.onClose(this, code, reason);
  }

  static boolean startsWith(byte[] a, int off, int len, byte[] prefix) {
    if (len < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (a[off + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Offset of the value of the last {@code "cid":"} in a frame, or -1. */
  static int cidValue(byte[] a, int off, int len) {
    for (int i = off + len - CID.length; i >= off; i--) {
      if (a[i] == '"' && a[i + 1] == 'c' && a[i + 2] == 'i' && a[i + 3] == 'd'
          && a[i + 4] == '"' && a[i + 5] == ':' && a[i + 6] == '"') {
        return i + CID.length;
      }
    }
    return -1;
  }

  /** Parses the decimal digits at {@code at} (up to the first non-digit). */
  static long digits(byte[] a, int at, int end) {
    long n = 0;
    for (int i = at; i < end && a[i] >= '0' && a[i] <= '9'; i++) {
      n = n * 10 + (a[i] - '0');
    }
    return n;
  }

  /** The value of {@code "seq":} in a message frame (the first one), or -1. */
  static long seq(byte[] a, int off, int len) {
    int end = off + len;
    for (int i = off; i < end - 6; i++) {
      if (a[i] == '"' && a[i + 1] == 's' && a[i + 2] == 'e' && a[i + 3] == 'q' && a[i + 4] == '"'
          && a[i + 5] == ':') {
        return digits(a, i + 6, end);
      }
    }
    return -1;
  }
}
