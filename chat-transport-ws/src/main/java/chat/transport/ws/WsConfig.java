package chat.transport.ws;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Settings of the WebSocket transport. The frame size limit is not here: it is the core's
 * {@code limits.maxFrameBytes}, advertised in {@code hello}.
 *
 * @param host address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port port to bind; 0 picks a free one (see {@link WebSocketTransport#port()})
 * @param allowedOrigins exact {@code scheme://host[:port]} origins allowed to connect from a
 *     browser; a handshake without an {@code Origin} header (bots, CLI) is always accepted
 * @param pingIntervalSeconds seconds between pings; no pong for 1.5 times that closes the
 *     connection
 * @param handshakeTimeoutMs a socket that has not completed the WebSocket handshake by then is
 *     dropped
 * @param maxOutboundBytes a connection whose unsent backlog exceeds this is closed 1008 "slow
 *     consumer"
 * @param decoderThreads threads that decode frames and run the core's request handling
 * @param tls the TLS context for {@code wss}, or null for plain {@code ws}
 * @param maxConnections sockets open at once, handshaking ones included; more are closed as soon
 *     as they are accepted
 * @param maxConnectionsPerIp sockets open at once from one client address; more are closed as
 *     soon as they are accepted (or, behind a trusted proxy, refused at the upgrade)
 * @param trustedProxies addresses or CIDR ranges (e.g. {@code 127.0.0.1}, {@code 10.0.0.0/8}) of
 *     proxies whose {@code X-Forwarded-For} names the client; see {@link TrustedProxies}
 */
public record WsConfig(
    String host,
    int port,
    Set<String> allowedOrigins,
    int pingIntervalSeconds,
    long handshakeTimeoutMs,
    long maxOutboundBytes,
    int decoderThreads,
    SSLContext tls,
    int maxConnections,
    int maxConnectionsPerIp,
    List<String> trustedProxies) {

  public static final String PATH = "/ws";
  /** Default of {@link #maxConnections}: what a single node is sized for. */
  public static final int DEFAULT_MAX_CONNECTIONS = 50_000;
  /** Default of {@link #maxConnectionsPerIp}: generous for a NAT, far below the total. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 1_000;
  /**
   * The most bytes a client may send before its upgrade request's headers end. A browser's
   * upgrade request is well under 2 KiB; a longer one is refused with 431.
   */
  public static final int MAX_HANDSHAKE_BYTES = 16 * 1024;

  public WsConfig {
    requireNonNull(host, "host is null");
    allowedOrigins = Set.copyOf(allowedOrigins);
    trustedProxies = List.copyOf(trustedProxies);
    TrustedProxies.parse(trustedProxies); // throws IllegalArgumentException for a bad entry
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (pingIntervalSeconds < 1 || handshakeTimeoutMs < 1 || maxOutboundBytes < 1
        || decoderThreads < 1 || maxConnections < 1 || maxConnectionsPerIp < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** Without trusted proxies. */
  public WsConfig(String host, int port, Set<String> allowedOrigins, int pingIntervalSeconds,
      long handshakeTimeoutMs, long maxOutboundBytes, int decoderThreads, SSLContext tls,
      int maxConnections, int maxConnectionsPerIp) {
    this(host, port, allowedOrigins, pingIntervalSeconds, handshakeTimeoutMs, maxOutboundBytes,
        decoderThreads, tls, maxConnections, maxConnectionsPerIp, List.of());
  }

  /** Without connection caps of its own: the defaults. */
  public WsConfig(String host, int port, Set<String> allowedOrigins, int pingIntervalSeconds,
      long handshakeTimeoutMs, long maxOutboundBytes, int decoderThreads, SSLContext tls) {
    this(host, port, allowedOrigins, pingIntervalSeconds, handshakeTimeoutMs, maxOutboundBytes,
        decoderThreads, tls, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP);
  }

  /** Loopback, a free port, no browser origins, defaults for the rest: for tests and tools. */
  public static WsConfig loopback() {
    return new WsConfig("127.0.0.1", 0, Set.of(), 30, 10_000, 4L << 20,
        Math.max(1, Runtime.getRuntime().availableProcessors()), null);
  }

  public WsConfig withAllowedOrigins(Set<String> origins) {
    return new WsConfig(host, port, origins, pingIntervalSeconds, handshakeTimeoutMs,
        maxOutboundBytes, decoderThreads, tls, maxConnections, maxConnectionsPerIp,
        trustedProxies);
  }

  public WsConfig withPort(int newPort) {
    return new WsConfig(host, newPort, allowedOrigins, pingIntervalSeconds, handshakeTimeoutMs,
        maxOutboundBytes, decoderThreads, tls, maxConnections, maxConnectionsPerIp,
        trustedProxies);
  }

  public WsConfig withMaxOutboundBytes(long bytes) {
    return new WsConfig(host, port, allowedOrigins, pingIntervalSeconds, handshakeTimeoutMs,
        bytes, decoderThreads, tls, maxConnections, maxConnectionsPerIp,
        trustedProxies);
  }

  public WsConfig withHandshakeTimeoutMs(long ms) {
    return new WsConfig(host, port, allowedOrigins, pingIntervalSeconds, ms, maxOutboundBytes,
        decoderThreads, tls, maxConnections, maxConnectionsPerIp,
        trustedProxies);
  }

  public WsConfig withConnectionLimits(int total, int perIp) {
    return new WsConfig(host, port, allowedOrigins, pingIntervalSeconds, handshakeTimeoutMs,
        maxOutboundBytes, decoderThreads, tls, total, perIp, trustedProxies);
  }

  public WsConfig withTrustedProxies(List<String> proxies) {
    return new WsConfig(host, port, allowedOrigins, pingIntervalSeconds, handshakeTimeoutMs,
        maxOutboundBytes, decoderThreads, tls, maxConnections, maxConnectionsPerIp, proxies);
  }
}
