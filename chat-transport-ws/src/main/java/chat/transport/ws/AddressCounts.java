package chat.transport.ws;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of something each remote address holds at once (sockets, uploads), under a cap per
 * address. Addresses holding none take no memory. Thread-safe.
 */
public final class AddressCounts {
  private final int max;
  private final Map<InetAddress, Integer> counts = new ConcurrentHashMap<>();

  public AddressCounts(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max < 1: " + max);
    }
    this.max = max;
  }

  /** Counts one more for {@code address} if it holds fewer than the cap: true; else false. */
  public boolean tryAcquire(InetAddress address) {
    if (counts.merge(address, 1, Integer::sum) > max) {
      release(address);
      return false;
    }
    return true;
  }

  /** One that {@link #tryAcquire} counted for {@code address} is given back. */
  public void release(InetAddress address) {
    counts.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  public int max() {
    return max;
  }
}
