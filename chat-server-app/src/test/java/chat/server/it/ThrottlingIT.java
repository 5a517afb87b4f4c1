package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md "Account" (failed logins are slowed), "Client address" and "Details of the
 * additions" against the packaged jar: login throttling per name at an address and per address,
 * with growing retryAfterMs, also for the right password; token logins never throttled;
 * addresses judged separately; registrations per address; typing notices per user. The server
 * trusts 127.0.0.1 as a proxy, so each test speaks from addresses of its own through
 * X-Forwarded-For.
 */
class ThrottlingIT {
  private static final int REGISTRATIONS_PER_HOUR = 3;
  private static final AtomicInteger addresses = new AtomicInteger();

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
      "--trusted-proxies", "127.0.0.1",
      "--registrations-per-ip-per-hour", String.valueOf(REGISTRATIONS_PER_HOUR),
      "--requests-per-second", "100000", "--request-burst", "100000");
  private final WireClients wire = shared.wire();

  /** An address no other test uses: 10.x.y.1. */
  static String newAddress() {
    int n = addresses.incrementAndGet();
    return "10." + (n / 250) + "." + (n % 250) + ".1";
  }

  /** A connection whose client address is {@code address}, as told by the trusted proxy. */
  WireClient from(String address) throws InterruptedException {
    return wire.connect(Map.of("X-Forwarded-For", address));
  }

  /** A new account, registered from an address of its own. */
  String account(String base) throws InterruptedException {
    return from(newAddress()).register(WireClients.unique(base)).user;
  }

  JsonObject login(String address, String user, String password) throws InterruptedException {
    return from(address).request(Frames.of("type", "login", "user", user, "password", password));
  }

  static void assertCode(String code, JsonObject reply) {
    assertEquals("error", reply.get("type").getAsString(), reply.toString());
    assertEquals(code, reply.get("code").getAsString(), reply.toString());
  }

  static long retryAfter(JsonObject rateLimited) {
    assertCode("rate_limited", rateLimited);
    long ms = rateLimited.get("retryAfterMs").getAsLong();
    assertTrue(ms > 0, rateLimited.toString());
    return ms;
  }

  /**
   * After 5 wrong passwords for one name at one address, every further attempt there, the right
   * password included, is rate_limited with a growing retryAfterMs; a token login still works,
   * and so do another name at that address and that name at another address.
   */
  @Test
  void fiveWrongPasswordsForANameThrottleItWithGrowingWaits() throws Exception {
    WireClient alice = from(newAddress()).register(WireClients.unique("alice"));
    String bob = account("bob");
    String attacker = newAddress();
    for (int i = 0; i < 5; i++) {
      assertCode("unauthorized", login(attacker, alice.user, "wrong password " + i));
    }
    long first = retryAfter(login(attacker, alice.user, WireClient.PASSWORD));
    long second = retryAfter(login(attacker, alice.user, "wrong again"));
    long third = retryAfter(login(attacker, alice.user, WireClient.PASSWORD));
    assertTrue(first < second && second < third, first + ", " + second + ", " + third);

    from(attacker).loginWithToken(alice.token);
    from(attacker).login(bob, WireClient.PASSWORD);
    from(newAddress()).login(alice.user, WireClient.PASSWORD);
    assertTrue(alice.isOpen());
  }

  /**
   * 20 failures from one address (each for another name) refuse every further password login
   * from it, for any name and the right password; token logins and other addresses go on.
   */
  @Test
  void twentyFailuresFromOneAddressThrottleTheAddress() throws Exception {
    WireClient carol = from(newAddress()).register(WireClients.unique("carol"));
    String attacker = newAddress();
    WireClient one = from(attacker);
    for (int i = 0; i < 20; i++) {
      // Also on one connection, one attempt after another.
      assertCode("unauthorized", one.request(Frames.of("type", "login",
          "user", WireClients.unique("guess"), "password", "wrong password")));
    }
    long first = retryAfter(login(attacker, carol.user, WireClient.PASSWORD));
    long second = retryAfter(one.request(Frames.of("type", "login", "user", carol.user,
        "password", WireClient.PASSWORD)));
    assertTrue(first < second, first + " then " + second);
    from(attacker).loginWithToken(carol.token);
    from(newAddress()).login(carol.user, WireClient.PASSWORD);
  }

  /**
   * Concurrent attempts count while they are checked: 60 connections from one address firing
   * wrong passwords at once get at most 20 checks; the rest are refused rate_limited.
   */
  @Test
  void aBurstFromOneAddressCannotSlipPastTheLimit() throws Exception {
    String attacker = newAddress();
    List<WireClient> burst = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      burst.add(from(attacker));
    }
    List<String> ids = new ArrayList<>();
    for (WireClient c : burst) {
      String id = WireClient.nextId();
      JsonObject r = Frames.of("type", "login", "user", WireClients.unique("burst"),
          "password", "wrong password", "id", id);
      c.fire(r);
      ids.add(id);
    }
    Map<String, Integer> codes = new HashMap<>();
    for (int i = 0; i < burst.size(); i++) {
      JsonObject reply = burst.get(i).awaitReply(ids.get(i));
      codes.merge(reply.get("code").getAsString(), 1, Integer::sum);
    }
    assertEquals(60, codes.values().stream().mapToInt(Integer::intValue).sum(), codes.toString());
    assertTrue(codes.getOrDefault("unauthorized", 0) <= 20, codes.toString());
    assertTrue(codes.getOrDefault("rate_limited", 0) >= 40, codes.toString());
    assertEquals(2, codes.size(), codes.toString());
  }

  /** Registrations per address per hour; another address is not slowed. */
  @Test
  void registrationsBeyondTheLimitOfAnAddressAreRateLimited() throws Exception {
    String address = newAddress();
    for (int i = 0; i < REGISTRATIONS_PER_HOUR; i++) {
      from(address).register(WireClients.unique("reg"));
    }
    JsonObject refused = from(address).request(Frames.of("type", "register",
        "user", WireClients.unique("reg"), "password", WireClient.PASSWORD));
    retryAfter(refused);
    from(newAddress()).register(WireClients.unique("reg"));
  }

  /**
   * A stranger floods typing notices at a user: beyond the burst of 10 and 3 a second they are
   * refused rate_limited, and the user gets only the allowed few, not hundreds.
   */
  @Test
  void aTypingFloodIsLimitedAndReachesTheTargetOnlyAFewTimes() throws Exception {
    WireClient bob = from(newAddress()).register(WireClients.unique("bob"));
    WireClient mallory = from(newAddress()).register(WireClients.unique("mallory"));
    long start = System.nanoTime();
    for (int i = 0; i < 300; i++) {
      mallory.fire(Frames.of("type", "typing", "conv", "@" + bob.user));
    }
    List<JsonObject> errors = mallory.syncTypes("error");
    double seconds = (System.nanoTime() - start) / 1e9;
    List<JsonObject> typing = bob.syncTypes("typing");
    long allowed = 10 + (long) Math.ceil(3 * seconds) + 1;
    assertTrue(typing.size() >= 10 && typing.size() <= allowed,
        typing.size() + " typing notices delivered in " + seconds + " s");
    assertEquals(300 - typing.size(), errors.size());
    for (JsonObject e : errors) {
      retryAfter(e);
    }
    assertEquals("@" + mallory.user, typing.get(0).get("conv").getAsString());
    assertTrue(mallory.isOpen());
  }
}
