package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The transport's settings: safe loopback defaults, withers that change one field, validation. */
class WsConfigTest {

  @Test
  void loopbackDefaults() {
    WsConfig c = WsConfig.loopback();
    assertEquals("127.0.0.1", c.host());
    assertEquals(0, c.port());
    assertTrue(c.allowedOrigins().isEmpty());
    assertEquals(30, c.pingIntervalSeconds());
    assertEquals(10_000, c.handshakeTimeoutMs());
    assertEquals(4L << 20, c.maxOutboundBytes());
    assertTrue(c.decoderThreads() >= 1);
    assertNull(c.tls());
    assertEquals("/ws", WsConfig.PATH);
  }

  @Test
  void withersChangeOnlyTheirField() {
    WsConfig base = WsConfig.loopback();
    WsConfig c = base.withPort(8081).withAllowedOrigins(Set.of("https://a.example"))
        .withMaxOutboundBytes(1_000).withHandshakeTimeoutMs(500);
    assertEquals(WsConfig.builder().port(8081).allowedOrigins(Set.of("https://a.example"))
        .handshakeTimeoutMs(500).maxOutboundBytes(1_000).build(), c);
  }

  @Test
  void allowedOriginsAreCopied() {
    Set<String> origins = new HashSet<>(Set.of("https://a.example"));
    WsConfig c = WsConfig.loopback().withAllowedOrigins(origins);
    origins.add("https://evil.example");
    assertEquals(Set.of("https://a.example"), c.allowedOrigins());
    assertThrows(UnsupportedOperationException.class, () -> c.allowedOrigins().add("x"));
  }

  @Test
  void invalidValuesAreRefused() {
    WsConfig c = WsConfig.loopback();
    assertThrows(IllegalArgumentException.class, () -> c.withPort(-1));
    assertThrows(IllegalArgumentException.class, () -> c.withPort(65_536));
    assertThrows(IllegalArgumentException.class, () -> c.withMaxOutboundBytes(0));
    assertThrows(IllegalArgumentException.class, () -> c.withHandshakeTimeoutMs(0));
    assertThrows(IllegalArgumentException.class, () -> WsTestServer.withPingInterval(c, 0));
    assertThrows(NullPointerException.class, () -> WsConfig.builder().host(null).build());
  }

  @Test
  void originsNormaliseCaseAndDefaultPortsOnly() {
    assertEquals("https://chat.example.org", Origins.normalise("HTTPS://Chat.Example.ORG:443")
        .orElseThrow());
    assertEquals("http://localhost:8080", Origins.normalise("http://localhost:8080").orElseThrow());
    assertTrue(Origins.normalise("http://localhost:8080/").isEmpty());
    assertTrue(Origins.normalise("file:///etc/passwd").isEmpty());
    assertTrue(Origins.normalise("null").isEmpty());
    Origins origins = new Origins(Set.of("https://chat.example.org"));
    assertTrue(origins.permits(null));
    assertTrue(origins.permits("https://chat.example.org"));
    assertTrue(!origins.permits("https://chat.example.org.evil.test"));
  }
}
