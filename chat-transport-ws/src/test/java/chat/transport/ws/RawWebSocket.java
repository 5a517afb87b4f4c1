package chat.transport.ws;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A WebSocket client over a plain {@link Socket} that does nothing for you: it writes the HTTP
 * upgrade itself and sends whatever frames a test asks for (any opcode, any fragmentation,
 * invalid UTF-8, binary, frames over the limit), which normal clients refuse to do. Reads are
 * synchronous and bounded by the socket timeout; nothing happens in the background, so a test can
 * also stop reading altogether (a slow consumer).
 */
public final class RawWebSocket implements AutoCloseable {
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  /** Close code reported by {@link #readUntilClose} when the socket ended without a close frame. */
  public static final int NO_CLOSE_FRAME = 1006;

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One frame as received from the server. */
  public record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame, or 1005 (no status) if it carries none. */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }

    public String closeReason() {
      return payload.length > 2
          ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    }
  }

  /** How the connection ended: a close frame's code and reason, or {@link #NO_CLOSE_FRAME}. */
  public record Closed(int code, String reason) {}

  /** Options of a connection; {@link #open()} connects and performs the upgrade. */
  public static final class Builder {
    private final int port;
    private String path = WsConfig.PATH;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private int receiveBuffer;
    private SSLContext tls;
    private int timeoutMs = 10_000;

    private Builder(int port) {
      this.port = port;
    }

    public Builder path(String p) {
      path = p;
      return this;
    }

    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** A small SO_RCVBUF, set before connecting so that the TCP window stays small. */
    public Builder receiveBuffer(int bytes) {
      receiveBuffer = bytes;
      return this;
    }

    public Builder tls(SSLContext context) {
      tls = context;
      return this;
    }

    public Builder timeoutMs(int ms) {
      timeoutMs = ms;
      return this;
    }

    /** Connects and sends the upgrade; the result says whether the server answered 101. */
    public RawWebSocket open() throws IOException {
      Socket socket;
      if (tls != null) {
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket();
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        ssl.setSSLParameters(params);
        socket = ssl;
      } else {
        socket = new Socket();
      }
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer);
      }
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(timeoutMs);
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
      RawWebSocket ws = new RawWebSocket(socket);
      try {
        ws.upgrade(port, path, headers);
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
      return ws;
    }
  }

  public static Builder to(int port) {
    return new Builder(port);
  }

  /** Connects to {@code /ws} without an Origin and asserts the upgrade succeeded. */
  public static RawWebSocket connect(int port) throws IOException {
    RawWebSocket ws = to(port).open();
    if (!ws.upgraded()) {
      ws.close();
      throw new IOException("upgrade refused: " + ws.statusLine());
    }
    return ws;
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private String statusLine = "";
  private int status = -1;
  private final Map<String, String> responseHeaders = new LinkedHashMap<>();

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  // ---- handshake ----

  private void upgrade(int port, String path, Map<String, String> extra) throws IOException {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    StringBuilder request = new StringBuilder()
        .append("GET ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\n")
        .append("Upgrade: websocket\r\n")
        .append("Connection: Upgrade\r\n")
        .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
        .append("Sec-WebSocket-Version: 13\r\n");
    extra.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    request.append("\r\n");
    out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();

    String head = readHead();
    if (head == null) {
      return; // the server closed without answering: status stays -1
    }
    String[] lines = head.split("\r\n");
    statusLine = lines[0];
    String[] parts = statusLine.split(" ", 3);
    if (parts.length >= 2 && parts[0].startsWith("HTTP/")) {
      status = Integer.parseInt(parts[1]);
    }
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        responseHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    if (status == 101) {
      String expected = acceptFor(key);
      if (!expected.equals(responseHeaders.get("sec-websocket-accept"))) {
        throw new IOException("bad Sec-WebSocket-Accept: " + responseHeaders);
      }
    }
  }

  /** The response head up to the blank line, or null if the socket ended before any byte. */
  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0; // how much of CR LF CR LF has been seen
    while (matched < 4) {
      int b;
      try {
        b = in.read();
      } catch (SocketException e) {
        b = -1; // reset by the server while refusing
      }
      if (b < 0) {
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  public static String acceptFor(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder().encodeToString(
          sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The client's local port: how the server side of this connection can be found. */
  public int localPort() {
    return socket.getLocalPort();
  }

  /** The HTTP status of the upgrade response, or -1 if the server answered nothing. */
  public int status() {
    return status;
  }

  public boolean upgraded() {
    return status == 101;
  }

  public String statusLine() {
    return statusLine;
  }

  /** A response header by case-insensitive name, or null. */
  public String responseHeader(String name) {
    return responseHeaders.get(name.toLowerCase(Locale.ROOT));
  }

  // ---- sending ----

  /** Sends one masked frame exactly as given: any opcode, FIN or not, any payload. */
  public synchronized void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
    sendRaw(encodeFrame(fin, opcode, payload));
  }

  /** Writes bytes to the socket as they are: several frames at once, or part of one. */
  public synchronized void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** One masked client frame: any opcode, FIN or not, any payload. */
  public static byte[] encodeFrame(boolean fin, int opcode, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | (opcode & 0x0F));
    int len = payload.length;
    if (len <= 125) {
      frame.write(0x80 | len);
    } else if (len <= 0xFFFF) {
      frame.write(0x80 | 126);
      frame.write(len >>> 8);
      frame.write(len);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) len >>> shift));
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.write(mask, 0, 4);
    byte[] masked = new byte[len];
    for (int i = 0; i < len; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    frame.write(masked, 0, len);
    return frame.toByteArray();
  }

  public void sendText(String text) throws IOException {
    sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends {@code payload} as one message split into frames of the given sizes (summing to it). */
  public void sendFragmented(int opcode, byte[] payload, int... sizes) throws IOException {
    int offset = 0;
    for (int i = 0; i < sizes.length; i++) {
      byte[] part = Arrays.copyOfRange(payload, offset, offset + sizes[i]);
      offset += sizes[i];
      sendFrame(i == sizes.length - 1, i == 0 ? opcode : CONTINUATION, part);
    }
    if (offset != payload.length) {
      throw new IllegalArgumentException("fragment sizes do not add up to the payload");
    }
  }

  public void sendClose(int code) throws IOException {
    sendFrame(true, CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
  }

  // ---- receiving ----

  /** The next frame (waiting at most the socket timeout), or null if the socket ended. */
  public Frame readFrame() throws IOException {
    int b0;
    try {
      b0 = in.read();
    } catch (SocketException e) {
      return null; // connection reset: ended
    }
    if (b0 < 0) {
      return null;
    }
    int b1 = readByte();
    if ((b1 & 0x80) != 0) {
      throw new IOException("the server masked a frame");
    }
    long len = b1 & 0x7F;
    if (len == 126) {
      len = (readByte() << 8) | readByte();
    } else if (len == 127) {
      len = 0;
      for (int i = 0; i < 8; i++) {
        len = (len << 8) | readByte();
      }
    }
    if (len > (64 << 20)) {
      throw new IOException("absurd frame length " + len);
    }
    byte[] payload = in.readNBytes((int) len);
    if (payload.length != len) {
      throw new EOFException("frame cut short");
    }
    return new Frame((b0 & 0x80) != 0, (b0 >>> 4) & 0x7, b0 & 0x0F, payload);
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("frame cut short");
    }
    return b;
  }

  /** The next text frame, answering pings and skipping pongs; fails on anything else. */
  public String readText() throws IOException {
    for (;;) {
      Frame f = readFrame();
      if (f == null) {
        throw new EOFException("closed while waiting for a text frame");
      }
      if (f.opcode() == PING) {
        sendFrame(true, PONG, f.payload());
        continue;
      }
      if (f.opcode() == PONG) {
        continue;
      }
      if (f.opcode() != TEXT || !f.fin()) {
        throw new IOException("expected a whole text frame, got opcode " + f.opcode()
            + (f.opcode() == CLOSE ? " code " + f.closeCode() + " " + f.closeReason() : ""));
      }
      return f.text();
    }
  }

  /**
   * Reads until the server's close frame (answered with a close, as RFC 6455 asks) or the end of
   * the socket, giving every other frame to {@code onFrame}; bounded by {@code timeoutMs}, or
   * unbounded if it is 0 (for a reader thread, which closing the socket ends).
   */
  public Closed readUntilClose(long timeoutMs, Consumer<Frame> onFrame)
      throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    for (;;) {
      if (timeoutMs > 0) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new IOException("not closed within " + timeoutMs + " ms");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, left)));
      } else {
        socket.setSoTimeout(0);
      }
      Frame f;
      try {
        f = readFrame();
      } catch (EOFException e) {
        f = null;
      }
      if (f == null) {
        return new Closed(NO_CLOSE_FRAME, "");
      }
      if (f.opcode() == CLOSE) {
        try {
          sendClose(f.closeCode() == 1005 ? 1000 : f.closeCode());
        } catch (IOException e) {
          // the server may already have cut the socket
        }
        return new Closed(f.closeCode(), f.closeReason());
      }
      onFrame.accept(f);
    }
  }

  /** {@link #readUntilClose} ignoring other frames. */
  public Closed awaitClose(long timeoutMs) throws IOException {
    return readUntilClose(timeoutMs, f -> {});
  }

  /** Whether the server ended the TCP connection (EOF or reset) within {@code timeoutMs}. */
  public boolean awaitEndOfStream(long timeoutMs) throws IOException {
    socket.setSoTimeout((int) timeoutMs);
    try {
      while (in.read() >= 0) {
        // discard whatever comes before the end
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a test socket: nothing to do
    }
  }

  /** The next text frame as a JSON object. */
  public JsonObject readJson() throws IOException {
    return JsonParser.parseString(readText()).getAsJsonObject();
  }

  /** Sends a JSON object as one text frame. */
  public void sendJson(JsonObject frame) throws IOException {
    sendText(frame.toString());
  }
}
