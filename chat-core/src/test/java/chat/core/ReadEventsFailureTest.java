package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.core.memory.InMemoryStoreModule;
import chat.core.store.AccountStore;
import chat.protocol.Event;
import chat.protocol.Request;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A waiting {@code read} event that cannot be sent (the store fails to list the room's members)
 * is lost, but never holds back the reader's later events: they go out as before.
 */
class ReadEventsFailureTest {
  private final AtomicBoolean membersFail = new AtomicBoolean();
  private final AccountStore real =
      Guice.createInjector(new InMemoryStoreModule()).getInstance(AccountStore.class);
  private final AccountStore failing = Around.wrap(AccountStore.class, real,
      (method, args, call) -> {
        if (method.equals("members") && membersFail.get()) {
          throw new IllegalStateException("injected: the store cannot list members");
        }
        return call.proceed();
      });

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder()
      .userLimits(ChatConfig.UserLimits.DEFAULTS.withReadEvents(2, 3)), 10_000,
      new AbstractModule() {
        @Override
        protected void configure() {
          bind(AccountStore.class).toInstance(failing);
        }
      });

  private static void read(TestClient c, long seq) {
    c.ok(new Request.MarkRead(TestClient.nextId(), "#general", seq));
  }

  @Test
  void aWaitingEventThatFailsDoesNotHoldBackTheNext() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    alice.createRoom("general", false);
    bob.join("general");
    for (int i = 0; i < 5; i++) {
      alice.send("#general", "m" + i);
    }
    for (long seq = 1; seq <= 4; seq++) {
      read(alice, seq); // 1 to 3 told at once, 4 waits
    }
    bob.barrier();
    bob.events.drain();

    membersFail.set(true);
    chat.ticker.advance(Duration.ofMillis(500));
    awaitNoneWaiting(); // the flush ran and failed
    membersFail.set(false);
    bob.assertQuiet(); // 4 was lost with its failure

    chat.ticker.advance(Duration.ofMillis(500));
    read(alice, 5);
    assertEquals(new Event.Read("#general", "alice", 5), bob.events.next(Event.Read.class));
  }

  private void awaitNoneWaiting() {
    ReadEvents events = chat.core.instance(ReadEvents.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (events.waitingUsers() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the failed flush left " + events.waitingUsers() + " waiting");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }
}
