package chat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client WebSocket connection over a non-blocking {@link SocketChannel}, driven by an {@link
 * IoLoop} thread shared with thousands of others. Reads go through the loop's one large buffer;
 * a connection keeps bytes of its own only for a frame split across reads, so an idle connection
 * costs a few hundred bytes here. Frames are delivered to the {@link Listener} on the loop thread.
 *
 * <p>{@link #sendText} may be called from any thread: it writes straight to the socket when
 * nothing is queued (no selector wake-up), and queues the rest for the loop.
 */
final class WsConn {

  /** Callbacks, on the loop thread. The payload bytes are only valid during the call. */
  interface Listener {
    void onOpen(WsConn conn);

    void onText(WsConn conn, byte[] buf, int off, int len);

    void onClose(WsConn conn, int code, String reason);
  }

  private static final int OP_CONT = 0;
  private static final int OP_TEXT = 1;
  private static final int OP_CLOSE = 8;
  private static final int OP_PING = 9;
  private static final int OP_PONG = 10;

  final IoLoop loop;
  private final SocketChannel channel;
  private final URI uri;
  private final Listener listener;
  final CompletableFuture<WsConn> opened = new CompletableFuture<>();
  private SelectionKey key;
  private boolean upgraded;
  private volatile boolean closed;
  private boolean closeSent;
  private byte[] partial; // unparsed bytes of the previous read (handshake or split frame)
  private int partialLen;
  private byte[] fragments; // a fragmented text message being assembled (rare)
  private int fragmentsLen;
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(0);
  private String expectedAccept;
  volatile Object attachment;

  WsConn(IoLoop loop, SocketChannel channel, URI uri, Listener listener) {
    this.loop = loop;
    this.channel = channel;
    this.uri = uri;
    this.listener = listener;
  }

  boolean isOpen() {
    return upgraded && !closed;
  }

  void registered(SelectionKey key) {
    this.key = key;
  }

  // ---- loop-thread events

  void onConnectable() throws IOException {
    if (!channel.finishConnect()) {
      return;
    }
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String wsKey = Base64.getEncoder().encodeToString(nonce);
    expectedAccept = HandshakeAccept.of(wsKey);
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String request = "GET " + path + " HTTP/1.1\r\n"
        + "Host: " + uri.getHost() + ":" + port + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + wsKey + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    key.interestOps(SelectionKey.OP_READ);
    writeRaw(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
  }

  void onReadable(ByteBuffer readBuf) throws IOException {
    ByteBuffer target = readBuf;
    target.clear();
    if (partialLen > 0) {
      if (partialLen + 16_384 > target.capacity()) {
        // A frame larger than the shared buffer: grow a buffer of its own.
        if (partial.length < partialLen + 65_536) {
          partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLen + 65_536));
        }
        target = ByteBuffer.wrap(partial);
        target.position(partialLen);
      } else {
        System.arraycopy(partial, 0, target.array(), 0, partialLen);
        target.position(partialLen);
      }
    }
    int n = channel.read(target);
    if (n < 0) {
      terminate(1006, "connection lost");
      return;
    }
    byte[] a = target.array();
    int end = target.position();
    int p = 0;
    if (!upgraded) {
      p = parseHandshake(a, end);
      if (p < 0) {
        keepPartial(a, 0, end);
        return;
      }
      if (closed) {
        return;
      }
    }
    p = parseFrames(a, p, end);
    keepPartial(a, p, end);
  }

  void onWritable() throws IOException {
    synchronized (out) {
      while (!out.isEmpty()) {
        ByteBuffer b = out.peekFirst();
        channel.write(b);
        if (b.hasRemaining()) {
          return;
        }
        out.pollFirst();
      }
      if (key.isValid()) {
        key.interestOps(SelectionKey.OP_READ);
      }
    }
  }

  private void keepPartial(byte[] a, int from, int end) {
    int left = end - from;
    if (left == 0) {
      partialLen = 0;
      if (partial != null && partial.length > 65_536) {
        partial = null;
      }
      return;
    }
    if (a == partial) {
      System.arraycopy(a, from, a, 0, left);
    } else {
      if (partial == null || partial.length < left) {
        partial = new byte[Math.max(left, 1024)];
      }
      System.arraycopy(a, from, partial, 0, left);
    }
    partialLen = left;
  }

  /** Returns the offset after the HTTP response head, or -1 if it is not complete yet. */
  private int parseHandshake(byte[] a, int end) {
    for (int i = 3; i < end; i++) {
      if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
        String head = new String(a, 0, i + 1, StandardCharsets.ISO_8859_1);
        if (!head.startsWith("HTTP/1.1 101")) {
          String status = head.lines().findFirst().orElse("");
          terminate(1002, "handshake refused: " + status);
          return i + 1;
        }
        if (!head.contains(expectedAccept)) {
          terminate(1002, "bad Sec-WebSocket-Accept");
          return i + 1;
        }
        upgraded = true;
        opened.complete(this);
        listener.onOpen(this);
        return i + 1;
      }
    }
    if (end > 16_384) {
      terminate(1002, "handshake response too long");
    }
    return -1;
  }

  private int parseFrames(byte[] a, int p, int end) throws IOException {
    while (end - p >= 2 && !closed) {
      int b0 = a[p] & 0xff;
      int b1 = a[p + 1] & 0xff;
      boolean fin = (b0 & 0x80) != 0;
      int op = b0 & 0x0f;
      boolean masked = (b1 & 0x80) != 0;
      long len = b1 & 0x7f;
      int h = 2;
      if (len == 126) {
        if (end - p < 4) {
          break;
        }
        len = ((a[p + 2] & 0xff) << 8) | (a[p + 3] & 0xff);
        h = 4;
      } else if (len == 127) {
        if (end - p < 10) {
          break;
        }
        len = 0;
        for (int i = 0; i < 8; i++) {
          len = (len << 8) | (a[p + 2 + i] & 0xff);
        }
        h = 10;
      }
      if (len > (64 << 20)) {
        terminate(1009, "frame too large");
        return end;
      }
      int maskAt = p + h;
      if (masked) {
        h += 4;
      }
      if (end - p < h + len) {
        break;
      }
      int off = p + h;
      int n = (int) len;
      if (masked) {
        for (int i = 0; i < n; i++) {
          a[off + i] ^= a[maskAt + (i & 3)];
        }
      }
      frame(op, fin, a, off, n);
      p = off + n;
    }
    return p;
  }

  private void frame(int op, boolean fin, byte[] a, int off, int len) throws IOException {
    switch (op) {
      case OP_TEXT -> {
        if (fin) {
          listener.onText(this, a, off, len);
        } else {
          fragments = Arrays.copyOfRange(a, off, off + len);
          fragmentsLen = len;
        }
      }
      case OP_CONT -> {
        if (fragments == null) {
          terminate(1002, "unexpected continuation");
          return;
        }
        if (fragmentsLen + len > fragments.length) {
          fragments = Arrays.copyOf(fragments, Math.max(fragments.length * 2, fragmentsLen + len));
        }
        System.arraycopy(a, off, fragments, fragmentsLen, len);
        fragmentsLen += len;
        if (fin) {
          byte[] whole = fragments;
          int wholeLen = fragmentsLen;
          fragments = null;
          fragmentsLen = 0;
          listener.onText(this, whole, 0, wholeLen);
        }
      }
      case OP_PING -> send(OP_PONG, Arrays.copyOfRange(a, off, off + len));
      case OP_PONG -> { }
      case OP_CLOSE -> {
        int code = len >= 2 ? ((a[off] & 0xff) << 8) | (a[off + 1] & 0xff) : 1005;
        String reason = len > 2 ? new String(a, off + 2, len - 2, StandardCharsets.UTF_8) : "";
        if (!closeSent) {
          closeSent = true;
          send(OP_CLOSE, len >= 2 ? new byte[] {a[off], a[off + 1]} : new byte[0]);
        }
        terminate(code, reason);
      }
      default -> terminate(1002, "unknown opcode " + op);
    }
  }

  // ---- any thread

  void sendText(String text) {
    send(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a close frame; the server answers and closes the socket. */
  void close(int code) {
    if (closed) {
      return;
    }
    closeSent = true;
    send(OP_CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
  }

  /** Drops the TCP connection without a close handshake (as a network failure would). */
  void abort() {
    loop.execute(() -> terminate(1006, "aborted"));
  }

  private void send(int op, byte[] payload) {
    int len = payload.length;
    int h = len <= 125 ? 2 : len <= 65_535 ? 4 : 10;
    byte[] f = new byte[h + 4 + len];
    f[0] = (byte) (0x80 | op);
    if (len <= 125) {
      f[1] = (byte) (0x80 | len);
    } else if (len <= 65_535) {
      f[1] = (byte) (0x80 | 126);
      f[2] = (byte) (len >> 8);
      f[3] = (byte) len;
    } else {
      f[1] = (byte) (0x80 | 127);
      for (int i = 0; i < 8; i++) {
        f[2 + i] = (byte) (((long) len) >> (56 - 8 * i));
      }
    }
    int mask = ThreadLocalRandom.current().nextInt();
    f[h] = (byte) (mask >> 24);
    f[h + 1] = (byte) (mask >> 16);
    f[h + 2] = (byte) (mask >> 8);
    f[h + 3] = (byte) mask;
    int m = h + 4;
    for (int i = 0; i < len; i++) {
      f[m + i] = (byte) (payload[i] ^ f[h + (i & 3)]);
    }
    try {
      writeRaw(ByteBuffer.wrap(f));
    } catch (IOException e) {
      loop.execute(() -> terminate(1006, "write failed: " + e.getMessage()));
    }
  }

  private void writeRaw(ByteBuffer b) throws IOException {
    if (closed) {
      return;
    }
    synchronized (out) {
      if (out.isEmpty()) {
        channel.write(b);
        if (!b.hasRemaining()) {
          return;
        }
        out.addLast(b);
        loop.execute(() -> {
          if (key != null && key.isValid()) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          }
        });
      } else {
        out.addLast(b);
      }
    }
  }

  /** Loop thread: closes the socket once and reports it. */
  void terminate(int code, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    if (key != null) {
      key.cancel();
    }
    synchronized (out) {
      out.clear();
    }
    partial = null;
    partialLen = 0;
    if (!opened.isDone()) {
      opened.completeExceptionally(new IOException("closed before open: " + code + " " + reason));
    }
    listener.onClose(this, code, reason);
  }

  InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      return null;
    }
  }
}
