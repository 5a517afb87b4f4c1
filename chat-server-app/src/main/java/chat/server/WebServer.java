package chat.server;

import chat.core.ChatService;
import chat.core.Managed;
import chat.core.cluster.NodeBus;
import chat.core.store.StoreHealth;
import chat.transport.ws.TrustedProxies;
import chat.transport.ws.WebSocketTransport;
import chat.transport.ws.WsConfig;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP on {@code --http-port}: the web client's files, {@code /config.json} (where the web
 * client finds the WebSocket and this origin), {@code /healthz} ({@code {"status":"ok","connections":n}} with
 * 200; 503 with "unhealthy" while the WebSocket listener is not accepting or the store does not
 * answer (see {@link StoreHealth}: a PostgreSQL server down), or "stopping"), {@code /readyz}
 * (whether this node should get traffic: {@code {"status":"ready"}} with 200, else 503 with
 * {@code {"status":"not ready","notReady":["store","websocket","bus"]}} naming the parts that are
 * down, or "stopping"), {@code /metrics} (Prometheus' text format, to the addresses {@link
 * MetricsAccess} allows; 404 to others), and uploaded files
 * under {@code /files} ({@link FileEndpoint}, which has its own methods, body limit and CORS). GET
 * and HEAD only elsewhere; security headers on every response (Jetty's own error responses too),
 * and a Content-Security-Policy that lets pages run only their own scripts, connect only to this
 * server (its WebSocket, and {@code /files} for uploads) and show images from it (sent files).
 *
 * <p>Embedded Jetty (core handlers, no servlets). Its connections are non-blocking: a client that
 * sends half a request holds a socket, not a thread. The JDK's {@code HttpServer} read request
 * heads on its four worker threads, so four sockets that each sent half a header stopped the port.
 * The limits ({@link Limits#DEFAULT}), all answered without a thread waiting on the client:
 * <ul>
 *   <li><b>Request head: 8 KiB</b> (request line and headers); larger gets 431 (414 if the request
 *       line alone is too long) and the connection is closed. Browsers send well under 2 KiB.
 *   <li><b>First request head: 10 s</b> after connecting ({@link RequestHeadDeadline}), else the
 *       connection is closed: a trickled or never-finished head cannot hold a socket for long.
 *   <li><b>Idle: 30 s</b> without a byte in either direction closes the connection (keep-alive
 *       between requests, or a later request's head that stalls).
 *   <li><b>Request body: 1 KiB</b>: GET and HEAD need none; a larger declared body gets 413, and
 *       a chunked one is not read: the connection is closed after the response. Uploads to
 *       {@code /files} have their own limit ({@code --max-upload-bytes}), read as they arrive.
 *   <li><b>Threads: at most 16</b>, sized for a 2-core machine: one acceptor, one selector, the
 *       rest for handlers, which answer from memory or read one small file.
 *   <li><b>Connections: 10,000 at once</b> ({@code --max-http-connections}); at the cap the port
 *       stops accepting (new ones wait in the accept backlog) until some close. Together with
 *       the WebSocket port's cap this stays under the process's file-descriptor limit, so
 *       neither port can take the other's descriptors.
 *   <li><b>Connections from one address: 256 at once</b> ({@code --max-http-connections-per-ip};
 *       {@link HttpConnectionCaps}); more are closed as soon as they open. A browser opens at
 *       most six to a host, so this covers dozens of browsers behind one NAT; a trusted proxy's
 *       connections count only toward the total.
 * </ul>
 *
 * <p>Lifecycle: {@link #start} binds and serves; {@link #stop} makes {@code /healthz} answer 503
 * "stopping" to any request still being handled, then closes the port and every connection at
 * once (as the JDK server's {@code stop(0)} did) and ends Jetty's threads. Those threads are not
 * daemons: after {@code Main} returns, they are what keeps the process running (as the JDK
 * server's dispatcher thread did), until {@link #stop}.
 */
final class WebServer implements Managed {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json; charset=utf-8";

  /** {@code /metrics}: the text to serve, and who may read it. */
  record MetricsPage(Supplier<String> scrape, MetricsAccess access) {}

  /** The HTTP limits; see the class comment for why each is what it is. */
  record Limits(int maxHeadBytes, long headDeadlineMs, long idleTimeoutMs, long maxBodyBytes,
      int maxThreads, int maxConnections, int maxConnectionsPerAddress) {
    static final Limits DEFAULT = new Limits(8 * 1024, 10_000, 30_000, 1024, 16, 10_000, 256);

    Limits {
      if (maxHeadBytes <= 0 || headDeadlineMs <= 0 || idleTimeoutMs <= 0 || maxBodyBytes < 0
          || maxThreads < 4 || maxConnections < 1 || maxConnectionsPerAddress < 1) {
        throw new IllegalArgumentException("bad HTTP limits: " + this);
      }
    }

    /** These limits with the caps on connections in total and from one address. */
    Limits withConnections(int total, int perAddress) {
      return new Limits(maxHeadBytes, headDeadlineMs, idleTimeoutMs, maxBodyBytes, maxThreads,
          total, perAddress);
    }
  }

  private final String host;
  private final int port;
  private final StaticFiles webFiles;
  private final String publicWsUrl;
  private final boolean tls;
  private final BooleanSupplier healthy;
  private final IntSupplier wsPort;
  private final IntSupplier connections;
  private final Limits limits;
  private final TrustedProxies proxies;
  private static final TrustedProxies NO_PROXIES = TrustedProxies.parse(List.of());
  private final FileEndpoint files; // null: no /files (tests of the rest)
  /** What {@code /readyz} checks, by the name it reports when that part is down; in order. */
  private final Map<String, BooleanSupplier> readiness;
  private final MetricsPage metrics; // null: no /metrics (tests of the rest)
  private volatile Server server;
  private volatile ServerConnector connector;
  private volatile HttpConnectionCaps caps;
  private volatile boolean stopping;

  /**
   * @param bus the node bus, {@link NodeBus#NONE} for a server alone (then {@code /readyz} does
   *     not name it)
   */
  WebServer(String host, int port, StaticFiles files, String publicWsUrl, boolean tls,
      WebSocketTransport ws, ChatService chat, StoreHealth store, NodeBus bus,
      FileEndpoint uploads, MetricsPage metrics, Limits limits, TrustedProxies proxies) {
    this(host, port, files, publicWsUrl, tls, () -> ws.isAccepting() && store.isAvailable(),
        readiness(store, ws, bus), ws::port, chat::connectionCount, limits, proxies, uploads,
        metrics);
  }

  /** For tests: the WebSocket side as functions, and other limits; no {@code /files}. */
  WebServer(String host, int port, StaticFiles files, String publicWsUrl, boolean tls,
      BooleanSupplier healthy, IntSupplier wsPort, IntSupplier connections, Limits limits) {
    this(host, port, files, publicWsUrl, tls, healthy, Map.of("server", healthy), wsPort,
        connections, limits, NO_PROXIES, null, null);
  }

  /** For tests: {@code /files} served by {@code uploads}, with these limits. */
  WebServer(String host, FileEndpoint uploads, Limits limits) {
    this(host, 0, new StaticFiles(null), null, false, () -> true, Map.of(), () -> 0, () -> 0,
        limits, NO_PROXIES, uploads, null);
  }

  /** For tests: {@code /readyz} of these parts, and {@code /metrics}; no {@code /files}. */
  WebServer(String host, Map<String, BooleanSupplier> readiness, MetricsPage metrics) {
    this(host, 0, new StaticFiles(null), null, false, () -> true, readiness, () -> 0, () -> 0,
        Limits.DEFAULT, NO_PROXIES, null, metrics);
  }

  private WebServer(String host, int port, StaticFiles webFiles, String publicWsUrl, boolean tls,
      BooleanSupplier healthy, Map<String, BooleanSupplier> readiness, IntSupplier wsPort,
      IntSupplier connections, Limits limits, TrustedProxies proxies, FileEndpoint uploads,
      MetricsPage metrics) {
    this.proxies = proxies;
    this.readiness = readiness;
    this.metrics = metrics;
    this.host = host;
    this.port = port;
    this.webFiles = webFiles;
    this.files = uploads;
    this.publicWsUrl = publicWsUrl;
    this.tls = tls;
    this.healthy = healthy;
    this.wsPort = wsPort;
    this.connections = connections;
    this.limits = limits;
  }

  /** The parts a node needs to take traffic: its store, its WebSocket listener, its bus. */
  private static Map<String, BooleanSupplier> readiness(StoreHealth store, WebSocketTransport ws,
      NodeBus bus) {
    Map<String, BooleanSupplier> parts = new LinkedHashMap<>();
    parts.put("store", store::isAvailable);
    parts.put("websocket", ws::isAccepting);
    if (bus != NodeBus.NONE) {
      parts.put("bus", bus::connected);
    }
    return parts;
  }

  @Override
  public int phase() {
    return PHASE_TRANSPORT;
  }

  /** Connections closed for {@code --max-http-connections-per-ip} since the start. */
  long refusedConnections() {
    HttpConnectionCaps c = caps;
    return c == null ? 0 : c.refusals();
  }

  @Override
  public void start() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(limits.maxThreads(), 2);
    threads.setName("chat-http");
    threads.setDaemon(false); // they keep the JVM up once main() returns: see the class comment
    Server jetty = new Server(threads);

    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxHeadBytes());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector c = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
    c.setHost(host);
    c.setPort(port);
    c.setIdleTimeout(limits.idleTimeoutMs());
    c.addBean(new RequestHeadDeadline(c.getScheduler(), limits.headDeadlineMs()));
    c.addBean(new NetworkConnectionLimit(limits.maxConnections(), c));
    HttpConnectionCaps caps = new HttpConnectionCaps(c.getScheduler(),
        limits.maxConnectionsPerAddress(), proxies);
    c.addBean(caps);
    this.caps = caps;
    jetty.addConnector(c);

    SizeLimitHandler bodyLimit = new SizeLimitHandler(limits.maxBodyBytes(), -1);
    bodyLimit.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        WebServer.this.handle(request, response, callback);
        return true;
      }
    });
    // /files reads its own bodies (uploads of many MiB); everything else is under the 1 KiB limit.
    jetty.setHandler(new Handler.Wrapper(bodyLimit) {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        if (caps.isRefused(request.getConnectionMetaData().getConnection())) {
          // Over the per-address cap, and its request came before the close: refused plainly.
          response.getHeaders().put(HttpHeader.CONNECTION, "close");
          respond(response, callback, 503, TEXT,
              bytes("too many connections from your address\n"), false);
          return true;
        }
        if (files != null && FileEndpoint.handles(Request.getPathInContext(request))) {
          files.handle(request, response, callback);
          return true;
        }
        return super.handle(request, response, callback);
      }
    });
    jetty.setErrorHandler(new PlainErrors());
    jetty.setStopTimeout(0); // stop closes every connection at once, as the JDK server's stop(0)
    server = jetty;
    connector = c;
    try {
      jetty.start();
    } catch (Exception e) {
      jetty.stop(); // e.g. the port is taken: release the threads Jetty started
      throw e;
    }
    log.info("HTTP listening on http://{}:{}/", host, port());
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void stop() throws Exception {
    stopping = true;
    Server s = server;
    if (s != null) {
      s.stop();
    }
  }

  private void handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    boolean head = method.equals("HEAD");
    if (!head && !method.equals("GET")) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      respond(response, callback, 405, TEXT, bytes("method not allowed\n"), false);
      return;
    }
    String path = Request.getPathInContext(request);
    switch (path) {
      case "/healthz" -> {
        String status = stopping ? "stopping" : healthy.getAsBoolean() ? "ok" : "unhealthy";
        respond(response, callback, status.equals("ok") ? 200 : 503, JSON, health(status), head);
      }
      case "/readyz" -> {
        List<String> down = notReady();
        String status = stopping ? "stopping" : down.isEmpty() ? "ready" : "not ready";
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        respond(response, callback, status.equals("ready") ? 200 : 503, JSON,
            bytes(readyJson(status, down)), head);
      }
      case "/metrics" -> serveMetrics(request, response, callback, head);
      case "/config.json" -> {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        respond(response, callback, 200, JSON, bytes(configJson(wsUrl(request))), head);
      }
      default -> serveFile(request, response, callback, path, head);
    }
  }

  /** The parts of {@link #readiness} that are down now, in order. */
  private List<String> notReady() {
    List<String> down = new ArrayList<>();
    readiness.forEach((name, up) -> {
      if (!up.getAsBoolean()) {
        down.add(name);
      }
    });
    return down;
  }

  static String readyJson(String status, List<String> notReady) {
    return json(w -> {
      w.beginObject().name("status").value(status);
      if (!notReady.isEmpty()) {
        w.name("notReady").beginArray();
        for (String part : notReady) {
          w.value(part);
        }
        w.endArray();
      }
      w.endObject();
    });
  }

  /** The address of the TCP peer that sent {@code request} (a proxy, behind one), or null. */
  static InetAddress peerAddress(Request request) {
    return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress
        peer ? peer.getAddress() : null;
  }

  /**
   * The request's {@code X-Forwarded-For}, or null: several header lines count as one list, so
   * the last proxy's entry is the last one.
   */
  static String forwardedFor(Request request) {
    List<String> forwarded = request.getHeaders().getValuesList("X-Forwarded-For");
    return forwarded.isEmpty() ? null : String.join(",", forwarded);
  }

  /** {@code /metrics} to the addresses {@link MetricsAccess} allows; 404 to others. */
  private void serveMetrics(Request request, Response response, Callback callback,
      boolean head) {
    InetAddress peer = peerAddress(request);
    boolean allowed = metrics != null && peer != null
        && metrics.access().allows(peer, forwardedFor(request))
        && namedByAddress(request.getHeaders().get(HttpHeader.HOST));
    if (!allowed) {
      respond(response, callback, 404, TEXT, bytes("not found\n"), head);
      return;
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    respond(response, callback, 200, ServerMetrics.CONTENT_TYPE, bytes(metrics.scrape().get()),
        head);
  }

  private void serveFile(Request request, Response response, Callback callback, String path,
      boolean head) {
    Optional<StaticFiles.File> file;
    try {
      file = webFiles.get(path);
    } catch (IOException e) {
      log.warn("cannot read web file {}: {}", path, e.toString());
      respond(response, callback, 500, TEXT, bytes("cannot read file\n"), head);
      return;
    }
    if (file.isEmpty()) {
      respond(response, callback, 404, TEXT, bytes("not found\n"), head);
      return;
    }
    if (file.get().contentType().startsWith("text/html")) {
      response.getHeaders().put("Content-Security-Policy", csp(wsUrl(request)));
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    respond(response, callback, 200, file.get().contentType(), file.get().bytes(), head);
  }

  /** Where the page's scripts should connect: --public-ws-url, or this host at the ws port. */
  private String wsUrl(Request request) {
    if (publicWsUrl != null) {
      return publicWsUrl;
    }
    String hostname = hostOnly(request.getHeaders().get(HttpHeader.HOST));
    if (hostname == null) {
      hostname = "localhost";
    }
    return (tls ? "wss://" : "ws://") + hostname + ":" + wsPort.getAsInt() + WsConfig.PATH;
  }

  /**
   * Whether a Host header names the server by an IP address ({@code 127.0.0.1:8080}, {@code
   * [::1]:8080}) or as {@code localhost}, as scrapers are configured. A page in a browser on an
   * allowed machine could otherwise read {@code /metrics} under a host name of an attacker's
   * that DNS points at this server for a moment (DNS rebinding); such a page never has an IP
   * address for its origin's host.
   */
  static boolean namedByAddress(String hostHeader) {
    String host = hostOnly(hostHeader);
    return host != null && (host.equalsIgnoreCase("localhost") || host.startsWith("[")
        || host.matches("\\d{1,3}(\\.\\d{1,3}){3}"));
  }

  /** The host part of a Host header, or null if it is not a plain host name or address. */
  static String hostOnly(String hostHeader) {
    if (hostHeader == null) {
      return null;
    }
    try {
      URI uri = new URI("http://" + hostHeader.strip() + "/");
      String h = uri.getHost();
      return h != null && h.matches("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\]") ? h : null;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  static String csp(String wsUrl) {
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self' " + wsUrl.replaceAll("[;\\s]", "") + "; object-src 'none'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  }

  private byte[] health(String status) {
    return bytes(json(w -> w.beginObject().name("status").value(status)
        .name("connections").value(connections.getAsInt()).endObject()));
  }

  /**
   * What the web client reads at start: where the WebSocket is, and where uploads go and files
   * come from, {@code "httpUrl":"/"}: relative to the page, so this origin, whatever scheme and
   * host a proxy in front presents it under.
   */
  static String configJson(String wsUrl) {
    return json(w -> w.beginObject().name("wsUrl").value(wsUrl).name("httpUrl").value("/")
        .endObject());
  }

  private interface JsonBody {
    void write(JsonWriter w) throws IOException;
  }

  private static String json(JsonBody body) {
    StringWriter out = new StringWriter();
    try (JsonWriter w = new JsonWriter(out)) {
      body.write(w);
    } catch (IOException e) {
      throw new IllegalStateException("a StringWriter does not fail", e);
    }
    return out + "\n";
  }

  /** The headers every response carries, Jetty's error responses included. */
  static void securityHeaders(HttpFields.Mutable headers) {
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Frame-Options", "DENY");
  }

  private static void respond(Response response, Callback callback, int status,
      String contentType, byte[] body, boolean head) {
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, contentType);
    securityHeaders(headers);
    headers.put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, head ? null : ByteBuffer.wrap(body), callback);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Jetty's error responses (400 for a malformed request, 413, 431, 500) as one line of plain
   * text with the security headers, instead of its HTML page. The text is the status' standard
   * reason only: nothing from the request is echoed.
   */
  private static final class PlainErrors extends ErrorHandler {
    PlainErrors() {
      setShowStacks(false);
      setShowCauses(false);
      setShowOrigin(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
        Throwable cause, Callback callback) {
      HttpFields.Mutable headers = response.getHeaders();
      headers.put(HttpHeader.CONTENT_TYPE, TEXT);
      securityHeaders(headers);
      response.write(true, ByteBuffer.wrap(reason(code)), callback);
    }

    private static byte[] reason(int code) {
      return bytes(code + " " + HttpStatus.getMessage(code) + "\n");
    }
  }
}
