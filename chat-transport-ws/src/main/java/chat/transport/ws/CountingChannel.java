package chat.transport.ws;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WrappedByteChannel;

/**
 * A connection's socket channel that counts the bytes written to it, so the transport knows how
 * much of what it queued is still unsent (Java-WebSocket's own queue is unbounded and reports
 * only whether it is empty). Delegates the TLS hooks when it wraps a TLS channel.
 */
final class CountingChannel implements WrappedByteChannel {
  private final ByteChannel delegate;
  private final AtomicLong written = new AtomicLong();

  CountingChannel(ByteChannel delegate) {
    this.delegate = delegate;
  }

  long written() {
    return written.get();
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int n = delegate.write(src);
    if (n > 0) {
      written.addAndGet(n);
    }
    return n;
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
