package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TrustedProxies}: whose X-Forwarded-For is believed, and which entry names the client. */
class TrustedProxiesTest {

  private static InetAddress ip(String literal) {
    return TrustedProxies.literal(literal);
  }

  @Test
  void addressesAndRangesAreTrusted() {
    TrustedProxies proxies = TrustedProxies.parse(List.of("127.0.0.1", "10.0.0.0/8", "::1",
        "fd00::/8", " 192.168.1.0/25 "));
    assertTrue(proxies.trusts(ip("127.0.0.1")));
    assertFalse(proxies.trusts(ip("127.0.0.2")));
    assertTrue(proxies.trusts(ip("10.200.3.4")));
    assertFalse(proxies.trusts(ip("11.0.0.1")));
    assertTrue(proxies.trusts(ip("::1")));
    assertTrue(proxies.trusts(ip("fd12:3456::1")));
    assertFalse(proxies.trusts(ip("fe80::1")));
    assertTrue(proxies.trusts(ip("192.168.1.127")));
    assertFalse(proxies.trusts(ip("192.168.1.128")));
  }

  @Test
  void theClientIsTheLastForwardedEntryOnlyBehindATrustedProxy() {
    TrustedProxies proxies = TrustedProxies.parse(List.of("127.0.0.1"));
    InetAddress nginx = ip("127.0.0.1");
    // A client may send its own X-Forwarded-For; nginx appends the real peer last.
    assertEquals(ip("203.0.113.7"), proxies.client(nginx, "6.6.6.6, 203.0.113.7"));
    assertEquals(ip("2001:db8::5"), proxies.client(nginx, "[2001:db8::5]"));
    assertEquals(nginx, proxies.client(nginx, null));
    assertEquals(nginx, proxies.client(nginx, "not-an-address"));
    InetAddress stranger = ip("198.51.100.1");
    assertEquals(stranger, proxies.client(stranger, "203.0.113.7"));
    assertEquals(stranger, TrustedProxies.NONE.client(stranger, "203.0.113.7"));
  }

  @Test
  void namesAndBadRangesAreRefusedWithoutALookup() {
    assertThrows(IllegalArgumentException.class,
        () -> TrustedProxies.parse(List.of("localhost")));
    assertThrows(IllegalArgumentException.class,
        () -> TrustedProxies.parse(List.of("10.0.0.0/33")));
    assertThrows(IllegalArgumentException.class,
        () -> TrustedProxies.parse(List.of("10.0.0.0/x")));
    assertThrows(IllegalArgumentException.class,
        () -> TrustedProxies.parse(List.of("256.1.1.1")));
    assertNull(TrustedProxies.literal("cafe")); // hex letters: a possible host name, not looked up
    assertNull(TrustedProxies.literal("example.org"));
    assertNull(TrustedProxies.literal(""));
  }
}
