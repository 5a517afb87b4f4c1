package chat.transport.ws;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Origin allow-list: exact matches of scheme, host and port, after normalising case and
 * default ports ({@code http://a:80} is {@code http://a}). No wildcards, no substring matching:
 * {@code https://chat.example.org.evil.test} is not {@code https://chat.example.org}.
 */
final class Origins {
  /** Read by decoder threads, added to by {@link #allow} after start: a concurrent set. */
  private final Set<String> allowed = ConcurrentHashMap.newKeySet();

  Origins() {}

  Origins(Set<String> origins) {
    allow(origins);
  }

  /** Adds origins to the allow-list; nothing is ever removed. */
  void allow(Collection<String> origins) {
    for (String origin : origins) {
      allowed.add(normalise(origin).orElseThrow(
          () -> new IllegalArgumentException("not an origin (scheme://host[:port]): " + origin)));
    }
  }

  /** Whether a handshake with this Origin header (null when absent) may proceed. */
  boolean permits(String originHeader) {
    if (originHeader == null) {
      return true; // bots and command-line clients send none; browsers always do
    }
    return normalise(originHeader).map(allowed::contains).orElse(false);
  }

  /** {@code scheme://host[:port]} in lower case without a default port, or empty if malformed. */
  static Optional<String> normalise(String origin) {
    try {
      URI uri = new URI(origin.strip());
      String scheme = uri.getScheme();
      String host = uri.getHost();
      if (scheme == null || host == null || uri.getRawUserInfo() != null
          || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
          || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        return Optional.empty();
      }
      scheme = scheme.toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return Optional.empty();
      }
      int port = uri.getPort();
      boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
          || (scheme.equals("https") && port == 443);
      return Optional.of(scheme + "://" + host.toLowerCase(Locale.ROOT)
          + (defaultPort ? "" : ":" + port));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}
