package chat.server.it.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback between a client and the server, to break the network on purpose:
 * {@link #cut()} resets the relayed connections at once, {@link #refuse} makes new ones fail,
 * {@link #stall()} silently drops everything on the current connections (a dead link that sends
 * no FIN or RST), {@link #dropReplies()} drops only what the server sends on them. Stalling and
 * dropping apply to the connections open at the time, never to later ones, so a client that
 * reconnects gets a working link. Plain sockets, one daemon thread per direction.
 *
 * <p>Given several servers it is a load balancer: each new connection goes to the next one in
 * turn that accepts it, so a client whose server died reconnects to another.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int[] targetPorts;
  private final AtomicInteger next = new AtomicInteger();
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean refuse;

  /** One relayed connection. */
  private static final class Link {
    final Socket client;
    final Socket server;
    volatile boolean stalled;
    volatile boolean repliesDropped;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }
  }

  TcpProxy(int... targetPorts) throws IOException {
    this.targetPorts = targetPorts.clone();
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI wsUri() {
    return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/ws");
  }

  /** Connections relayed so far. */
  int accepted() {
    return accepted.get();
  }

  /** While true, new connections are reset at once (the server seems down). */
  void refuse(boolean on) {
    refuse = on;
  }

  /** The current connections pass nothing any more, in either direction, and stay open. */
  void stall() {
    links.forEach(l -> l.stalled = true);
  }

  /** On the current connections, what the server sends is dropped; the client is still heard. */
  void dropReplies() {
    links.forEach(l -> l.repliesDropped = true);
  }

  /** Resets every relayed connection (RST to the client), like a dropped network link. */
  void cut() {
    for (Link l : links) {
      reset(l);
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (refuse) {
        reset(client);
        continue;
      }
      Socket server = connectToAServer();
      if (server == null) {
        reset(client);
        continue;
      }
      try {
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
      } catch (IOException e) {
        reset(client);
        reset(server);
        continue;
      }
      Link link = new Link(client, server);
      links.add(link);
      accepted.incrementAndGet();
      pump(link, false);
      pump(link, true);
    }
  }

  /** The next server in turn that accepts a connection, or null if none does. */
  private Socket connectToAServer() {
    int first = next.getAndIncrement();
    for (int i = 0; i < targetPorts.length; i++) {
      int port = targetPorts[Math.floorMod(first + i, targetPorts.length)];
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return server;
      } catch (IOException e) {
        reset(server); // down: try the next
      }
    }
    return null;
  }

  private void pump(Link link, boolean toClient) {
    Socket from = toClient ? link.server : link.client;
    Socket to = toClient ? link.client : link.server;
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          if (!link.stalled && !(toClient && link.repliesDropped)) {
            out.write(buffer, 0, n);
            out.flush();
          }
        }
      } catch (IOException e) {
        // one side went away: take down the other
      } finally {
        reset(link);
      }
    }, toClient ? "proxy-down" : "proxy-up");
    t.setDaemon(true);
    t.start();
  }

  private void reset(Link link) {
    links.remove(link);
    reset(link.client);
    reset(link.server);
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0); // close with RST, not FIN
    } catch (SocketException e) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cut();
  }
}
