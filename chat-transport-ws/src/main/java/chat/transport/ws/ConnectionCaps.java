package chat.transport.ws;

import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caps on sockets held at once, in total and per remote address ({@code
 * --max-connections}, {@code --max-connections-per-ip}). A socket over a cap is closed as soon
 * as it is accepted, so one address opening thousands of sockets costs a file descriptor only
 * for a moment. Refusals are logged at most once a second, at INFO: a client's doing.
 *
 * <p>{@link #admit} and {@link #refuse} run on the loop thread; {@link #release} on whichever
 * thread closed the connection.
 */
final class ConnectionCaps {
  private static final Logger log = LoggerFactory.getLogger(ConnectionCaps.class);
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final int maxTotal;
  private final AddressCounts perAddress;
  private final AtomicLong refusals = new AtomicLong();
  private long refusedSinceLog; // loop only
  private long lastLogNanos; // loop only

  ConnectionCaps(int maxTotal, int maxPerAddress) {
    this.maxTotal = maxTotal;
    this.perAddress = new AddressCounts(maxPerAddress);
  }

  /**
   * Counts a new socket from {@code address} if both caps allow it.
   *
   * @param held sockets held now, before this one
   * @return null if admitted (then {@link #release} it when it closes), else why not
   */
  String admit(InetAddress address, int held) {
    String full = admitTotal(held);
    return full != null ? full : admitAddress(address);
  }

  /** Checks the total cap only (a trusted proxy's socket, counted per client later). */
  String admitTotal(int held) {
    if (held >= maxTotal) {
      refusals.incrementAndGet();
      return "the server holds " + maxTotal + " connections";
    }
    return null;
  }

  /**
   * Counts a connection from {@code address} against the per-address cap only: for a client
   * behind a trusted proxy, whose address is known at the upgrade.
   *
   * @return null if admitted (then {@link #release} it when it closes), else why not
   */
  String admitAddress(InetAddress address) {
    if (!perAddress.tryAcquire(address)) {
      refusals.incrementAndGet();
      return "over " + perAddress.max() + " from one address";
    }
    return null;
  }

  /** Sockets refused by either cap since the start (at accept, or at a proxied upgrade). */
  long refusals() {
    return refusals.get();
  }

  /** A socket admitted from {@code address} has closed. */
  void release(InetAddress address) {
    perAddress.release(address);
  }

  /** Closes a socket that was not admitted, with a reset, and says so now and then. */
  void refuse(SocketChannel socket, InetAddress address, String why) {
    EventLoop.closeQuietly(socket);
    refusedSinceLog++;
    long now = System.nanoTime();
    if (now - lastLogNanos > LOG_EVERY_NANOS) {
      log.info("refused {} connection(s), the last from {}: {}", refusedSinceLog,
          address.getHostAddress(), why);
      refusedSinceLog = 0;
      lastLogNanos = now;
    }
  }
}
