package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import chat.core.local.ClientListener;
import chat.core.local.LocalTransport;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What core tells {@link ChatMetrics}: each event it counts moves its count by exactly what
 * happened, and nothing else moves. (The same numbers as Prometheus series of the packaged
 * server: MetricsIT; the bus' counts: ClusterTest.)
 */
class MetricsTest {

  @Test
  void goodAndFailedSignInsCountOncePerAttempt() {
    try (TestChat chat = new TestChat()) {
      TestClient alice = chat.user("alice");
      chat.metrics.await(Map.of("signedIn", 1L));

      chat.connect().error(new Request.Login(TestClient.nextId(), "alice", "wrong guess"),
          ErrorCode.UNAUTHORIZED);
      chat.connect().error(new Request.TokenLogin(TestClient.nextId(), "no-such-token"),
          ErrorCode.UNAUTHORIZED);
      chat.metrics.await(Map.of("signedIn", 1L, "signInFailed", 2L));

      chat.connect().ok(new Request.Login(TestClient.nextId(), "alice", TestChat.PASSWORD),
          Result.Auth.class);
      chat.secondSession(alice); // by token
      chat.metrics.await(Map.of("signedIn", 3L, "signInFailed", 2L));
    }
  }

  @Test
  void aSendCountsOnceAndItsDeliveriesOncePerConnectionReached() {
    try (TestChat chat = new TestChat()) {
      TestClient alice = chat.user("alice");
      TestClient bob = chat.user("bob");
      TestClient bobsPhone = chat.secondSession(bob);
      chat.user("carol").close(); // a member with no connection: nothing delivered to her
      alice.createRoom("general", false);
      bob.join("general");

      alice.ok(new Request.Send(TestClient.nextId(), "#general", "hello", "c-1"),
          Result.Sent.class);
      bob.events.skipTo(Event.Message.class);
      bobsPhone.events.skipTo(Event.Message.class);
      chat.metrics.await(Map.of("signedIn", 4L, "sent", 1L, "delivered", 3L));

      // A repeated send is acknowledged again (counted) but not delivered again.
      alice.ok(new Request.Send(TestClient.nextId(), "#general", "hello", "c-1"),
          Result.Sent.class);
      alice.send("@carol", "only my own copy goes out");
      chat.metrics.await(Map.of("signedIn", 4L, "sent", 3L, "delivered", 4L));
    }
  }

  @Test
  void aRateLimitedSendCountsAsRateLimitedNotAsSent() {
    try (TestChat chat = new TestChat(ChatConfig.builder().sendPerSecond(1).sendBurst(1))) {
      TestClient alice = chat.user("alice");
      chat.user("bob");
      alice.send("@bob", "one");
      alice.error(new Request.Send(TestClient.nextId(), "@bob", "two", "c-2"),
          ErrorCode.RATE_LIMITED);
      chat.metrics.await(Map.of("signedIn", 2L, "sent", 1L, "delivered", 2L,
          "rateLimited", 1L));
    }
  }

  @Test
  void aFloodCloseCountsOnceAndAClientsOwnCloseNotAtAll() {
    try (TestChat chat = new TestChat(ChatConfig.builder().requestsPerSecond(5)
        .requestBurst(10))) {
      TestClient calm = chat.user("calm");
      calm.close();
      assertEquals(CloseCodes.NORMAL, calm.events.nextClose().code());

      TestClient flood = chat.connect();
      for (int i = 0; i < 30; i++) {
        flood.client.send(new Request.Ping(null));
      }
      assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "flood"),
          flood.events.nextClose());
      chat.metrics.await(Map.of("signedIn", 1L, "closed:FLOOD", 1L));
    }
  }

  @Test
  void anAuthTimeoutCloseCountsOnceAndAPromptSignInNotAtAll() {
    try (TestChat chat = new TestChat(ChatConfig.builder().authTimeoutMs(200))) {
      TestClient idle = chat.connect();
      TestClient prompt = chat.connect();
      prompt.register("alice");
      assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION,
          "authentication timeout"), idle.events.nextClose());
      prompt.assertQuiet(); // past its deadline too, and open
      chat.metrics.await(Map.of("signedIn", 1L, "closed:AUTH_TIMEOUT", 1L));
    }
  }

  @Test
  void aSlowConsumerCloseOfTheLocalTransportCountsOnce() throws Exception {
    try (TestChat chat = new TestChat(ChatConfig.builder().sendBurst(1_000)
        .sendPerSecond(1_000))) {
      TestClient alice = chat.user("alice");
      CountDownLatch stuck = new CountDownLatch(1);
      EventRecorder bobEvents = new EventRecorder();
      LocalTransport small = new LocalTransport(chat.core.service(), 20, chat.metrics);
      TestClient bob = new TestClient(small.connect(new ClientListener() {
        @Override
        public void onEvent(Event event) {
          bobEvents.onEvent(event);
          if (event instanceof Event.Message) {
            try {
              stuck.await(10, TimeUnit.SECONDS); // bob stops reading at his first message
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }

        @Override
        public void onClose(int code, String reason) {
          bobEvents.onClose(code, reason);
        }
      }), bobEvents);
      try {
        bobEvents.next(Event.Hello.class);
        bob.register("bob");
        for (int i = 0; i < 60 && bob.client.isOpen(); i++) {
          alice.send("@bob", "message " + i);
        }
        assertFalse(bob.client.isOpen(), "bob was never closed");
        // A send that still finds his session after the close does not count again.
        alice.send("@bob", "after the close");
        chat.metrics.await("closed:SLOW_CONSUMER", 1);
        assertEquals(Map.of("closed:SLOW_CONSUMER", 1L), closes(chat.metrics));
      } finally {
        stuck.countDown();
        small.close();
      }
    }
  }

  private static Map<String, Long> closes(RecordingMetrics metrics) {
    Map<String, Long> closes = metrics.counts();
    closes.keySet().removeIf(name -> !name.startsWith("closed:"));
    return closes;
  }
}
