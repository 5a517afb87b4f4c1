package chat.server;

import chat.core.ChatException;
import chat.core.FileService;
import chat.core.StorageFullException;
import chat.core.store.StoredFile;
import chat.protocol.ErrorCode;
import chat.transport.ws.AddressCounts;
import chat.transport.ws.TrustedProxies;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /files} (PROTOCOL.md "Files and images"): {@code POST /files} uploads a file for the
 * user of the {@code Authorization: Bearer} token, {@code GET} and {@code HEAD /files/<id>} serve
 * a sent file to anyone with the URL, and {@code OPTIONS} answers CORS preflights. Every decision
 * (who, what, how much, how often) is the {@link FileService}'s; this class moves bytes.
 *
 * <p>Uploads never hold a thread while the client is slow: the body is read chunk by chunk as it
 * arrives (Jetty's {@link Request#demand}), each chunk written to the store at once, so a
 * 10 MiB upload is never in memory and a trickling client holds a socket and a slot of its user,
 * not one of the 16 threads. A declared {@code Content-Length} over the limit is refused with 413
 * before a byte is read; a body that turns out larger is cut off at the limit with 413; an upload
 * not finished within {@link chat.core.ChatConfig.Files#uploadTimeout()} gets 408; the idle
 * timeout ends one that stalls.
 *
 * <p>A client address may have {@code maxUploadsPerAddress} uploads in progress (the client a
 * trusted proxy names, behind one): the service caps them per user and in total, and without a
 * cap per address one machine's few accounts, each trickling bytes, could hold every slot of the
 * server for the whole upload timeout. Beyond it: 429 at once.
 *
 * <p>Served files can never run script on this origin: {@code nosniff}, a {@code sandbox} CSP
 * with {@code default-src 'none'}, and {@code Content-Disposition: attachment} for everything but
 * PNG, JPEG, GIF and WebP images (which are shown {@code inline}; SVG, which can hold script, is
 * an attachment). Cached privately for a year: ids are never reused, and only browsers, not
 * shared caches, may keep a file that is deleted later.
 *
 * <p>CORS: requests whose {@code Origin} is on the server's allow-list (the same list as the
 * WebSocket's, {@code --allowed-origins}) get {@code Access-Control-Allow-Origin} echoing it, and
 * preflights for {@code POST} with {@code Authorization}, {@code Content-Type} and {@code
 * X-File-Name}; other origins get no CORS headers, so their pages cannot read the answers.
 */
final class FileEndpoint {
  private static final Logger log = LoggerFactory.getLogger(FileEndpoint.class);
  static final String PATH = "/files";
  private static final String PREFIX = PATH + "/";
  private static final String JSON = "application/json; charset=utf-8";
  static final String FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";
  private static final Set<String> INLINE_TYPES =
      Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
  private static final String FILE_NAME_HEADER = "X-File-Name";
  /** Beyond twice the largest file, what a refused upload's body may still bring. */
  private static final long DRAIN_SLACK_BYTES = 1 << 20;
  /** How long a refused upload's body is read before the connection is closed anyway. */
  private static final long DRAIN_MS = 30_000;

  private final FileService files;
  private final Predicate<String> allowedOrigin;
  private final long uploadTimeoutMs;
  /** Uploads in progress by client address. */
  private final AddressCounts perAddress;
  private final TrustedProxies proxies;
  /** The most of a refused upload's body read and dropped ({@link Drain}). */
  private final long drainBytes;

  /**
   * @param maxUploadBytes the largest file ({@code limits.maxUploadBytes}): what is read of a
   *     refused upload's body is bounded by it (see {@link Drain})
   */
  FileEndpoint(FileService files, Predicate<String> allowedOrigin, long uploadTimeoutMs,
      int maxUploadsPerAddress, TrustedProxies proxies, long maxUploadBytes) {
    this.files = files;
    this.allowedOrigin = allowedOrigin;
    this.uploadTimeoutMs = uploadTimeoutMs;
    this.perAddress = new AddressCounts(maxUploadsPerAddress);
    this.proxies = proxies;
    this.drainBytes = 2 * maxUploadBytes + DRAIN_SLACK_BYTES;
  }

  /** Whether a request path is this endpoint's. */
  static boolean handles(String path) {
    return path.equals(PATH) || path.startsWith(PREFIX);
  }

  void handle(Request request, Response response, Callback callback) {
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.VARY, "Origin");
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    boolean cors = origin != null && allowedOrigin.test(origin);
    if (cors) {
      headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      headers.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "Content-Disposition");
    }
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    boolean upload = path.equals(PATH);
    if (method.equals("OPTIONS")) {
      if (cors) {
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, upload ? "POST" : "GET, HEAD");
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS,
            "Authorization, Content-Type, " + FILE_NAME_HEADER);
        headers.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
      }
      headers.put(HttpHeader.ALLOW, upload ? "POST, OPTIONS" : "GET, HEAD, OPTIONS");
      WebServer.securityHeaders(headers);
      response.setStatus(204);
      response.write(true, null, callback);
    } else if (upload && method.equals("POST")) {
      upload(request, response, callback);
    } else if (!upload && (method.equals("GET") || method.equals("HEAD"))) {
      download(response, callback, path.substring(PREFIX.length()), method.equals("HEAD"));
    } else {
      headers.put(HttpHeader.ALLOW, upload ? "POST, OPTIONS" : "GET, HEAD, OPTIONS");
      bodyLeftUnread(request, response);
      error(response, callback, 405, ErrorCode.BAD_REQUEST.wireName(), "method not allowed",
          null);
    }
  }

  // ---- Upload ----

  private void upload(Request request, Response response, Callback callback) {
    InetAddress address = clientAddress(request);
    if (address != null && !perAddress.tryAcquire(address)) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      error(response, drainAfter(request, response, callback), 429,
          ErrorCode.RATE_LIMITED.wireName(),
          "at most " + perAddress.max() + " uploads at once from your address", 1_000L);
      return;
    }
    FileService.Upload upload;
    try {
      String user = files.authenticate(bearerToken(request.getHeaders().get(
          HttpHeader.AUTHORIZATION)));
      String name = percentDecode(request.getHeaders().get(FILE_NAME_HEADER));
      upload = files.begin(user, name, request.getHeaders().get(HttpHeader.CONTENT_TYPE),
          request.getLength());
    } catch (ChatException e) {
      releaseSlot(address);
      refuse(response, drainAfter(request, response, callback), e);
      return;
    } catch (IllegalArgumentException e) {
      releaseSlot(address);
      error(response, drainAfter(request, response, callback), 400,
          ErrorCode.BAD_REQUEST.wireName(), FILE_NAME_HEADER + ": " + e.getMessage(), null);
      return;
    } catch (RuntimeException e) { // the store failed (unreachable, closing): not the client
      // Before, the slot stayed taken: each failure during a database outage took one of the
      // address's slots for good, and Jetty answered its own page.
      releaseSlot(address);
      log.error("an upload could not begin", e);
      error(response, drainAfter(request, response, callback), 500,
          ErrorCode.INTERNAL.wireName(), "server fault; nothing was stored", null);
      return;
    }
    new BodyReader(request, response, callback, upload, address).start();
  }

  /** The client's address (a trusted proxy's client, behind one), or null if unknown. */
  private InetAddress clientAddress(Request request) {
    InetAddress peer = WebServer.peerAddress(request);
    return peer == null ? null : proxies.client(peer, WebServer.forwardedFor(request));
  }

  /** Gives back the upload slot of {@code address} (null: none was taken). */
  private void releaseSlot(InetAddress address) {
    if (address != null) {
      perAddress.release(address);
    }
  }

  /**
   * An answer before the request's body was read: says {@code Connection: close}. Jetty closes
   * such a connection after the answer unless the whole body happened to have arrived already,
   * and a client told nothing would send its next request on a socket about to close.
   */
  private static void bodyLeftUnread(Request request, Response response) {
    if (request.getLength() != 0) { // -1: chunked, length unknown
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
  }

  /**
   * For an upload refused before its body was read: says {@code Connection: close} and returns
   * the callback to answer with, which, once the answer is written, reads and drops the rest of
   * the body ({@link Drain}) before it ends the exchange.
   */
  private Callback drainAfter(Request request, Response response, Callback callback) {
    if (request.getLength() == 0) {
      return callback;
    }
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    return Callback.from(() -> new Drain(request, callback, drainBytes).start(),
        callback::failed);
  }

  /**
   * Reads and drops what is left of a refused upload's body, then ends the exchange (Jetty then
   * closes the connection, as the answer said). Most HTTP clients (browsers' fetch, Node's,
   * Python's requests) send the whole body before they read anything, unless they asked {@code
   * Expect: 100-continue}: closing with bytes unread makes the kernel reset the connection, and
   * such a client sees a broken pipe instead of the 413 or 401 it was sent. Bounded: at most
   * {@code limit} bytes (twice the largest file and a little more), within {@link #DRAIN_MS}, a
   * stall ended by the idle timeout; past either the connection is closed as it was before.
   */
  private static final class Drain implements Runnable {
    private final Request request;
    private final Callback callback;
    private final AtomicBoolean ended = new AtomicBoolean();
    private long left;
    private volatile Scheduler.Task deadline;

    Drain(Request request, Callback callback, long limit) {
      this.request = request;
      this.callback = callback;
      this.left = limit;
    }

    void start() {
      deadline = request.getComponents().getScheduler().schedule(this::end, DRAIN_MS,
          TimeUnit.MILLISECONDS);
      run();
    }

    @Override
    public void run() {
      while (!ended.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        boolean last = chunk.isLast() || Content.Chunk.isFailure(chunk);
        left -= chunk.remaining();
        chunk.release();
        if (last || left < 0) {
          end();
          return;
        }
      }
    }

    private void end() {
      if (ended.compareAndSet(false, true)) {
        Scheduler.Task t = deadline;
        if (t != null) {
          t.cancel();
        }
        callback.succeeded();
      }
    }
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  static String bearerToken(String authorization) {
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return authorization.substring(7).strip();
  }

  /**
   * A percent-encoded UTF-8 header value ({@code encodeURIComponent}), strictly: a malformed
   * escape or invalid UTF-8 throws {@link IllegalArgumentException}. {@code +} stays {@code +}.
   * Null stays null.
   */
  static String percentDecode(String value) {
    if (value == null) {
      return null;
    }
    ByteBuffer bytes = ByteBuffer.allocate(value.length());
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '%') {
        int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(value.charAt(i + 2), 16);
        if (lo < 0) {
          throw new IllegalArgumentException("a % not followed by two hex digits");
        }
        bytes.put((byte) (hi << 4 | lo));
        i += 2;
      } else if (ch < 0x80) {
        bytes.put((byte) ch);
      } else {
        throw new IllegalArgumentException("not percent-encoded");
      }
    }
    bytes.flip();
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not UTF-8");
    }
  }

  /**
   * Reads the body chunk by chunk as it arrives, into the upload, and answers once: 201 with the
   * file, 413 past the limit, 408 past the upload timeout, or nothing (the connection fails)
   * if the client goes away. Whoever answers first wins ({@link #answered}); the other side then
   * only drops the upload.
   */
  private final class BodyReader implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final FileService.Upload upload;
    private final InetAddress address; // its slot, released with the answer; may be null
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile Scheduler.Task timeout;

    BodyReader(Request request, Response response, Callback callback,
        FileService.Upload upload, InetAddress address) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.upload = upload;
      this.address = address;
    }

    void start() {
      timeout = request.getComponents().getScheduler().schedule(this::timedOut,
          uploadTimeoutMs, TimeUnit.MILLISECONDS);
      run();
    }

    @Override
    public void run() {
      while (!answered.get()) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          if (claim()) {
            upload.abort();
            log.debug("upload failed: {}", chunk.getFailure().toString());
            if (chunk.getFailure() instanceof TimeoutException) {
              // Stalled past the idle timeout: the client is there, and is told (Jetty would
              // answer a failed callback 500).
              response.getHeaders().put(HttpHeader.CONNECTION, "close");
              error(response, callback, 408, ErrorCode.BAD_REQUEST.wireName(),
                  "the upload stalled: nothing came within the idle timeout", null);
            } else {
              callback.failed(chunk.getFailure()); // the client went away: nobody to answer
            }
          }
          return;
        }
        try {
          upload.write(chunk.getByteBuffer());
        } catch (ChatException e) { // past the limit; the upload aborted itself
          if (claim()) {
            refuse(response, drainAfter(request, response, callback), e);
          }
          return;
        } catch (IOException | RuntimeException e) {
          fault(e);
          return;
        } finally {
          chunk.release();
        }
        if (chunk.isLast()) {
          finish();
          return;
        }
      }
    }

    private void finish() {
      StoredFile file;
      try {
        file = upload.finish();
      } catch (IOException | RuntimeException e) {
        fault(e);
        return;
      }
      if (claim()) {
        respondJson(response, callback, 201, json(w -> w.beginObject()
            .name("file").value(file.id())
            .name("name").value(file.name())
            .name("size").value(file.size())
            .name("type").value(file.type())
            .endObject()));
      }
    }

    private void timedOut() {
      if (claim()) {
        upload.abort();
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        error(response, callback, 408, ErrorCode.BAD_REQUEST.wireName(),
            "the upload took longer than " + uploadTimeoutMs / 1000 + " s", null);
      }
    }

    private void fault(Exception e) {
      upload.abort();
      if (claim()) {
        log.error("storing an upload failed", e);
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        error(response, callback, 500, ErrorCode.INTERNAL.wireName(),
            "server fault; nothing was stored", null);
      }
    }

    /** Whether this caller answers; cancels the timeout and frees the slot for whoever does. */
    private boolean claim() {
      if (!answered.compareAndSet(false, true)) {
        return false;
      }
      Scheduler.Task t = timeout;
      if (t != null) {
        t.cancel();
      }
      releaseSlot(address);
      return true;
    }
  }

  // ---- Download ----

  private void download(Response response, Callback callback, String id, boolean head) {
    Optional<FileService.Download> found;
    try {
      found = files.download(id);
    } catch (IOException | RuntimeException e) { // the bytes, or the store's row
      log.error("cannot read file {}", id, e);
      error(response, callback, 500, ErrorCode.INTERNAL.wireName(), "cannot read the file",
          null);
      return;
    }
    if (found.isEmpty()) {
      error(response, callback, 404, ErrorCode.NOT_FOUND.wireName(), "no such file", null);
      return;
    }
    StoredFile file = found.get().file();
    InputStream bytes = found.get().bytes();
    HttpFields.Mutable headers = response.getHeaders();
    response.setStatus(200);
    headers.put(HttpHeader.CONTENT_TYPE, file.type());
    headers.put(HttpHeader.CONTENT_LENGTH, file.size());
    WebServer.securityHeaders(headers);
    headers.put("Content-Security-Policy", FILE_CSP);
    headers.put(HttpHeader.CONTENT_DISPOSITION, contentDisposition(file));
    headers.put(HttpHeader.CACHE_CONTROL, "private, max-age=31536000, immutable");
    if (head) {
      closeQuietly(bytes, id);
      response.write(true, null, callback);
      return;
    }
    Content.copy(Content.Source.from(bytes), response,
        Callback.from(callback, () -> closeQuietly(bytes, id)));
  }

  /** {@code inline} for the image types browsers show safely, {@code attachment} otherwise. */
  static String contentDisposition(StoredFile file) {
    return (INLINE_TYPES.contains(file.type()) ? "inline" : "attachment")
        + "; filename*=UTF-8''" + rfc5987(file.name());
  }

  /** RFC 5987 {@code value-chars}: attr-chars as they are, every other UTF-8 byte as %XX. */
  static String rfc5987(String value) {
    StringBuilder b = new StringBuilder();
    for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return b.toString();
  }

  private static void closeQuietly(InputStream in, String id) {
    try {
      in.close();
    } catch (IOException e) {
      log.debug("closing file {} failed", id, e);
    }
  }

  // ---- Answers ----

  /** A refused request as its HTTP status, with the protocol's error code in the body. */
  private static void refuse(Response response, Callback callback, ChatException e) {
    int status = e instanceof StorageFullException ? 507 : switch (e.code()) {
      case UNAUTHORIZED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case TOO_LARGE -> 413;
      case RATE_LIMITED -> 429;
      case INTERNAL -> 500;
      default -> 400;
    };
    if (status == 401) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
    }
    if (e.retryAfterMs() != null) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER,
          Long.toString(Math.max(1, (e.retryAfterMs() + 999) / 1000)));
    }
    error(response, callback, status, e.code().wireName(), e.getMessage(), e.retryAfterMs());
  }

  private static void error(Response response, Callback callback, int status, String code,
      String message, Long retryAfterMs) {
    respondJson(response, callback, status, json(w -> {
      w.beginObject().name("code").value(code).name("message").value(message);
      if (retryAfterMs != null) {
        w.name("retryAfterMs").value(retryAfterMs);
      }
      w.endObject();
    }));
  }

  private static void respondJson(Response response, Callback callback, int status,
      String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, JSON);
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    WebServer.securityHeaders(headers);
    headers.put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  private interface JsonBody {
    void write(JsonWriter w) throws IOException;
  }

  private static String json(JsonBody body) {
    StringWriter out = new StringWriter();
    try (JsonWriter w = new JsonWriter(out)) {
      w.setHtmlSafe(true);
      body.write(w);
    } catch (IOException e) {
      throw new IllegalStateException("a StringWriter does not fail", e);
    }
    return out + "\n";
  }
}
