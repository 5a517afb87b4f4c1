package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Limits}: every value must be positive; the defaults are those of PROTOCOL.md. */
class LimitsTest {

  @Test
  void defaults() {
    Limits d = Limits.DEFAULTS;
    assertEquals(65_536, d.maxFrameBytes());
    assertEquals(4_000, d.maxTextChars());
    assertEquals(200, d.historyMax());
    assertEquals(10, d.sendPerSecond());
    assertEquals(30, d.sendBurst());
    assertEquals(10_000, d.authTimeoutMs());
  }

  /** The smallest positive value is accepted everywhere. */
  @Test
  void onesAreAccepted() {
    Limits ones = new Limits(1, 1, 1, 1, 1, 1);
    assertEquals(1, ones.maxFrameBytes());
    assertEquals(1L, ones.authTimeoutMs());
  }

  /** Zero and negative values are rejected, naming the offending component. */
  @ParameterizedTest
  @ValueSource(longs = {0, -1, Integer.MIN_VALUE})
  void nonPositiveRejected(long bad) {
    int b = (int) bad;
    assertRejected("maxFrameBytes", () -> new Limits(b, 1, 1, 1, 1, 1));
    assertRejected("maxTextChars", () -> new Limits(1, b, 1, 1, 1, 1));
    assertRejected("historyMax", () -> new Limits(1, 1, b, 1, 1, 1));
    assertRejected("sendPerSecond", () -> new Limits(1, 1, 1, b, 1, 1));
    assertRejected("sendBurst", () -> new Limits(1, 1, 1, 1, b, 1));
    assertRejected("authTimeoutMs", () -> new Limits(1, 1, 1, 1, 1, bad));
  }

  @Test
  void authTimeoutNegativeLongRejected() {
    assertRejected("authTimeoutMs", () -> new Limits(1, 1, 1, 1, 1, Long.MIN_VALUE));
  }

  /** A hello whose limits break these rules is a malformed frame for the client. */
  @Test
  void helloWithZeroLimitIsMalformed() {
    String frame = "{\"type\":\"hello\",\"protocol\":1,\"server\":\"s\",\"epoch\":\"e\",\"limits\":"
        + "{\"maxFrameBytes\":0,\"maxTextChars\":4000,\"historyMax\":200,\"sendPerSecond\":10,"
        + "\"sendBurst\":30,\"authTimeoutMs\":10000}}";
    MalformedFrameException e = assertThrows(MalformedFrameException.class,
        () -> new FrameCodec().decodeEvent(frame));
    assertTrue(e.getMessage().contains("maxFrameBytes"), e.getMessage());
  }

  private static void assertRejected(String component, Runnable make) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::run);
    assertTrue(e.getMessage().startsWith(component + " must be positive"), e.getMessage());
  }
}
