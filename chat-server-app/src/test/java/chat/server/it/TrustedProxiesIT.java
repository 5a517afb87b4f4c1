package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md "Client address" against the packaged jar: per-address limits use the TCP peer,
 * or, when the peer is in --trusted-proxies (addresses or CIDR ranges), the last address of
 * X-Forwarded-For. An untrusted peer's X-Forwarded-For is ignored, so it cannot escape its
 * limits by inventing addresses. Login failures (3 per address here) and connections per address
 * (4 here) show which address the server counted.
 */
class TrustedProxiesIT {
  private static final String[] LIMITS = {"--store", "memory", "--login-failures-per-ip", "3",
      "--login-failures-per-user", "1000", "--registrations-per-ip-per-hour", "100000",
      "--max-connections-per-ip", "4"};

  /** Trusts 127.0.0.0/8 (written as a range, beside an address of nobody's). */
  @RegisterExtension
  static final SharedServer trusting = new SharedServer(Stream.concat(Stream.of(LIMITS),
      Stream.of("--trusted-proxies", "192.0.2.99, 127.0.0.0/8")).toArray(String[]::new));
  /** Trusts no proxy. */
  @RegisterExtension
  static final SharedServer plain = new SharedServer(LIMITS);

  private static Map<String, String> forwardedFor(String value) {
    Map<String, String> headers = new HashMap<>();
    if (value != null) {
      headers.put("X-Forwarded-For", value);
    }
    return headers;
  }

  /** One wrong-password login on a connection of its own (closed after); returns the code. */
  private static String failLogin(SharedServer s, String xff) throws InterruptedException {
    try (WireClient c = WireClient.connect(s.process().wsUri(), forwardedFor(xff))) {
      JsonObject reply = c.request(Frames.of("type", "login",
          "user", WireClients.unique("nobody"), "password", "wrong password"));
      assertEquals("error", reply.get("type").getAsString(), reply.toString());
      return reply.get("code").getAsString();
    }
  }

  /** The last entry names the client; entries before it (the client's own claims) do not. */
  @Test
  void behindATrustedProxyTheLastForwardedAddressIsTheClient() throws Exception {
    for (int i = 1; i <= 3; i++) {
      assertEquals("unauthorized", failLogin(trusting, "198.51.100." + i + ", 10.20.0.1"));
    }
    assertEquals("rate_limited", failLogin(trusting, "203.0.113.9, 10.20.0.1"));
    assertEquals("rate_limited", failLogin(trusting, "10.20.0.1"));
    // Another last address, also when the throttled one comes before it: not slowed.
    assertEquals("unauthorized", failLogin(trusting, "10.20.0.1, 10.20.0.2"));
    assertEquals("unauthorized", failLogin(trusting, "2001:db8::7"));
    assertEquals("unauthorized", failLogin(trusting, "10.20.0.3"));
  }

  /**
   * A trusted peer with no usable X-Forwarded-For is itself the client: no header, or an entry
   * that is no IP address (never looked up as a host name).
   */
  @Test
  void withoutAUsableForwardedAddressTheProxyItselfIsCounted() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals("unauthorized", failLogin(trusting, null));
    }
    assertEquals("rate_limited", failLogin(trusting, null));
    assertEquals("rate_limited", failLogin(trusting, "localhost"));
    assertEquals("rate_limited", failLogin(trusting, "10.30.0.1, not-an-address"));
    assertEquals("rate_limited", failLogin(trusting, "999.1.1.1"));
    assertEquals("unauthorized", failLogin(trusting, "10.30.0.2"));
  }

  /** An untrusted peer's X-Forwarded-For is ignored: inventing addresses escapes nothing. */
  @Test
  void anUntrustedPeerCannotChooseItsAddress() throws Exception {
    for (int i = 1; i <= 3; i++) {
      assertEquals("unauthorized", failLogin(plain, "10.40.0." + i));
    }
    assertEquals("rate_limited", failLogin(plain, "10.40.0.99"));
    assertEquals("rate_limited", failLogin(plain, null));
  }

  /**
   * Connections per address count the forwarded client, not the proxy: one client address gets
   * 4, another gets its own 4, though all come from the proxy's one address.
   */
  @Test
  void connectionsPerAddressCountTheForwardedClient() throws Exception {
    URI uri = trusting.process().wsUri();
    List<WireClient> open = new ArrayList<>();
    for (String client : List.of("10.50.0.1", "10.50.0.2")) {
      for (int i = 0; i < 4; i++) {
        open.add(trusting.wire().connect(forwardedFor(client)));
      }
    }
    assertFalse(WireClient.handshakeSucceeds(uri, forwardedFor("10.50.0.1")),
        "a fifth connection of one client was accepted");
    try (WireClient other = WireClient.connect(uri, forwardedFor("10.50.0.3"))) {
      other.ok(Frames.of("type", "ping"));
    }
    for (WireClient c : open) {
      assertTrue(c.isOpen());
    }
    // Once one closes, that client may connect again (the server may take a moment to see it).
    open.remove(0).close();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!WireClient.handshakeSucceeds(uri, forwardedFor("10.50.0.1"))) {
      assertTrue(System.nanoTime() < deadline, "the closed connection still counts");
    }
  }
}
