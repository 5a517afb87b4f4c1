package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import chat.core.memory.InMemoryStoreModule;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.ReadMarkerListener;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A store that writes read markers later, as the SQL stores do: the read event and the reader's
 * {@code ok} wait until the store says the move is stored; a move it fails to store is an
 * {@code internal} error to the reader and an event to nobody.
 */
class QueuedReadMarkersTest {
  /** Each queued move, counted at once by the real store; its listener called by the test. */
  private final BlockingQueue<Consumer<Boolean>> held = new LinkedBlockingQueue<>();
  private final AccountStore real =
      Guice.createInjector(new InMemoryStoreModule()).getInstance(AccountStore.class);
  private final AccountStore queuing = Around.wrap(AccountStore.class, real,
      (method, args, call) -> {
        if (method.equals("advanceReadMarker") && args.length == 4) {
          boolean moved = real.advanceReadMarker((String) args[0], (ConvId) args[1],
              (Long) args[2]);
          ReadMarkerListener listener = (ReadMarkerListener) args[3];
          held.add(ok -> {
            if (ok) {
              listener.stored(moved);
            } else {
              listener.failed(new IllegalStateException("injected: the disk is gone"));
            }
          });
          return null;
        }
        return call.proceed();
      });

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder(), 10_000, new AbstractModule() {
    @Override
    protected void configure() {
      bind(AccountStore.class).toInstance(queuing);
    }
  });

  private Consumer<Boolean> nextHeld() throws InterruptedException {
    Consumer<Boolean> move = held.poll(EventRecorder.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(move, "the store was asked for no move");
    return move;
  }

  private static CompletableFuture<Event> read(TestClient c, String id, String conv, long seq) {
    c.events.consumeRepliesTo(id);
    return c.client.call(new Request.MarkRead(id, conv, seq));
  }

  @Test
  void theReadEventAndTheOkWaitUntilTheMoveIsStored() throws Exception {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    alice.send("@bob", "one");
    alice.send("@bob", "two");
    alice.settle();
    bob.settle();

    CompletableFuture<Event> reply = read(bob, "read-1", "@alice", 2);
    Consumer<Boolean> move = nextHeld();
    alice.assertQuiet();
    bob.barrier();
    assertFalse(reply.isDone(), "no ok before the move is stored");
    assertEquals(2, bob.ok(new Request.ListConversations(TestClient.nextId()),
        Result.Conversations.class).conversations().get(0).readSeq(), "read back at once");

    move.accept(true);
    assertInstanceOf(Event.Ok.class, reply.get(EventRecorder.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertEquals(new Event.Read("@bob", "bob", 2), alice.events.next(Event.Read.class));
    alice.assertQuiet();
  }

  @Test
  void aMoveTheStoreFailsIsAnInternalErrorAndNoEvent() throws Exception {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    alice.send("@bob", "one");
    alice.settle();
    bob.settle();

    CompletableFuture<Event> reply = read(bob, "read-1", "@alice", 1);
    nextHeld().accept(false);
    Event.Error error = assertInstanceOf(Event.Error.class,
        reply.get(EventRecorder.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertEquals(ErrorCode.INTERNAL, error.code());
    assertEquals("read-1", error.re());
    alice.assertQuiet();
    bob.assertQuiet();
  }
}
