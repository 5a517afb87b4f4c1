package chat.server.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The protocol clients one test opens against a shared server, closed together after it, and
 * names no other test of the run uses (the server outlives each test).
 */
final class WireClients implements AutoCloseable {
  private static final AtomicInteger names = new AtomicInteger();

  private final ServerProcess server;
  private final List<WireClient> clients = new ArrayList<>();

  WireClients(ServerProcess server) {
    this.server = server;
  }

  /** A new connection, not signed in. */
  WireClient connect() throws InterruptedException {
    return connect(Map.of());
  }

  /**
   * A new connection, not signed in, whose handshake carries {@code headers} (an
   * X-Forwarded-For, to a server that trusts 127.0.0.1 as a proxy).
   */
  WireClient connect(Map<String, String> headers) throws InterruptedException {
    WireClient c = WireClient.connect(server.wsUri(), headers);
    clients.add(c);
    return c;
  }

  /** A new account named {@code base} plus a unique number, signed in on a new connection. */
  WireClient user(String base) throws InterruptedException {
    return connect().register(unique(base));
  }

  /** {@code base} plus a number no other caller gets. */
  static String unique(String base) {
    return base + names.incrementAndGet();
  }

  @Override
  public void close() throws Exception {
    for (WireClient c : clients) {
      c.close();
    }
  }
}
