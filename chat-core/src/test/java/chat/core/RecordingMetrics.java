package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A {@link ChatMetrics} that counts what it is told, by name: {@code signedIn}, {@code
 * signInFailed}, {@code sent}, {@code delivered} (the sum of the connections), {@code
 * rateLimited}, {@code closed:FLOOD} (one name per reason), {@code committed} (the sum of the
 * appends), {@code busPublished}, {@code busResubscribed}, {@code gapRepaired}. A name appears
 * once its first call comes, so a test can say everything that moved and by how much in one map.
 *
 * <p>Core reports some events just after it answers the client (a delivery is counted after the
 * copies are queued), so tests wait for the counts, boundedly: {@link #await}.
 */
final class RecordingMetrics implements ChatMetrics {
  private final Map<String, Long> counts = new TreeMap<>(); // guarded by this

  /** Everything counted so far, by name. */
  synchronized Map<String, Long> counts() {
    return new TreeMap<>(counts);
  }

  /** How many of {@code name} were counted; 0 if none. */
  synchronized long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /**
   * Waits until the counts are exactly {@code expected} (nothing else counted), at most {@link
   * EventRecorder#TIMEOUT_SECONDS}; fails with what was counted instead.
   */
  synchronized void await(Map<String, Long> expected) {
    waitFor(() -> counts.equals(expected));
    assertEquals(new TreeMap<>(expected), counts(), "what the metrics were told");
  }

  /** As {@link #await(Map)}, for one name only. */
  synchronized void await(String name, long expected) {
    waitFor(() -> count(name) == expected);
    assertEquals(expected, count(name), name + " in " + counts);
  }

  private void waitFor(BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EventRecorder.TIMEOUT_SECONDS);
    try {
      long left;
      while (!done.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private synchronized void add(String name, long n) {
    counts.merge(name, n, Long::sum);
    notifyAll();
  }

  @Override
  public void signedIn() {
    add("signedIn", 1);
  }

  @Override
  public void signInFailed() {
    add("signInFailed", 1);
  }

  @Override
  public void sent() {
    add("sent", 1);
  }

  @Override
  public void delivered(int connections) {
    add("delivered", connections);
  }

  @Override
  public void rateLimited() {
    add("rateLimited", 1);
  }

  @Override
  public void closed(Close reason) {
    add("closed:" + reason, 1);
  }

  @Override
  public void committed(int appends, long nanos) {
    add("committed", appends);
  }

  @Override
  public void busPublished(long nanos) {
    add("busPublished", 1);
  }

  @Override
  public void busResubscribed() {
    add("busResubscribed", 1);
  }

  @Override
  public void gapRepaired() {
    add("gapRepaired", 1);
  }
}
