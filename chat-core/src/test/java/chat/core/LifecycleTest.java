package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.core.memory.InMemoryStoreModule;
import chat.protocol.Event;
import chat.protocol.Limits;
import chat.protocol.Request;
import com.google.inject.Guice;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  @Test
  void helloAdvertisesTheConfiguredLimitsAndTheStoreEpoch() {
    try (TestChat chat = new TestChat(ChatConfig.builder().sendPerSecond(3).historyMax(77))) {
      EventRecorder recorder = new EventRecorder();
      new chat.core.local.LocalTransport(chat.core.service()).connect(recorder);

      Event.Hello hello = recorder.next(Event.Hello.class);

      assertEquals(1, hello.protocol());
      assertEquals(ChatConfig.DEFAULT_SERVER_NAME, hello.server());
      assertEquals(chat.core.instance(chat.core.store.MessageStore.class).epoch(), hello.epoch());
      assertEquals(new Limits(65_536, 4_000, 77, 3, 30, 10_000), hello.limits());
    }
  }

  @Test
  void stopClosesEverySessionWithGoingAway() {
    TestChat chat = new TestChat();
    TestClient alice = chat.user("alice");
    TestClient anonymous = chat.connect();

    chat.core.close();

    assertEquals(CloseCodes.GOING_AWAY, alice.events.nextClose().code());
    assertEquals(CloseCodes.GOING_AWAY, anonymous.events.nextClose().code());
    assertFalse(alice.client.send(new Request.Ping("1")));
    chat.close();
  }

  @Test
  void aClientThatDoesNotKeepUpIsClosedAsSlowConsumerNotSilentlySkipped() {
    try (TestChat chat = new TestChat(ChatConfig.builder().sendBurst(1_000).sendPerSecond(1_000),
        20)) {
      TestClient alice = chat.user("alice");
      java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
      EventRecorder bobEvents = new EventRecorder();
      TestClient bob = new TestClient(
          new chat.core.local.LocalTransport(chat.core.service(), 20).connect(
              new chat.core.local.ClientListener() {
                @Override public void onEvent(Event event) {
                  bobEvents.onEvent(event);
                  if (event instanceof Event.Message) {
                    awaitQuietly(stuck); // bob stops reading at his first message
                  }
                }

                @Override public void onClose(int code, String reason) {
                  bobEvents.onClose(code, reason);
                }
              }), bobEvents);
      bobEvents.next(Event.Hello.class);
      bob.register("bob");

      for (int i = 0; i < 40 && bob.client.isOpen(); i++) {
        alice.send("@bob", "message " + i);
      }
      stuck.countDown();

      assertFalse(bob.client.isOpen());
      Object last = null;
      for (Object e : drainUntilClosed(bobEvents)) {
        last = e;
      }
      assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "slow consumer"), last);
    }
  }

  @Test
  void buildingTheInjectorStartsNoThreads() {
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    ChatService service = Guice.createInjector(
        new ChatCoreModule(ChatConfig.defaults()), new InMemoryStoreModule())
        .getInstance(ChatService.class);

    java.util.Set<Thread> created = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
    created.removeAll(before);
    assertEquals(java.util.Set.of(), created, "threads started while building the injector");
    assertThrows(IllegalStateException.class, () -> service.open(new Session() {
      @Override public boolean send(Outbound event) { return true; }

      @Override public void close(int code, String reason) {}
    }), "open before start");
  }

  @Test
  void everyStoreHasItsOwnEpoch() {
    try (TestChat a = new TestChat(); TestChat b = new TestChat()) {
      assertNotEquals(
          a.core.instance(chat.core.store.MessageStore.class).epoch(),
          b.core.instance(chat.core.store.MessageStore.class).epoch());
    }
  }

  private static java.util.List<Object> drainUntilClosed(EventRecorder recorder) {
    java.util.List<Object> all = new java.util.ArrayList<>();
    for (;;) {
      Object next = recorder.nextObject();
      all.add(next);
      if (next instanceof EventRecorder.Closed) {
        return all;
      }
    }
  }

  private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
    try {
      latch.await(EventRecorder.TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
