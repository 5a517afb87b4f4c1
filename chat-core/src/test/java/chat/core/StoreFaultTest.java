package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.memory.InMemoryStoreModule;
import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A store that cannot persist a message: the sender gets {@code internal}, nobody receives the
 * message, the connection stays usable, and a resend with the same cid once the store recovers
 * is stored and delivered exactly once.
 */
class StoreFaultTest {
  /** How the store fails an append. */
  enum Fault { NONE, REPORTED, THROWN }

  /** The real in-memory store, with appends that fail while {@link #fault} says so. */
  static final class FaultyStore implements MessageStore {
    private final MessageStore real =
        Guice.createInjector(new InMemoryStoreModule()).getInstance(MessageStore.class);
    volatile Fault fault = Fault.NONE;

    @Override public String epoch() {
      return real.epoch();
    }

    @Override public void append(NewMessage message, AppendListener listener) {
      switch (fault) {
        case REPORTED -> listener.failed(new java.io.IOException("disk full"));
        case THROWN -> throw new IllegalStateException("store closed");
        case NONE -> real.append(message, listener);
      }
    }

    @Override public List<StoredMessage> after(ConvId conv, long afterSeq, int limit) {
      return real.after(conv, afterSeq, limit);
    }

    @Override public List<StoredMessage> before(ConvId conv, long beforeSeq, int limit) {
      return real.before(conv, beforeSeq, limit);
    }

    @Override public long lastSeq(ConvId conv) {
      return real.lastSeq(conv);
    }

    @Override public List<ConvId> directConversations(String user) {
      return real.directConversations(user);
    }

    @Override public void deleteConversation(ConvId conv) {
      real.deleteConversation(conv);
    }

    @Override public java.util.Optional<StoredMessage> message(ConvId conv, long seq) {
      return real.message(conv, seq);
    }

    @Override public chat.core.store.ChangeOutcome change(ConvId conv, long seq,
        chat.core.store.MessageChange change) {
      return real.change(conv, seq, change);
    }

    @Override public long lastRev(ConvId conv) {
      return real.lastRev(conv);
    }

    @Override public List<chat.core.store.StoredUpdate> updatesAfter(ConvId conv, long afterRev,
        int limit) {
      return real.updatesAfter(conv, afterRev, limit);
    }

    @Override public List<StoredMessage> search(chat.core.store.SearchQuery query) {
      return real.search(query);
    }
  }

  private final FaultyStore store = new FaultyStore();
  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder(), 10_000, new AbstractModule() {
    @Override
    protected void configure() {
      bind(MessageStore.class).toInstance(store);
    }
  });

  @Test
  void aFailedAppendIsReportedAsInternalAndDeliversNothing() {
    checkFault(Fault.REPORTED);
  }

  @Test
  void anAppendThatThrowsIsReportedAsInternalAndDeliversNothing() {
    checkFault(Fault.THROWN);
  }

  private void checkFault(Fault fault) {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    alice.createRoom("general", false);
    bob.join("general");
    bob.settle();
    alice.settle();

    store.fault = fault;
    Event.Error dm = alice.error(new Request.Send("1", "@bob", "lost?", "c1"), ErrorCode.INTERNAL);
    assertEquals("1", dm.re());
    alice.error(new Request.Send("2", "#general", "lost?", "c2"), ErrorCode.INTERNAL);

    bob.assertQuiet();
    alice.assertQuiet();
    assertTrue(bob.history("#general", null, null, null).messages().isEmpty());

    // The store recovers; the client retries with the same cids: stored and delivered once.
    store.fault = Fault.NONE;
    Result.Sent sent = alice.ok(new Request.Send("3", "@bob", "lost?", "c1"), Result.Sent.class);
    assertEquals(1, sent.seq());
    assertEquals("c1", bob.events.next(Event.Message.class).cid());
    assertEquals(sent, alice.ok(new Request.Send("4", "@bob", "lost?", "c1"), Result.Sent.class));
    alice.settle();
    bob.assertQuiet();
  }
}
