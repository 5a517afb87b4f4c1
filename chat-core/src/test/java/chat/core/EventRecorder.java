package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import chat.core.local.ClientListener;
import chat.protocol.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records what a client receives, in order, for assertions (after OkHttp's WebSocketRecorder).
 * Replies to requests made with {@link TestClient#call} are consumed there and not recorded.
 * Every wait is bounded.
 */
final class EventRecorder implements ClientListener {
  static final long TIMEOUT_SECONDS = 5;

  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final Set<String> consumedIds = ConcurrentHashMap.newKeySet();

  record Closed(int code, String reason) {}

  void consumeRepliesTo(String id) {
    consumedIds.add(id);
  }

  @Override
  public void onEvent(Event event) {
    String re = event instanceof Event.Ok ok ? ok.re()
        : event instanceof Event.Error err ? err.re() : null;
    if (re != null && consumedIds.remove(re)) {
      return;
    }
    events.add(event);
  }

  @Override
  public void onClose(int code, String reason) {
    events.add(new Closed(code, reason));
  }

  Object nextObject() {
    try {
      Object next = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(next, "no event within " + TIMEOUT_SECONDS + " s");
      return next;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next event, which must be of {@code type}. */
  <T extends Event> T next(Class<T> type) {
    return assertInstanceOf(type, nextObject());
  }

  /** Skips events until one of {@code type} arrives; returns it. */
  <T extends Event> T skipTo(Class<T> type) {
    for (;;) {
      Object next = nextObject();
      if (type.isInstance(next)) {
        return type.cast(next);
      }
      if (next instanceof Closed) {
        fail("closed while waiting for " + type.getSimpleName() + ": " + next);
      }
    }
  }

  Closed nextClose() {
    return assertInstanceOf(Closed.class, nextObject());
  }

  /** Asserts nothing is recorded now (callers make sure with a ping barrier first). */
  void assertExhausted() {
    List<Object> left = new ArrayList<>();
    events.drainTo(left);
    assertEquals(List.of(), left, "unexpected events");
  }

  /** Takes everything recorded so far. */
  List<Object> drain() {
    List<Object> left = new ArrayList<>();
    events.drainTo(left);
    return left;
  }
}
