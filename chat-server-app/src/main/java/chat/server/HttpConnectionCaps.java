package chat.server;

import chat.transport.ws.AddressCounts;
import chat.transport.ws.TrustedProxies;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port's cap on connections from one address ({@code --max-http-connections-per-ip}):
 * a connection over it is closed as soon as it has opened, so one address cannot hold the port's
 * sockets (and the process's file descriptors, which the WebSocket port needs too) with idle or
 * half-sent requests. A trusted proxy's connections carry many clients and are not capped here;
 * the total cap ({@code --max-http-connections}) bounds everyone.
 * Refusals are logged at most once a second, at INFO: a client's doing.
 *
 * <p>A listener on every connection of the connector (plain HTTP/1.1: one per socket); Jetty
 * calls it on its selector threads.
 */
final class HttpConnectionCaps implements Connection.Listener {
  private static final Logger log = LoggerFactory.getLogger(HttpConnectionCaps.class);
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Scheduler scheduler;
  private final AddressCounts perAddress;
  private final TrustedProxies proxies;
  /**
   * Connections counted against their address, to release when they close (by the address they
   * opened with: a closed end point no longer knows its remote address).
   */
  private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();
  /** Connections over the cap, until they close. */
  private final Set<Connection> refused = ConcurrentHashMap.newKeySet();
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicLong refusedSinceLog = new AtomicLong();
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  HttpConnectionCaps(Scheduler scheduler, int maxPerAddress, TrustedProxies proxies) {
    this.scheduler = scheduler;
    this.perAddress = new AddressCounts(maxPerAddress);
    this.proxies = proxies;
  }

  @Override
  public void onOpened(Connection connection) {
    InetAddress address = address(connection);
    if (address == null || proxies.trusts(address)) {
      return;
    }
    if (!perAddress.tryAcquire(address)) {
      refused.add(connection);
      // Not from here: an end point closed while Jetty is still opening it stays open.
      scheduler.schedule(() -> connection.getEndPoint().close(), 0, TimeUnit.MILLISECONDS);
      refused(address);
      return;
    }
    counted.put(connection, address);
  }

  @Override
  public void onClosed(Connection connection) {
    refused.remove(connection);
    InetAddress address = counted.remove(connection);
    if (address != null) {
      perAddress.release(address);
    }
  }

  /**
   * Whether {@code connection} is over the cap: its close is on its way, but a request that
   * came with it may reach a handler first, which must answer 503 and serve nothing.
   */
  boolean isRefused(Connection connection) {
    return refused.contains(connection);
  }

  /** Connections closed for the cap since the start. */
  long refusals() {
    return refusals.get();
  }

  private void refused(InetAddress address) {
    refusals.incrementAndGet();
    long refused = refusedSinceLog.incrementAndGet();
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last > LOG_EVERY_NANOS && lastLogNanos.compareAndSet(last, now)) {
      refusedSinceLog.addAndGet(-refused);
      log.info("refused {} HTTP connection(s), the last from {}: over {} from one address",
          refused, address.getHostAddress(), perAddress.max());
    }
  }

  private static InetAddress address(Connection connection) {
    SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
    return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }
}
