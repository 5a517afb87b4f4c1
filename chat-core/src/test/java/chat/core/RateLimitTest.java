package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RateLimitTest {
  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().sendPerSecond(2).sendBurst(3));

  @Test
  void sendsBeyondTheBurstAreRateLimitedWithRetryAfterAndNotStored() {
    TestClient alice = chat.user("alice");
    chat.user("bob");
    for (int i = 1; i <= 3; i++) {
      assertEquals(i, alice.send("@bob", "m" + i).seq());
    }

    Event.Error limited = alice.error(new Request.Send("x", "@bob", "too fast", "c-x"),
        ErrorCode.RATE_LIMITED);

    assertNotNull(limited.retryAfterMs());
    assertEquals(500, limited.retryAfterMs(), "one token per 500 ms at 2/s");
    assertEquals(3, alice.history("@bob", null, null, null).messages().size());
  }

  @Test
  void editsReactionsAndDeletingOnesOwnMessagesShareTheSendBucket() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    long seq = alice.send("@bob", "first").seq();
    alice.ok(new Request.React(TestClient.nextId(), "@bob", seq, "👍", true), Result.Changed.class);
    alice.ok(new Request.Edit(TestClient.nextId(), "@bob", seq, "edited"), Result.Changed.class);
    bob.settle();

    alice.error(new Request.React(TestClient.nextId(), "@bob", seq, "🎉", true),
        ErrorCode.RATE_LIMITED);
    alice.error(new Request.Edit(TestClient.nextId(), "@bob", seq, "again"),
        ErrorCode.RATE_LIMITED);
    alice.error(new Request.DeleteMessage(TestClient.nextId(), "@bob", seq),
        ErrorCode.RATE_LIMITED);
    bob.assertQuiet(); // nothing refused was told
    Event.Message kept = alice.history("@bob", null, null, null).messages().get(0);
    assertEquals("edited", kept.text());
    assertEquals(List.of("👍"), List.copyOf(kept.reactions().keySet()));

    chat.ticker.advance(Duration.ofMillis(500));
    alice.ok(new Request.DeleteMessage(TestClient.nextId(), "@bob", seq), Result.Changed.class);
  }

  @Test
  void theBucketRefillsAtTheSustainedRate() {
    TestClient alice = chat.user("alice");
    chat.user("bob");
    for (int i = 0; i < 3; i++) {
      alice.send("@bob", "burst");
    }
    alice.error(new Request.Send("a", "@bob", "x", "c-a"), ErrorCode.RATE_LIMITED);

    chat.ticker.advance(Duration.ofMillis(500));

    assertEquals(4, alice.ok(new Request.Send("b", "@bob", "x", "c-b"), Result.Sent.class).seq());
    alice.error(new Request.Send("c", "@bob", "x", "c-c"), ErrorCode.RATE_LIMITED);
  }

  @Test
  void theLimitIsPerUserAcrossSessions() {
    TestClient alice = chat.user("alice");
    TestClient alicePhone = chat.secondSession(alice);
    TestClient bob = chat.user("bob");
    alice.send("@bob", "1");
    alice.send("@bob", "2");
    alicePhone.send("@bob", "3");

    alicePhone.error(new Request.Send("x", "@bob", "4", "c-4"), ErrorCode.RATE_LIMITED);
    assertEquals(4, bob.send("@alice", "bob has his own bucket").seq());
  }

  @Test
  void aFloodOfRequestsClosesTheConnection() {
    TestChat strict = new TestChat(ChatConfig.builder().requestsPerSecond(5).requestBurst(10));
    try {
      TestClient alice = strict.user("alice"); // 1 request
      for (int i = 0; i < 20; i++) {
        alice.client.send(new Request.Ping(null));
      }
      assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "flood"),
          alice.events.nextClose());
      assertTrue(!alice.client.isOpen());
    } finally {
      strict.close();
    }
  }

  @Test
  void tokenBucketReportsTheWaitUntilTheNextToken() {
    ManualTicker ticker = new ManualTicker();
    TokenBucket bucket = new TokenBucket(ticker, 10, 1);

    assertEquals(0, bucket.tryTake());
    assertEquals(100, bucket.tryTake());
    ticker.advance(Duration.ofMillis(60));
    assertEquals(40, bucket.tryTake());
    ticker.advance(Duration.ofMillis(40));
    assertEquals(0, bucket.tryTake());
    ticker.advance(Duration.ofSeconds(10));
    assertEquals(0, bucket.tryTake());
    assertTrue(bucket.tryTake() > 0, "capacity caps the refill");
  }
}
