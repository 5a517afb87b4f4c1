package chat.server;

import chat.core.ChatService;
import chat.core.Managed;
import chat.transport.ws.WebSocketTransport;
import chat.transport.ws.WsConfig;
import com.google.gson.stream.JsonWriter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP on {@code --http-port}: the web client's files, {@code /config.json} (where the web
 * client finds the WebSocket) and {@code /healthz}. GET and HEAD only; security headers on every
 * response, and a Content-Security-Policy that lets pages run only their own scripts and connect
 * only to this server's WebSocket.
 */
final class WebServer implements Managed {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  private final String host;
  private final int port;
  private final StaticFiles files;
  private final String publicWsUrl;
  private final boolean tls;
  private final WebSocketTransport ws;
  private final ChatService chat;
  private volatile HttpServer server;
  private volatile ExecutorService executor;
  private volatile boolean stopping;

  WebServer(String host, int port, StaticFiles files, String publicWsUrl, boolean tls,
      WebSocketTransport ws, ChatService chat) {
    this.host = host;
    this.port = port;
    this.files = files;
    this.publicWsUrl = publicWsUrl;
    this.tls = tls;
    this.ws = ws;
    this.chat = chat;
  }

  @Override
  public int phase() {
    return PHASE_TRANSPORT;
  }

  @Override
  public void start() throws IOException {
    AtomicInteger count = new AtomicInteger();
    executor = Executors.newFixedThreadPool(4, runnable -> {
      Thread t = new Thread(runnable, "chat-http-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server = HttpServer.create(new InetSocketAddress(host, port), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    log.info("HTTP listening on http://{}:{}/", host, port());
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void stop() {
    stopping = true;
    if (server != null) {
      server.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = method.equals("HEAD");
      if (!head && !method.equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "text/plain; charset=utf-8", bytes("method not allowed\n"), false);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case "/healthz" -> respond(exchange, stopping ? 503 : 200,
            "application/json; charset=utf-8", health(), head);
        case "/config.json" -> {
          exchange.getResponseHeaders().set("Cache-Control", "no-store");
          respond(exchange, 200, "application/json; charset=utf-8",
              bytes(configJson(wsUrl(exchange))), head);
        }
        default -> serveFile(exchange, path, head);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("HTTP request failed: {}", e.toString());
    }
  }

  private void serveFile(HttpExchange exchange, String path, boolean head) throws IOException {
    Optional<StaticFiles.File> file = files.get(path);
    if (file.isEmpty()) {
      respond(exchange, 404, "text/plain; charset=utf-8", bytes("not found\n"), head);
      return;
    }
    if (file.get().contentType().startsWith("text/html")) {
      exchange.getResponseHeaders().set("Content-Security-Policy", csp(wsUrl(exchange)));
    }
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    respond(exchange, 200, file.get().contentType(), file.get().bytes(), head);
  }

  /** Where the page's scripts should connect: --public-ws-url, or this host at the ws port. */
  private String wsUrl(HttpExchange exchange) {
    if (publicWsUrl != null) {
      return publicWsUrl;
    }
    String hostHeader = exchange.getRequestHeaders().getFirst("Host");
    String hostname = hostOnly(hostHeader);
    if (hostname == null) {
      hostname = "localhost";
    }
    return (tls ? "wss://" : "ws://") + hostname + ":" + ws.port() + WsConfig.PATH;
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

  private byte[] health() throws IOException {
    StringWriter out = new StringWriter();
    try (JsonWriter w = new JsonWriter(out)) {
      w.beginObject().name("status").value(stopping ? "stopping" : "ok")
          .name("connections").value(chat.connectionCount()).endObject();
    }
    return bytes(out + "\n");
  }

  static String configJson(String wsUrl) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonWriter w = new JsonWriter(out)) {
      w.beginObject().name("wsUrl").value(wsUrl).endObject();
    }
    return out + "\n";
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body,
      boolean head) throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", contentType);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Frame-Options", "DENY");
    if (head) {
      headers.set("Content-Length", Integer.toString(body.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
