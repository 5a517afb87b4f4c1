package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The login-starvation probe against the packaged jar with its real password hashing
 * (the default iterations: about ten hashes a second on a two-core machine). Crowds of wrong
 * passwords, from many addresses or from one, must not make a real user's sign-in wait past its
 * deadline, and a crowd that hung up must not keep the server hashing for nobody.
 */
class LoginStarvationIT {
  private static final int ATTACKERS = 200;
  /** Well within the 10 s sign-in deadline, and far below what hashing a crowd takes. */
  private static final long PROMPT_MS = 4_000;

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
      "--password-iterations", "600000", "--trusted-proxies", "127.0.0.1",
      "--requests-per-second", "100000", "--request-burst", "100000");
  private static String victim;
  private final WireClients wire = shared.wire();

  @BeforeAll
  static void registerVictim() throws Exception {
    try (WireClient c = WireClient.connect(shared.process().wsUri(),
        Map.of("X-Forwarded-For", "10.250.0.1"))) {
      victim = c.register(WireClients.unique("victim")).user;
    }
  }

  private WireClient from(String address) throws InterruptedException {
    return wire.connect(Map.of("X-Forwarded-For", address));
  }

  /** Fires one login on each connection; returns the ids, in the connections' order. */
  private static List<String> fireLogins(List<WireClient> crowd, String user, boolean sameName) {
    List<String> ids = new ArrayList<>();
    for (WireClient c : crowd) {
      String id = WireClient.nextId();
      c.fire(Frames.of("type", "login", "id", id, "user",
          sameName ? user : WireClients.unique("guess"), "password", "not the password"));
      ids.add(id);
    }
    return ids;
  }

  /**
   * Signs the victim in from a fresh address: answered within {@link #PROMPT_MS}, ok or at once
   * rate_limited; retried after retryAfterMs (on a new connection) until ok, within
   * {@code deadlineMs}. Returns the milliseconds until the ok.
   */
  private long signIn(long deadlineMs) throws InterruptedException {
    long start = System.nanoTime();
    for (int attempt = 0; ; attempt++) {
      WireClient user = from("10.251." + attempt + ".1");
      long sent = System.nanoTime();
      JsonObject reply = user.request(Frames.of("type", "login", "user", victim,
          "password", WireClient.PASSWORD));
      long tookMs = (System.nanoTime() - sent) / 1_000_000;
      assertTrue(tookMs < PROMPT_MS, "a sign-in was answered after " + tookMs + " ms: " + reply);
      assertTrue(user.isOpen(), "the real user was closed: " + user.closeReason);
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      if (reply.get("type").getAsString().equals("ok")) {
        return elapsedMs;
      }
      assertEquals("rate_limited", reply.get("code").getAsString(), reply.toString());
      long retryAfterMs = reply.get("retryAfterMs").getAsLong();
      assertTrue(retryAfterMs > 0, reply.toString());
      assertTrue(elapsedMs < deadlineMs, "not signed in within " + deadlineMs + " ms");
      TimeUnit.MILLISECONDS.sleep(Math.min(retryAfterMs, 500)); // the client's back-off
    }
  }

  /**
   * 200 connections from 200 addresses each send a wrong password for the victim's name; the
   * victim, from another address, is answered at once; once the crowd hangs up, the server has
   * no hashing left for it and the victim signs in promptly.
   */
  @Test
  void aCrowdOfAddressesNeitherStarvesARealSignInNorOutlivesItsConnections() throws Exception {
    List<WireClient> crowd = new ArrayList<>();
    for (int i = 0; i < ATTACKERS; i++) {
      crowd.add(from("10.252." + (i / 250) + "." + (i % 250 + 1)));
    }
    fireLogins(crowd, victim, true);

    WireClient user = from("10.253.0.1");
    long sent = System.nanoTime();
    JsonObject reply = user.request(Frames.of("type", "login", "user", victim,
        "password", WireClient.PASSWORD));
    long tookMs = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(tookMs < PROMPT_MS, "the real sign-in waited " + tookMs + " ms behind the crowd");
    if (reply.get("type").getAsString().equals("error")) {
      assertEquals("rate_limited", reply.get("code").getAsString(), reply.toString());
      assertTrue(reply.get("retryAfterMs").getAsLong() > 0, reply.toString());
    }
    assertTrue(user.isOpen(), "closed: " + user.closeReason);

    for (WireClient c : crowd) {
      c.close();
    }
    long tookToSignIn = signIn(PROMPT_MS);
    assertTrue(tookToSignIn < PROMPT_MS, "the server kept hashing for closed connections: "
        + tookToSignIn + " ms to sign in");
  }

  /**
   * 200 connections from one address, each a wrong password for another name: beyond the
   * address's 20, every one is refused rate_limited without hashing, so all are answered in far
   * less time than hashing them would take.
   */
  @Test
  void aCrowdFromOneAddressIsRefusedBeyondTheLimitWithoutHashing() throws Exception {
    List<WireClient> crowd = new ArrayList<>();
    for (int i = 0; i < ATTACKERS; i++) {
      crowd.add(from("10.254.0.1"));
    }
    long start = System.nanoTime();
    List<String> ids = fireLogins(crowd, null, false);
    Map<String, Integer> codes = new HashMap<>();
    for (int i = 0; i < crowd.size(); i++) {
      JsonObject reply = crowd.get(i).awaitReply(ids.get(i));
      String code = reply.get("code").getAsString();
      if (code.equals("rate_limited")) {
        assertTrue(reply.get("retryAfterMs").getAsLong() > 0, reply.toString());
      }
      codes.merge(code, 1, Integer::sum);
    }
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(codes.getOrDefault("unauthorized", 0) <= 20, codes.toString());
    assertTrue(codes.getOrDefault("rate_limited", 0) >= ATTACKERS - 20, codes.toString());
    assertEquals(ATTACKERS, codes.values().stream().mapToInt(Integer::intValue).sum());
    // Hashing 200 would take some 20 s; hashing 20 about 2.
    assertTrue(tookMs < 8_000, "answering the crowd took " + tookMs + " ms: " + codes);
    for (WireClient c : crowd) {
      c.close();
    }
    signIn(PROMPT_MS * 2);
  }
}
