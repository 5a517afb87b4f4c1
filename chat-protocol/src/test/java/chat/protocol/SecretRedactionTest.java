package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Passwords and tokens never show in {@code toString()}, so logging a request, a decode result or
 * an auth reply cannot leak them; the non-secret fields stay visible for debugging.
 */
class SecretRedactionTest {

  private static final String SECRET = "s3cr3t-Hunter2-XYZZY";

  private final FrameCodec codec = new FrameCodec();

  private static void assertRedacted(Object value, String... visible) {
    String text = String.valueOf(value);
    assertFalse(text.contains(SECRET), "secret leaked: " + text);
    assertTrue(text.contains("<redacted>"), text);
    for (String v : visible) {
      assertTrue(text.contains(v), "expected " + v + " in " + text);
    }
  }

  @Test
  void registerHidesPassword() {
    assertRedacted(new Request.Register("r1", "alice", SECRET), "r1", "alice");
  }

  @Test
  void loginHidesPassword() {
    assertRedacted(new Request.Login("r2", "alice", SECRET), "r2", "alice");
  }

  @Test
  void tokenLoginHidesToken() {
    assertRedacted(new Request.TokenLogin("r3", SECRET), "r3");
  }

  @Test
  void passwordChangeHidesBothPasswords() {
    Request.ChangePassword r = new Request.ChangePassword("r5", SECRET, SECRET + "-new");
    assertRedacted(r, "r5");
    assertRedacted(codec.decodeRequest(codec.encode(r)), "r5");
  }

  @Test
  void deleteAccountHidesPassword() {
    Request.DeleteAccount r = new Request.DeleteAccount("r6", SECRET);
    assertRedacted(r, "r6");
    assertRedacted(codec.decodeRequest(codec.encode(r)), "r6");
  }

  /** The auth reply, alone and wrapped in an ok event, hides the token. */
  @Test
  void authResultHidesToken() {
    Result.Auth auth = new Result.Auth("alice", SECRET, 1_735_000_000_000L);
    assertRedacted(auth, "alice", "1735000000000");
    assertRedacted(new Event.Ok("r4", auth), "r4", "alice");
  }

  /** A decoded frame, logged as its DecodeResult, hides the secret too. */
  @Test
  void decodeResultHidesSecrets() {
    for (Request request : List.of(new Request.Register("1", "alice", SECRET),
        new Request.Login("1", "alice", SECRET), new Request.TokenLogin("1", SECRET))) {
      DecodeResult result = codec.decodeRequest(codec.encode(request));
      assertRedacted(result, "alice".equals(userOf(request)) ? "alice" : "1");
    }
    assertRedacted(codec.decodeEvent(codec.encode(
        new Event.Ok("1", new Result.Auth("alice", SECRET, 5)))), "alice");
  }

  /** Redaction is only in toString: the secret is still on the wire and in the record. */
  @Test
  void secretStillTravels() {
    assertTrue(codec.encode(new Request.Login("1", "alice", SECRET)).contains(SECRET));
    assertTrue(codec.encode(new Request.TokenLogin("1", SECRET)).contains(SECRET));
    assertTrue(codec.encode(new Event.Ok("1", new Result.Auth("a", SECRET, 1))).contains(SECRET));
  }

  /** A bad request's reason never quotes a password or token back. */
  @Test
  void invalidReasonsDoNotQuoteSecrets() {
    List<String> frames = List.of(
        "{\"type\":\"login\",\"id\":\"1\",\"token\":\"" + SECRET + "\",\"password\":\"" + SECRET
            + "\"}",
        "{\"type\":\"register\",\"id\":\"1\",\"password\":\"" + SECRET + "\"}",
        "{\"type\":\"login\",\"id\":\"1\",\"user\":\"alice\",\"password\":\"" + SECRET + "\"} x",
        "{\"type\":\"login\",\"id\":\"1\",\"password\":\"" + SECRET + "\",\"password\":\"x\"}");
    for (String frame : frames) {
      DecodeResult result = codec.decodeRequest(frame);
      assertTrue(result instanceof DecodeResult.Invalid, frame);
      assertFalse(result.toString().contains(SECRET), result.toString());
    }
  }

  private static String userOf(Request request) {
    if (request instanceof Request.Register r) {
      return r.user();
    }
    if (request instanceof Request.Login l) {
      return l.user();
    }
    return null;
  }
}
