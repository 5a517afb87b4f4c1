package chat.transport.ws;

import static java.util.Objects.requireNonNull;

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
 */
public record WsConfig(
    String host,
    int port,
    Set<String> allowedOrigins,
    int pingIntervalSeconds,
    long handshakeTimeoutMs,
    long maxOutboundBytes,
    int decoderThreads,
    SSLContext tls) {

  public static final String PATH = "/ws";

  public WsConfig {
    requireNonNull(host, "host is null");
    allowedOrigins = Set.copyOf(allowedOrigins);
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (pingIntervalSeconds < 1 || handshakeTimeoutMs < 1 || maxOutboundBytes < 1
        || decoderThreads < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** Loopback, a free port, no browser origins, defaults for the rest: for tests and tools. */
  public static WsConfig loopback() {
    return new WsConfig("127.0.0.1", 0, Set.of(), 30, 10_000, 4L << 20,
        Math.max(1, Runtime.getRuntime().availableProcessors()), null);
  }

  public WsConfig withAllowedOrigins(Set<String> origins) {
    return new WsConfig(host, port, origins, pingIntervalSeconds, handshakeTimeoutMs,
        maxOutboundBytes, decoderThreads, tls);
  }

  public WsConfig withPort(int newPort) {
    return new WsConfig(host, newPort, allowedOrigins, pingIntervalSeconds, handshakeTimeoutMs,
        maxOutboundBytes, decoderThreads, tls);
  }

  public WsConfig withMaxOutboundBytes(long bytes) {
    return new WsConfig(host, port, allowedOrigins, pingIntervalSeconds, handshakeTimeoutMs,
        bytes, decoderThreads, tls);
  }

  public WsConfig withHandshakeTimeoutMs(long ms) {
    return new WsConfig(host, port, allowedOrigins, pingIntervalSeconds, ms, maxOutboundBytes,
        decoderThreads, tls);
  }
}
