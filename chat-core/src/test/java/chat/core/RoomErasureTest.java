package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.memory.InMemoryStoreModule;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A deleted room's history is erased off the request's thread when it is big, and its name cannot
 * be created again until the history is gone; a history left without its room is erased when the
 * name is next created. The store here is the in-memory one, whose erasure of #big waits for the
 * test to let it go.
 */
class RoomErasureTest {
  private static final ConvId BIG = ConvId.room("big");

  private final MessageStore store = Guice.createInjector(new InMemoryStoreModule())
      .getInstance(MessageStore.class);
  private final CountDownLatch erasing = new CountDownLatch(1);
  private final CountDownLatch letGo = new CountDownLatch(1);
  private volatile String erasedOn;

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder(), 10_000, new AbstractModule() {
    @Override
    protected void configure() {
      bind(MessageStore.class).toInstance(Around.wrap(MessageStore.class, store,
          (method, args, call) -> {
            if (method.equals("deleteConversation") && args[0].equals(BIG)) {
              erasedOn = Thread.currentThread().getName();
              erasing.countDown();
              letGo.await(10, TimeUnit.SECONDS);
            }
            return call.proceed();
          }));
    }
  });

  private void fill(ConvId conv, long messages) {
    for (long i = 1; i <= messages; i++) {
      RecordingAppendListener stored = new RecordingAppendListener();
      store.append(new NewMessage(conv, "alice", "old " + i, "old-" + i, i), stored);
      stored.awaitStored();
    }
  }

  /** Waits (bounded) until the erasure thread has let go of the name. */
  private void awaitErased(String room) {
    RoomErasures erasures = chat.core.instance(RoomErasures.class);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (erasures.erasing(room)) {
      assertTrue(System.nanoTime() < deadline, "#" + room + " still being erased after 10 s");
      Thread.onSpinWait();
    }
  }

  private static Request.Create create(String room) {
    return new Request.Create(TestClient.nextId(), room, "", false);
  }

  @Test
  void aBigRoomIsDeletedAtOnceAndItsNameWaitsForTheErasure() throws Exception {
    TestClient alice = chat.user("alice");
    alice.createRoom("big", false);
    TestClient bob = chat.user("bob");
    bob.join("big");
    fill(BIG, RoomErasures.AT_ONCE + 1);

    alice.ok(new Request.DeleteRoom(TestClient.nextId(), "big")); // the erasure has not run

    Event.Member told;
    do {
      told = bob.events.skipTo(Event.Member.class);
    } while (!told.action().equals("deleted"));
    assertEquals(new Event.Member("#big", "bob", "deleted"), told);
    assertTrue(erasing.await(10, TimeUnit.SECONDS), "the erasure began");
    assertTrue(erasedOn.startsWith("chat-erasure-"), erasedOn);
    Event.Error refused = bob.error(create("big"), ErrorCode.CONFLICT);
    assertTrue(refused.message().contains("still being erased"), refused.message());

    letGo.countDown();
    awaitErased("big");
    bob.ok(create("big"), Result.Created.class);
    assertEquals(List.of(), bob.history("#big", null, null, null).messages());
    assertEquals(1, bob.send("#big", "a new start").seq());
  }

  @Test
  void aSmallRoomIsErasedBeforeTheDeletionIsAnswered() {
    TestClient alice = chat.user("alice");
    alice.createRoom("small", false);
    fill(ConvId.room("small"), RoomErasures.AT_ONCE);

    alice.ok(new Request.DeleteRoom(TestClient.nextId(), "small"));

    alice.createRoom("small", false);
    assertEquals(List.of(), alice.history("#small", null, null, null).messages());
  }

  @Test
  void aHistoryLeftWithoutItsRoomIsErasedWhenTheNameIsCreated() {
    fill(ConvId.room("ghost"), 3); // e.g. an erasure cut short by a stop
    TestClient mallory = chat.user("mallory");

    mallory.createRoom("ghost", false);

    assertEquals(List.of(), mallory.history("#ghost", null, null, null).messages());
    assertEquals(1, mallory.send("#ghost", "mine").seq());
  }

  @Test
  void aBigHistoryLeftWithoutItsRoomKeepsTheNameUntilItIsErased() throws Exception {
    fill(BIG, RoomErasures.AT_ONCE + 1);
    TestClient mallory = chat.user("mallory");

    mallory.error(create("big"), ErrorCode.CONFLICT);
    assertTrue(erasing.await(10, TimeUnit.SECONDS), "the erasure began");
    mallory.error(create("big"), ErrorCode.CONFLICT);

    letGo.countDown();
    awaitErased("big");
    mallory.ok(create("big"), Result.Created.class);
    assertEquals(List.of(), mallory.history("#big", null, null, null).messages());
  }

  @Test
  void anExistingRoomsHistoryIsItsOwn() {
    TestClient alice = chat.user("alice");
    alice.createRoom("kept", false);
    alice.send("#kept", "still here");

    alice.error(create("kept"), ErrorCode.CONFLICT);

    assertEquals(1, alice.history("#kept", null, null, null).messages().size());
  }
}
