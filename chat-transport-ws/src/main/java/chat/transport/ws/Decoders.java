package chat.transport.ws;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that decode what clients send: each runs Java-WebSocket's {@code decode} (the
 * handshake, framing, the close handshake), and with it the core's handling of each request.
 * Every connection is pinned to one thread ({@link WsConnection#decoder}), so its bytes are decoded
 * in the order they were read. They are not the loop's thread, so a slow request (a history query
 * on disk) delays only the connections of one decoder, never reads and writes of all.
 */
final class Decoders {
  private static final Logger log = LoggerFactory.getLogger(Decoders.class);

  /** What a decoder thread is told: bytes of a connection, or (null data) its end of input. */
  private record Input(WsConnection conn, ByteBuffer data) {}

  /** Told when a connection's undecoded bytes have gone down, to let the loop read again. */
  interface Drained {
    void drained(WsConnection conn, long undecoded);
  }

  private final Worker[] workers;
  private final Drained drained;

  Decoders(int threads, Drained drained) {
    this.drained = drained;
    workers = new Worker[threads];
    for (int i = 0; i < threads; i++) {
      workers[i] = new Worker(i);
    }
  }

  int size() {
    return workers.length;
  }

  void start() {
    for (Worker w : workers) {
      w.start();
    }
  }

  /** Queues bytes read from {@code conn} (the loop no longer touches {@code data}). */
  void decode(WsConnection conn, ByteBuffer data) {
    workers[conn.decoder].queue.add(new Input(conn, data));
  }

  /** Queues the end of {@code conn}'s input, after every byte queued before it. */
  void endOfInput(WsConnection conn) {
    workers[conn.decoder].queue.add(new Input(conn, null));
  }

  void stop() throws InterruptedException {
    for (Worker w : workers) {
      w.interrupt();
    }
    for (Worker w : workers) {
      w.join(5_000);
    }
  }

  private final class Worker extends Thread {
    final BlockingQueue<Input> queue = new LinkedBlockingQueue<>();

    Worker(int index) {
      super("chat-ws-decoder-" + index);
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        while (true) {
          handle(queue.take());
        }
      } catch (InterruptedException e) {
        // stopping
      }
    }

    private void handle(Input in) {
      WsConnection conn = in.conn();
      if (in.data() == null) {
        try {
          conn.ws.eot();
        } catch (RuntimeException e) {
          log.warn("closing {} failed", conn.describe(), e);
        }
        return;
      }
      int n = in.data().remaining();
      try {
        if (!conn.ws.isClosed()) {
          conn.ws.decode(in.data());
        }
      } catch (WebsocketNotConnectedException e) {
        // The library throws when it is made to answer on a connection that is already closing
        // (a ping after the close frame): the client's doing, not the server's fault.
        log.debug("decoding from {} stopped: the connection is closing", conn.describe());
      } catch (RuntimeException e) {
        log.error("decoding from {} failed; closing it", conn.describe(), e);
        conn.ws.closeConnection(CloseFrame.ABNORMAL_CLOSE, "internal error");
      } finally {
        long left = conn.decoded(n);
        if (conn.readPaused) {
          drained.drained(conn, left);
        }
      }
    }
  }
}
