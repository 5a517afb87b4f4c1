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
 * @param ioThreads event loops, each reading and writing its share of the sockets (the first also
 *     accepts); more than one spreads a large fan-out's system calls over several cores
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
    int ioThreads,
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
        || decoderThreads < 1 || ioThreads < 1 || maxConnections < 1 || maxConnectionsPerIp < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** Settings by name, starting from {@link #loopback()}'s. */
  public static Builder builder() {
    return new Builder();
  }

  /** Loopback, a free port, no browser origins, defaults for the rest: for tests and tools. */
  public static WsConfig loopback() {
    return builder().build();
  }

  /** A builder holding these settings, to change some by name. */
  public Builder toBuilder() {
    return new Builder().host(host).port(port).allowedOrigins(allowedOrigins)
        .pingIntervalSeconds(pingIntervalSeconds).handshakeTimeoutMs(handshakeTimeoutMs)
        .maxOutboundBytes(maxOutboundBytes).decoderThreads(decoderThreads).ioThreads(ioThreads)
        .tls(tls).connectionLimits(maxConnections, maxConnectionsPerIp)
        .trustedProxies(trustedProxies);
  }

  public WsConfig withAllowedOrigins(Set<String> origins) {
    return toBuilder().allowedOrigins(origins).build();
  }

  public WsConfig withPort(int newPort) {
    return toBuilder().port(newPort).build();
  }

  public WsConfig withMaxOutboundBytes(long bytes) {
    return toBuilder().maxOutboundBytes(bytes).build();
  }

  public WsConfig withHandshakeTimeoutMs(long ms) {
    return toBuilder().handshakeTimeoutMs(ms).build();
  }

  public WsConfig withConnectionLimits(int total, int perIp) {
    return toBuilder().connectionLimits(total, perIp).build();
  }

  public WsConfig withTrustedProxies(List<String> proxies) {
    return toBuilder().trustedProxies(proxies).build();
  }

  /** The settings by name (see the record's components); {@link #build} checks them. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private Set<String> allowedOrigins = Set.of();
    private int pingIntervalSeconds = 30;
    private long handshakeTimeoutMs = 10_000;
    private long maxOutboundBytes = 4L << 20;
    private int decoderThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int ioThreads = 1;
    private SSLContext tls;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
    private List<String> trustedProxies = List.of();

    private Builder() {}

    public Builder host(String value) {
      host = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder allowedOrigins(Set<String> value) {
      allowedOrigins = value;
      return this;
    }

    public Builder pingIntervalSeconds(int value) {
      pingIntervalSeconds = value;
      return this;
    }

    public Builder handshakeTimeoutMs(long value) {
      handshakeTimeoutMs = value;
      return this;
    }

    public Builder maxOutboundBytes(long value) {
      maxOutboundBytes = value;
      return this;
    }

    public Builder decoderThreads(int value) {
      decoderThreads = value;
      return this;
    }

    public Builder ioThreads(int value) {
      ioThreads = value;
      return this;
    }

    /** The TLS context for {@code wss}, or null (the default) for plain {@code ws}. */
    public Builder tls(SSLContext value) {
      tls = value;
      return this;
    }

    public Builder connectionLimits(int total, int perIp) {
      maxConnections = total;
      maxConnectionsPerIp = perIp;
      return this;
    }

    public Builder trustedProxies(List<String> value) {
      trustedProxies = value;
      return this;
    }

    public WsConfig build() {
      return new WsConfig(host, port, allowedOrigins, pingIntervalSeconds, handshakeTimeoutMs,
          maxOutboundBytes, decoderThreads, ioThreads, tls, maxConnections, maxConnectionsPerIp,
          trustedProxies);
    }
  }
}
