package chat.core.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ReadMarkerListener} that records how one queued move ended, for tests of the stores
 * that queue them; hearing twice is an error.
 */
public final class HeardMove implements ReadMarkerListener {
  private final CompletableFuture<Boolean> outcome = new CompletableFuture<>();

  @Override
  public void stored(boolean moved) {
    if (!outcome.complete(moved)) {
      throw new AssertionError("a listener heard twice");
    }
  }

  @Override
  public void failed(Throwable cause) {
    if (!outcome.completeExceptionally(cause)) {
      throw new AssertionError("a listener heard twice");
    }
  }

  /**
   * Whether the move raised the marker; waits (up to 10 s) until it is stored.
   *
   * @throws java.util.concurrent.ExecutionException if it failed, with the store's cause
   */
  public boolean moved() throws Exception {
    return outcome.get(10, TimeUnit.SECONDS);
  }

  /** Whether the listener has heard yet, without waiting. */
  public boolean heard() {
    return outcome.isDone();
  }
}
