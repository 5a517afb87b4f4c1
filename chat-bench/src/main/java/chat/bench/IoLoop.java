package chat.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One selector thread serving many {@link WsConn}s. Reads use a single 256 KiB buffer per
 * loop (large reads: one syscall drains many frames), so the load generator stays cheap.
 */
final class IoLoop extends Thread {
  private final Selector selector;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ByteBuffer readBuf = ByteBuffer.allocate(256 * 1024);
  private volatile boolean running = true;

  IoLoop(String name) throws IOException {
    super(name);
    setDaemon(true);
    selector = Selector.open();
  }

  void execute(Runnable task) {
    if (Thread.currentThread() == this) {
      task.run();
      return;
    }
    tasks.add(task);
    selector.wakeup();
  }

  /** Opens a connection to {@code uri} (ws:// only), from {@code local} if not null. */
  CompletableFuture<WsConn> connect(URI uri, InetAddress local, WsConn.Listener listener) {
    CompletableFuture<WsConn> result = new CompletableFuture<>();
    try {
      SocketChannel ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (local != null) {
        ch.bind(new InetSocketAddress(local, 0));
      }
      WsConn conn = new WsConn(this, ch, uri, listener);
      conn.opened.whenComplete((c, e) -> {
        if (e != null) {
          result.completeExceptionally(e);
        } else {
          result.complete(c);
        }
      });
      int port = uri.getPort() < 0 ? 80 : uri.getPort();
      ch.connect(new InetSocketAddress(uri.getHost(), port));
      execute(() -> {
        try {
          SelectionKey key = ch.register(selector, SelectionKey.OP_CONNECT, conn);
          conn.registered(key);
        } catch (IOException e) {
          conn.terminate(1006, "register failed: " + e);
        }
      });
    } catch (IOException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  void shutdown() {
    running = false;
    selector.wakeup();
  }

  @Override
  public void run() {
    while (running) {
      try {
        selector.select();
        Runnable t;
        while ((t = tasks.poll()) != null) {
          t.run();
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          WsConn conn = (WsConn) key.attachment();
          try {
            if (!key.isValid()) {
              continue;
            }
            if (key.isConnectable()) {
              conn.onConnectable();
            }
            if (key.isValid() && key.isReadable()) {
              conn.onReadable(readBuf);
            }
            if (key.isValid() && key.isWritable()) {
              conn.onWritable();
            }
          } catch (IOException | RuntimeException e) {
            conn.terminate(1006, String.valueOf(e.getMessage()));
          }
        }
      } catch (IOException | RuntimeException e) {
        if (running) {
          System.err.println("io loop " + getName() + ": " + e);
        }
      }
    }
    for (SelectionKey key : selector.keys()) {
      if (key.attachment() instanceof WsConn c) {
        c.terminate(1001, "load generator stopping");
      }
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // exiting
    }
  }
}
