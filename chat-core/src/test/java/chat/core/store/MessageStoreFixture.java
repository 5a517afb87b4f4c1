package chat.core.store;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the message store contracts share: the store under test, how a subclass makes and
 * reopens one, a clock, and helpers to append. A subclass supplies a fresh, empty, started store
 * per test, and says how to reopen it on the same data; a store that keeps nothing skips the
 * durability tests with an assumption.
 */
public abstract class MessageStoreFixture {
  protected static final ConvId GENERAL = ConvId.room("general");
  protected static final ConvId RANDOM = ConvId.room("random");
  protected static final ConvId ALICE_BOB = ConvId.direct("alice", "bob");
  protected static final ConvId ALICE_CAROL = ConvId.direct("carol", "alice");

  /** The store under test; {@link #reopen} replaces it. */
  protected MessageStore store;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

  /** A new, empty, ready store; each call gives a different store. */
  protected abstract MessageStore newStore() throws Exception;

  /**
   * Closes {@link #store} cleanly and opens the same data again, as after a restart. A store
   * that keeps nothing across restarts aborts the calling test with an assumption.
   */
  protected abstract MessageStore reopen() throws Exception;

  @BeforeEach
  void createStore() throws Exception {
    store = newStore();
  }

  /** A new, later time on each call (ms). */
  protected long now() {
    return clock.incrementAndGet();
  }

  protected RecordingAppendListener.Outcome append(NewMessage message) {
    RecordingAppendListener listener = new RecordingAppendListener();
    store.append(message, listener);
    RecordingAppendListener.Outcome outcome = listener.await();
    listener.assertCalledOnce();
    return outcome;
  }

  /** Appends a new message and returns it as stored, asserting it was not a duplicate. */
  protected StoredMessage send(ConvId conv, String from, String cid) {
    return send(new NewMessage(conv, from, "text of " + cid, cid, now()));
  }

  /** Appends {@code message} and returns it as stored, asserting it was not a duplicate. */
  protected StoredMessage send(NewMessage message) {
    RecordingAppendListener.Outcome o = append(message);
    if (o.failure() != null) {
      throw new AssertionError("append failed", o.failure());
    }
    assertFalse(o.duplicate(), "unexpected duplicate for cid " + message.cid());
    return o.message();
  }

  protected static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }
}
