package chat.transport.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SelectionKey;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WrappedByteChannel;

/**
 * A connection's socket channel that counts the bytes written to it, so the transport knows how
 * much of what it queued is still unsent (Java-WebSocket's own queue is unbounded and reports
 * only whether it is empty). Delegates the TLS hooks when it wraps a TLS channel.
 *
 * <p>Coalescing: Java-WebSocket's selector thread writes a connection's queued frames one
 * {@code write} call (one syscall) each. On a plain socket, this channel instead writes the frame
 * it is asked for together with the frames queued behind it in one gathering write ({@code
 * writev}); the library then finds those already written (nothing remaining) and drops them from
 * its queue without another syscall. Each frame stays its own WebSocket frame; only the syscalls
 * are shared. A fan-out into a busy room, which queues a frame per member faster than the socket
 * writes drain them, so costs one syscall per connection per selector pass instead of one per
 * frame.
 */
final class CountingChannel implements WrappedByteChannel {
  /** At most this many queued frames, and about this many bytes, go into one gathering write. */
  static final int MAX_GATHER_FRAMES = 256;
  static final int MAX_GATHER_BYTES = 256 * 1024;
  // Only the selector thread writes; one scratch array per thread, not per connection.
  private static final ThreadLocal<ByteBuffer[]> SCRATCH =
      ThreadLocal.withInitial(() -> new ByteBuffer[MAX_GATHER_FRAMES]);

  private final ByteChannel delegate;
  private final GatheringByteChannel gathering; // null: TLS or unknown, write one by one
  private final SelectionKey key;
  private volatile long written; // only the selector thread adds; any thread reads

  CountingChannel(ByteChannel delegate) {
    this(delegate, null, null);
  }

  /**
   * With {@code socket} (the plain channel under {@code delegate}) and the connection's selection
   * key, whose attachment is its {@link WebSocketImpl}: frames are coalesced when {@code delegate}
   * is the plain socket itself.
   */
  CountingChannel(ByteChannel delegate, GatheringByteChannel socket, SelectionKey key) {
    this.delegate = delegate;
    this.gathering = socket != null && socket == delegate && key != null ? socket : null;
    this.key = key;
  }

  long written() {
    return written;
  }

  /** True if {@link #writeQueued} can be used: a plain socket, which takes gathering writes. */
  boolean gathers() {
    return gathering != null;
  }

  /** At most this many gathering writes per call, so one busy connection cannot hold the selector. */
  static final int MAX_ROUNDS = 4;

  /**
   * Writes the frames in {@code queue} with gathering writes (each frame stays its own WebSocket
   * frame; only the syscalls are shared), removing each once it is completely written. Selector
   * thread only: the single consumer of {@code queue}, which other threads append to.
   *
   * @return true if the queue is empty, false if the socket took less than offered (or the
   *     round limit was reached): the caller waits until the socket is writable again
   */
  boolean writeQueued(java.util.Queue<ByteBuffer> queue) throws IOException {
    ByteBuffer[] batch = SCRATCH.get();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      int count = 0;
      long bytes = 0;
      for (ByteBuffer b : queue) { // weakly consistent: safe while others append
        if (count == MAX_GATHER_FRAMES
            || (count > 0 && bytes + b.remaining() > MAX_GATHER_BYTES)) {
          break;
        }
        batch[count++] = b;
        bytes += b.remaining();
      }
      if (count == 0) {
        return true;
      }
      long n;
      int done = 0;
      try {
        n = count == 1 ? gathering.write(batch[0]) : gathering.write(batch, 0, count);
        while (done < count && !batch[done].hasRemaining()) {
          done++;
        }
      } finally {
        for (int i = 0; i < count; i++) {
          batch[i] = null;
        }
      }
      if (n > 0) {
        written += n; // single writer: the selector thread
      }
      for (int i = 0; i < done; i++) {
        queue.poll();
      }
      if (done < count) {
        return false; // the socket is full
      }
    }
    return queue.isEmpty();
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (!src.hasRemaining()) {
      return 0; // already written by an earlier gathering write: no syscall
    }
    if (gathering != null && key.attachment() instanceof WebSocketImpl ws) {
      return writeGathered(ws, src);
    }
    int n = delegate.write(src);
    if (n > 0) {
      written += n; // single writer: the selector thread
    }
    return n;
  }

  /** Writes {@code src} and the frames queued behind it in one {@code writev}. */
  private int writeGathered(WebSocketImpl ws, ByteBuffer src) throws IOException {
    ByteBuffer[] batch = SCRATCH.get();
    int count = 0;
    long bytes = 0;
    boolean found = false;
    for (ByteBuffer b : ws.outQueue) { // weakly consistent: safe while others append
      if (!found) {
        if (b != src) {
          break; // src is not the head of the queue: write it alone
        }
        found = true;
      }
      if (count == MAX_GATHER_FRAMES || (count > 0 && bytes + b.remaining() > MAX_GATHER_BYTES)) {
        break;
      }
      batch[count++] = b;
      bytes += b.remaining();
    }
    long n;
    try {
      if (count <= 1) {
        n = gathering.write(src);
      } else {
        n = gathering.write(batch, 0, count);
      }
    } finally {
      for (int i = 0; i < count; i++) {
        batch[i] = null;
      }
    }
    if (n > 0) {
      written += n; // single writer: the selector thread
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return delegate.read(dst);
  }

  @Override
  public boolean isOpen() {
    return delegate.isOpen();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public boolean isNeedWrite() {
    return delegate instanceof WrappedByteChannel w && w.isNeedWrite();
  }

  @Override
  public void writeMore() throws IOException {
    if (delegate instanceof WrappedByteChannel w) {
      w.writeMore();
    }
  }

  @Override
  public boolean isNeedRead() {
    return delegate instanceof WrappedByteChannel w && w.isNeedRead();
  }

  @Override
  public int readMore(ByteBuffer dst) throws IOException {
    return delegate instanceof WrappedByteChannel w ? w.readMore(dst) : 0;
  }

  @Override
  public boolean isBlocking() {
    return delegate instanceof WrappedByteChannel w && w.isBlocking();
  }
}
