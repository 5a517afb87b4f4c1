package chat.server;

import chat.transport.ws.TrustedProxies;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may read {@code /metrics}: loopback, the {@code --trusted-proxies} and the {@code
 * --metrics-allow} addresses and ranges (parsed alike, by {@link TrustedProxies}). Anyone else
 * gets 404, as if there were no such page.
 *
 * <p>A request that came through a proxy (it carries {@code X-Forwarded-For}) is judged by the
 * client that proxy names, and only if the proxy is a trusted one: else nginx on the same
 * machine, whose requests come from loopback, would hand the metrics to anyone on the Internet.
 * A forwarded request from a proxy that is not trusted names no client we can believe: refused.
 */
final class MetricsAccess {
  private final TrustedProxies proxies;
  private final TrustedProxies allowed;

  /**
   * @throws IllegalArgumentException naming the first entry that is not an address or range
   */
  MetricsAccess(List<String> trustedProxies, List<String> metricsAllow) {
    this.proxies = TrustedProxies.parse(trustedProxies);
    List<String> all = new ArrayList<>(trustedProxies);
    all.addAll(metricsAllow);
    this.allowed = TrustedProxies.parse(all);
  }

  /**
   * Whether a request from TCP peer {@code peer} with {@code forwardedFor} (its {@code
   * X-Forwarded-For} header, or null) may read the metrics.
   */
  boolean allows(InetAddress peer, String forwardedFor) {
    InetAddress client = peer;
    if (forwardedFor != null) {
      if (!proxies.trusts(peer)) {
        return false;
      }
      client = proxies.client(peer, forwardedFor);
      if (client == peer) {
        return false; // the proxy named no address we can read
      }
    }
    return client.isLoopbackAddress() || allowed.trusts(client);
  }
}
