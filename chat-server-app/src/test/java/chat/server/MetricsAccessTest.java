package chat.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may read {@code /metrics}: the address check, for peers a test cannot connect from. */
class MetricsAccessTest {
  private static final MetricsAccess ACCESS =
      new MetricsAccess(List.of("10.0.0.5"), List.of("192.0.2.0/24", "2001:db8::7"));

  @Test
  void loopbackTrustedProxiesAndTheAllowListMayRead() throws Exception {
    assertTrue(ACCESS.allows(ip("127.0.0.1"), null));
    assertTrue(ACCESS.allows(ip("127.8.9.10"), null), "all of 127.0.0.0/8");
    assertTrue(ACCESS.allows(ip("::1"), null));
    assertTrue(ACCESS.allows(ip("10.0.0.5"), null), "a trusted proxy");
    assertTrue(ACCESS.allows(ip("192.0.2.200"), null), "in an allowed range");
    assertTrue(ACCESS.allows(ip("2001:db8::7"), null));
    assertTrue(ACCESS.allows(ip("::ffff:192.0.2.1"), null), "an IPv4-mapped address");
  }

  @Test
  void anyoneElseMayNot() throws Exception {
    assertFalse(ACCESS.allows(ip("192.0.3.1"), null), "next to the range");
    assertFalse(ACCESS.allows(ip("10.0.0.6"), null));
    assertFalse(ACCESS.allows(ip("2001:db8::8"), null));
    assertFalse(new MetricsAccess(List.of(), List.of()).allows(ip("192.0.2.1"), null),
        "only loopback by default");
  }

  @Test
  void aForwardedRequestIsJudgedByTheClientATrustedProxyNames() throws Exception {
    assertTrue(ACCESS.allows(ip("10.0.0.5"), "203.0.113.1, 192.0.2.9"), "the last entry");
    assertFalse(ACCESS.allows(ip("10.0.0.5"), "192.0.2.9, 203.0.113.1"));
    assertFalse(ACCESS.allows(ip("10.0.0.5"), "not-an-address"), "no client named");
    // nginx on the same machine, not listed as a trusted proxy: its requests come from
    // loopback, for anyone on the Internet.
    assertFalse(ACCESS.allows(ip("127.0.0.1"), "203.0.113.1"));
    assertFalse(ACCESS.allows(ip("127.0.0.1"), "127.0.0.1"), "its word is not believed");
    assertFalse(ACCESS.allows(ip("192.0.2.9"), "192.0.2.10"), "allowed, but not a proxy");
  }

  @Test
  void entriesAreAddressesOrRanges() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MetricsAccess(List.of(), List.of("prometheus.local")));
    assertTrue(e.getMessage().contains("'prometheus.local' is not an IP address"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new MetricsAccess(List.of(), List.of("10.0.0.0/33")));
  }

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal); // literals only: no lookup
  }
}
