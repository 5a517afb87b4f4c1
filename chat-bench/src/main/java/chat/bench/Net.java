package chat.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The load generator's I/O: a few {@link IoLoop}s and the loopback source addresses to use. */
final class Net implements AutoCloseable {
  private final IoLoop[] loops;
  private final InetAddress[] sources;
  private final AtomicInteger next = new AtomicInteger();

  Net(int threads, List<String> sourceAddrs) throws IOException {
    loops = new IoLoop[threads];
    for (int i = 0; i < threads; i++) {
      loops[i] = new IoLoop("bench-io-" + i);
      loops[i].start();
    }
    sources = new InetAddress[sourceAddrs.size()];
    for (int i = 0; i < sources.length; i++) {
      try {
        sources[i] = InetAddress.getByName(sourceAddrs.get(i));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("bad --source-addrs entry " + sourceAddrs.get(i));
      }
    }
  }

  CompletableFuture<WsConn> connect(URI uri, WsConn.Listener listener) {
    int n = next.getAndIncrement();
    IoLoop loop = loops[Math.floorMod(n, loops.length)];
    InetAddress local = sources.length == 0 ? null : sources[Math.floorMod(n, sources.length)];
    return loop.connect(uri, local, listener);
  }

  @Override
  public void close() {
    for (IoLoop l : loops) {
      l.shutdown();
    }
    for (IoLoop l : loops) {
      try {
        l.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
