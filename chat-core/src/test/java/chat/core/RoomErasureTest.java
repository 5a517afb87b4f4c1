package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.memory.InMemoryStoreModule;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.FileStore;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
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

  /** The in-memory stores, one set: the message store attaches the file store's uploads. */
  private final Injector stores = Guice.createInjector(new InMemoryStoreModule());
  private final MessageStore store = stores.getInstance(MessageStore.class);
  private final AccountStore accountStore = stores.getInstance(AccountStore.class);
  private final CountDownLatch erasing = new CountDownLatch(1);
  private final CountDownLatch letGo = new CountDownLatch(1);
  private volatile String erasedOn;
  /** Run once: when a room is next looked up; after an account is next deleted. */
  private final AtomicReference<Runnable> onRoomLookUp = new AtomicReference<>();
  private final AtomicReference<Runnable> afterAccountDeleted = new AtomicReference<>();

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
      bind(FileStore.class).toInstance(stores.getInstance(FileStore.class));
      bind(AccountStore.class).toInstance(Around.wrap(AccountStore.class, accountStore,
          (method, args, call) -> {
            if (method.equals("room")) {
              runOnce(onRoomLookUp);
            }
            Object result = call.proceed();
            if (method.equals("deleteAccount")) {
              runOnce(afterAccountDeleted);
            }
            return result;
          }));
    }
  });

  private static void runOnce(AtomicReference<Runnable> task) {
    Runnable r = task.getAndSet(null);
    if (r != null) {
      r.run();
    }
  }

  private void fill(ConvId conv, long messages) {
    for (long i = 1; i <= messages; i++) {
      RecordingAppendListener stored = new RecordingAppendListener();
      store.append(new NewMessage(conv, "alice", "old " + i, "old-" + i, i), stored);
      stored.awaitStored();
    }
  }

  /** Lets the erasure of #big end; then {@code who} creates #big again and finds it empty. */
  private void createdAgainEmptyOnceErased(TestClient who) {
    letGo.countDown();
    awaitErased("big");
    who.ok(create("big"), Result.Created.class);
    assertEquals(List.of(), who.history("#big", null, null, null).messages());
  }

  /** The next member event telling {@code client} a room was deleted (others skipped). */
  private static Event.Member deletedEvent(TestClient client) {
    Event.Member told;
    do {
      told = client.events.skipTo(Event.Member.class);
    } while (!told.action().equals("deleted"));
    return told;
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

    assertEquals(new Event.Member("#big", "bob", "deleted"), deletedEvent(bob));
    assertTrue(erasing.await(10, TimeUnit.SECONDS), "the erasure began");
    assertTrue(erasedOn.startsWith("chat-erasure-"), erasedOn);
    Event.Error refused = bob.error(create("big"), ErrorCode.CONFLICT);
    assertTrue(refused.message().contains("still being erased"), refused.message());

    createdAgainEmptyOnceErased(bob);
    assertEquals(1, bob.send("#big", "a new start").seq());
  }

  @Test
  void theFilesOfABigRoomAreGoneWithItWhileItsHistoryIsErased() throws Exception {
    TestClient alice = chat.user("alice");
    alice.createRoom("big", false);
    FileService files = chat.core.instance(FileService.class);
    FileService.Upload upload = files.begin("alice", "plan.txt", "text/plain", -1);
    upload.write(ByteBuffer.wrap("the plan".getBytes(StandardCharsets.UTF_8)));
    String id = upload.finish().id();
    alice.ok(new Request.Send(TestClient.nextId(), "#big", "", "c-plan", null, List.of(id)),
        Result.Sent.class);
    fill(BIG, RoomErasures.AT_ONCE + 1);
    assertTrue(files.download(id).isPresent());

    alice.ok(new Request.DeleteRoom(TestClient.nextId(), "big"));
    assertTrue(erasing.await(10, TimeUnit.SECONDS), "the erasure began");
    assertEquals(Optional.empty(), files.download(id), "served while the history is erased");
    letGo.countDown();
  }

  @Test
  void aSmallRoomIsErasedBeforeTheDeletionIsAnswered() {
    TestClient alice = chat.user("alice");
    alice.createRoom("small", false);
    fill(ConvId.room("small"), RoomErasures.AT_ONCE);

    alice.ok(new Request.DeleteRoom(TestClient.nextId(), "small"));
    assertEquals(0, store.lastSeq(ConvId.room("small")), "erased before the ok");

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

    createdAgainEmptyOnceErased(mallory);
  }

  @Test
  void anExistingRoomsHistoryIsItsOwn() {
    TestClient alice = chat.user("alice");
    alice.createRoom("kept", false);
    alice.send("#kept", "still here");

    alice.error(create("kept"), ErrorCode.CONFLICT);

    assertEquals(1, alice.history("#kept", null, null, null).messages().size());
  }

  /**
   * A creation that found the room still there, and a deletion of it: one after the other, never
   * interleaved, so the creation cannot insert a room on top of the history being erased.
   */
  @Test
  void aCreationCheckedBeforeADeletionDoesNotCreateOnTopOfItsHistory() throws Exception {
    TestClient alice = chat.user("alice");
    alice.createRoom("big", false);
    fill(BIG, RoomErasures.AT_ONCE + 1);
    TestClient mallory = chat.user("mallory");
    CompletableFuture<Event> deletion = new CompletableFuture<>();
    onRoomLookUp.set(() -> {
      // The creation has found #big: now its owner deletes it (the deletion waits for the
      // creation to end; before, it went through here, within the wait).
      CompletableFuture.runAsync(() -> deletion.complete(
          alice.call(new Request.DeleteRoom(TestClient.nextId(), "big"))));
      try {
        deletion.get(500, TimeUnit.MILLISECONDS);
      } catch (TimeoutException expected) {
        // the deletion waits for this creation
      } catch (InterruptedException | ExecutionException e) {
        throw new AssertionError(e);
      }
    });

    Event.Error refused = mallory.error(create("big"), ErrorCode.CONFLICT);

    assertTrue(refused.message().contains("already exists"), refused.message());
    assertInstanceOf(Event.Ok.class, deletion.get(10, TimeUnit.SECONDS));
    createdAgainEmptyOnceErased(mallory);
  }

  /**
   * An account deletion that removed a room (its last member) is told to erase it only once the
   * account store is done; a room of that name created in between keeps what it was sent.
   */
  @Test
  void aRoomCreatedAgainBeforeItsOldOwnersDeletionEndsKeepsItsMessages() {
    TestClient alice = chat.user("alice");
    alice.createRoom("solo", false);
    alice.send("#solo", "old");
    TestClient mallory = chat.user("mallory");
    afterAccountDeleted.set(() -> {
      mallory.createRoom("solo", false); // the leftover is erased here
      mallory.send("#solo", "mine");
    });

    alice.ok(new Request.DeleteAccount(TestClient.nextId(), TestChat.PASSWORD));

    assertEquals(List.of("mine"), mallory.history("#solo", null, null, null).messages().stream()
        .map(Event.Message::text).toList());
  }

  /** The operator's tool tells the server before it erases the history (which may take long). */
  @Test
  void anOperatorsDeletionIsToldBeforeItsHistoryIsErased() throws Exception {
    TestClient alice = chat.user("alice");
    alice.createRoom("big", false);
    TestClient bob = chat.user("bob");
    bob.join("big");
    Operations ops = chat.core.operations();
    CompletableFuture<List<String>> deleted = CompletableFuture.supplyAsync(
        () -> ops.deleteRoom("big"));
    assertTrue(erasing.await(10, TimeUnit.SECONDS), "the operator's erasure began");

    chat.core.instance(OperatorActions.class).poll(); // what the server does every second

    assertEquals(new Event.Member("#big", "bob", "deleted"), deletedEvent(bob));
    letGo.countDown();
    assertEquals(List.of("alice", "bob"), deleted.get(10, TimeUnit.SECONDS).stream().sorted()
        .toList());
  }
}
