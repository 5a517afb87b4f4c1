package chat.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records the outcome of one {@link MessageStore#append}: which method was called, with what,
 * on which thread, and how often (the contract says exactly once).
 */
public final class RecordingAppendListener implements AppendListener {
  /** What the store reported: a stored message (maybe a duplicate) or a failure. */
  public record Outcome(
      StoredMessage message, boolean duplicate, Throwable failure, String thread) {}

  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private final AtomicInteger calls = new AtomicInteger();

  @Override
  public void stored(StoredMessage message, boolean duplicate) {
    calls.incrementAndGet();
    outcome.complete(new Outcome(message, duplicate, null, Thread.currentThread().getName()));
  }

  @Override
  public void failed(Throwable cause) {
    calls.incrementAndGet();
    outcome.complete(new Outcome(null, false, cause, Thread.currentThread().getName()));
  }

  /** Whether the store has reported yet. */
  public boolean isDone() {
    return outcome.isDone();
  }

  /** How many times the store called this listener so far. */
  public int calls() {
    return calls.get();
  }

  /** Waits up to 10 s for the outcome. */
  public Outcome await() {
    try {
      return outcome.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      return fail("the store did not report the append's outcome within 10 s", e);
    }
  }

  /** Waits for the outcome and asserts it is a stored message (new or duplicate). */
  public StoredMessage awaitStored() {
    Outcome o = await();
    if (o.failure() != null) {
      throw new AssertionError("append failed", o.failure());
    }
    assertNotNull(o.message(), "stored without a message");
    return o.message();
  }

  /** Waits for the outcome and asserts it is a failure. */
  public Throwable awaitFailed() {
    Outcome o = await();
    assertNull(o.message(), "expected a failure, but stored " + o.message());
    assertNotNull(o.failure());
    return o.failure();
  }

  /** Asserts the listener was called exactly once. */
  public void assertCalledOnce() {
    assertEquals(1, calls.get(), "listener calls");
  }
}
