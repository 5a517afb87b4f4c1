package chat.transport.ws;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The proxies whose word on the client's address is believed ({@code --trusted-proxies}): a
 * connection from one of them is judged by the last address in its {@code X-Forwarded-For},
 * which is the one that proxy appended; any other connection by its TCP peer. Entries are IP
 * literals or CIDR ranges; names are refused (no DNS lookups, ever).
 *
 * <p>Public for the server app, whose {@code /metrics} answers these addresses (and those of
 * {@code --metrics-allow}, parsed the same way).
 */
public final class TrustedProxies {
  private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 = Pattern.compile("^" + OCTET + "(\\." + OCTET + "){3}$");

  private record Range(byte[] network, int prefixBits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  static final TrustedProxies NONE = new TrustedProxies(List.of());

  /**
   * Parses entries like {@code 127.0.0.1}, {@code ::1}, {@code 10.0.0.0/8}.
   *
   * @throws IllegalArgumentException naming the first bad entry
   */
  public static TrustedProxies parse(List<String> entries) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : entries) {
      String text = entry.trim();
      int slash = text.indexOf('/');
      InetAddress address = literal(slash < 0 ? text : text.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
      }
      int maxBits = address.getAddress().length * 8;
      int bits = maxBits;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > maxBits) {
          throw new IllegalArgumentException("'" + entry + "': prefix length must be 0 to "
              + maxBits);
        }
      }
      ranges.add(new Range(address.getAddress(), bits));
    }
    return new TrustedProxies(ranges);
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether {@code peer} is one of the addresses or in one of the ranges. */
  public boolean trusts(InetAddress peer) {
    byte[] bytes = peer.getAddress();
    for (Range r : ranges) {
      if (r.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's address: the last entry of {@code forwardedFor} when {@code peer} is trusted
   * and that entry is an IP address, else {@code peer}.
   */
  public InetAddress client(InetAddress peer, String forwardedFor) {
    if (forwardedFor == null || !trusts(peer)) {
      return peer;
    }
    int comma = forwardedFor.lastIndexOf(',');
    InetAddress client = literal(forwardedFor.substring(comma + 1).trim());
    return client != null ? client : peer;
  }

  /** The IP address written in {@code text}, or null if it is not one. Never looks up names. */
  static InetAddress literal(String text) {
    if (text.startsWith("[") && text.endsWith("]")) {
      text = text.substring(1, text.length() - 1);
    }
    if (text.isEmpty() || text.length() > 45) {
      return null;
    }
    boolean v4 = IPV4.matcher(text).matches();
    boolean v6 = text.indexOf(':') >= 0 && text.chars().allMatch(
        c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    if (!v4 && !v6) {
      return null; // anything else could be a host name, which getByName would look up
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
