package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user who searches in a loop (each search reads the index, the cheapest request is not) is
 * refused with {@code rate_limited} once past the burst, and told when to try again; another
 * user searches on unhindered.
 */
class SearchRateLimitIT {

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
      "--searches-per-minute", "1", "--requests-per-second", "10000", "--request-burst", "10000");

  @Test
  void aSearchFloodIsRateLimitedPerUser() throws Exception {
    WireClient flooder = shared.wire().user("flooder");
    WireClient other = shared.wire().user("other");
    for (int i = 0; i < 10; i++) {
      flooder.ok(Frames.of("type", "search", "query", "anything " + i));
    }
    JsonObject refused = flooder.error(Frames.of("type", "search", "query", "more"),
        "rate_limited");
    long retry = refused.get("retryAfterMs").getAsLong();
    assertTrue(retry > 1_000 && retry <= 60_000, refused.toString());
    other.ok(Frames.of("type", "search", "query", "unhindered"));
  }
}
