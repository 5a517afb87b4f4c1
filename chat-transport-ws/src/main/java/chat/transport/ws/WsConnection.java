package chat.transport.ws;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WrappedByteChannel;

/**
 * One accepted socket: its channel, Java-WebSocket's protocol object for it ({@link #ws}), and the
 * bytes waiting to be written, in the order they must reach the client.
 *
 * <p>Threads: the {@link EventLoop} reads, writes and changes the key's interest (fields marked
 * "loop only"); the connection's decoder thread runs {@code ws.decode}, and with it the library's
 * callbacks; any thread may {@link #enqueue} frames.
 *
 * <p>Outgoing bytes have one queue. Chat frames go into it directly; frames the library makes
 * (the handshake response, pongs, pings, close frames) are moved into it from the library's own
 * {@code outQueue} as soon as the library asks for a write ({@link WsServer#onWriteDemand}). So
 * a frame the socket took only half of is always finished before anything else is written, and
 * nothing follows a close frame.
 */
final class WsConnection {
  /** At most this many frames, and about this many bytes, go into one write. */
  static final int MAX_GATHER_FRAMES = 256;
  static final int MAX_GATHER_BYTES = 256 * 1024;
  /** At most this many writes per turn, so one busy connection cannot hold the loop. */
  static final int MAX_WRITES_PER_TURN = 4;

  final SocketChannel socket;
  /** The socket itself, or the library's TLS wrapper around it. */
  final ByteChannel channel;
  /** {@link #channel} when it is TLS (it needs extra reads and writes), else null. */
  final WrappedByteChannel tls;
  final SelectionKey key;
  /** The loop that reads and writes this socket: "loop only" below means this one's thread. */
  final EventLoop loop;
  final WebSocketImpl ws;
  final InetSocketAddress remote;
  /** The client's address for per-address limits: the peer, or what a trusted proxy says. */
  volatile String clientAddress;
  /** The address counted against the per-address cap, or null; guarded by this. */
  InetAddress counted;
  /** Whether the caps were released (the connection closed); guarded by this. */
  boolean capsReleased;
  final InetSocketAddress local;
  /** Which decoder thread decodes this connection's bytes, so they are decoded in order. */
  final int decoder;
  /** Which heartbeat slot pings this connection. */
  final int slot;
  final long acceptedNanos = System.nanoTime();

  private final ConcurrentLinkedQueue<ByteBuffer> out = new ConcurrentLinkedQueue<>();
  private volatile long queuedBytes; // any thread adds (QUEUED_BYTES)
  private volatile long writtenBytes; // loop only writes; any thread reads
  private volatile boolean writeScheduled; // WRITE_SCHEDULED
  /** The first close frame queued: nothing after it is ever written. */
  private volatile ByteBuffer closeFrame;
  private volatile boolean closeWritten;
  /** Serialises moving the library's frames into {@link #out}, so they keep their order. */
  private final Object libraryFrames = new Object();

  private volatile long bytesRead; // loop only writes
  /** Bytes read and handed to the decoder, not yet decoded (READ_PENDING). */
  private volatile long undecodedBytes;
  volatile boolean readPaused; // set by the loop, read by the decoder thread
  boolean waitingWritable; // loop only: OP_WRITE is set because the socket was full
  boolean endOfInput; // loop only: the client sent FIN or the read failed
  boolean heldForReading; // loop only: on the loop's list of TLS connections to read again

  private final HandshakeHead head = new HandshakeHead(WsConfig.MAX_HANDSHAKE_BYTES);

  /** Set when the WebSocket handshake completes (decoder thread); null before. */
  volatile WsSession session;
  volatile long lastPongNanos = System.nanoTime();

  private static final VarHandle QUEUED_BYTES;
  private static final VarHandle WRITE_SCHEDULED;
  private static final VarHandle UNDECODED_BYTES;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      QUEUED_BYTES = lookup.findVarHandle(WsConnection.class, "queuedBytes", long.class);
      WRITE_SCHEDULED = lookup.findVarHandle(WsConnection.class, "writeScheduled", boolean.class);
      UNDECODED_BYTES = lookup.findVarHandle(WsConnection.class, "undecodedBytes", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  WsConnection(SocketChannel socket, ByteChannel channel, SelectionKey key, EventLoop loop,
      WebSocketImpl ws, InetSocketAddress remote, InetSocketAddress local, int decoder, int slot) {
    this.socket = socket;
    this.channel = channel;
    this.tls = channel != socket && channel instanceof WrappedByteChannel w ? w : null;
    this.key = key;
    this.loop = loop;
    this.ws = ws;
    this.remote = remote;
    this.local = local;
    this.decoder = decoder;
    this.slot = slot;
  }

  // ---- outgoing: any thread ----

  /**
   * Queues a whole frame (or raw bytes before the upgrade) behind everything queued before it.
   * The buffer is only read, through its own position: share a {@code duplicate()} of a frame
   * other connections also send.
   *
   * @return false if a close frame has already been written and nothing more will be
   */
  boolean enqueue(ByteBuffer frame) {
    if (closeWritten) {
      return false;
    }
    long size = frame.remaining();
    out.add(frame);
    QUEUED_BYTES.getAndAdd(this, size);
    return true;
  }

  /**
   * Moves the frames Java-WebSocket has queued in its {@code outQueue} into ours, marking a close
   * frame so nothing after it is written. Called from its write demand, on whichever thread made
   * the frame.
   *
   * @return the unsent backlog afterwards
   */
  long takeLibraryFrames() {
    synchronized (libraryFrames) {
      ByteBuffer b;
      while ((b = ws.outQueue.poll()) != null) {
        if (closeFrame == null && ws.getDraft() != null && b.remaining() >= 2
            && (b.get(b.position()) & 0x0F) == 0x8) {
          closeFrame = b;
        }
        enqueue(b);
      }
    }
    return backlog();
  }

  /** Bytes queued and not yet written to the socket. */
  long backlog() {
    return queuedBytes - writtenBytes;
  }

  /** Marks the connection as waiting for the loop; false if it already was. */
  boolean scheduleWrite() {
    return !writeScheduled && WRITE_SCHEDULED.compareAndSet(this, false, true);
  }

  // ---- outgoing: loop only ----

  /** The loop has taken the connection: frames queued from now on schedule it again. */
  void writeTaken() {
    writeScheduled = false;
  }

  boolean hasOutput() {
    return !out.isEmpty() || (tls != null && tls.isNeedWrite());
  }

  /**
   * Writes queued frames, several to a system call on a plain socket.
   *
   * @param scratch the loop's array of the frames one write gathers, all null on entry and exit
   * @param staging the loop's direct buffer of {@link #MAX_GATHER_BYTES}, which a plain socket's
   *     frames are copied into and written from
   * @return true if everything queued is written, false if the socket is full (or this turn's
   *     share is used up) and the rest waits until it is writable
   */
  boolean flush(ByteBuffer[] scratch, ByteBuffer staging) throws IOException {
    if (tls != null && tls.isNeedWrite()) {
      tls.writeMore(); // encrypted bytes of an earlier write, or the TLS handshake
      if (tls.isNeedWrite()) {
        return false;
      }
    }
    for (int turn = 0; turn < MAX_WRITES_PER_TURN; turn++) {
      if (closeWritten) {
        out.clear();
        return true;
      }
      int count = 0;
      long bytes = 0;
      for (ByteBuffer b : out) { // weakly consistent: safe while others append
        if (count == scratch.length || (count > 0 && bytes + b.remaining() > MAX_GATHER_BYTES)) {
          break;
        }
        scratch[count++] = b;
        bytes += b.remaining();
        if (b == closeFrame) {
          break;
        }
      }
      if (count == 0) {
        return true;
      }
      boolean full;
      try {
        full = tls == null ? writePlain(scratch, count, bytes, staging) : writeTls(scratch, count);
      } finally {
        for (int i = 0; i < count; i++) {
          scratch[i] = null;
        }
      }
      if (full) {
        return false;
      }
    }
    return out.isEmpty();
  }

  /**
   * One write of {@code count} frames, {@code bytes} in all; true if the socket did not take it
   * all. The frames are copied into the loop's direct buffer and written from there in one call:
   * handed heap buffers, NIO would copy each into a temporary direct buffer of its own, looked
   * up in a per-thread cache that it scans from the start for every frame. Only a frame larger
   * than that buffer (it is gathered alone) is handed to NIO as it is.
   */
  private boolean writePlain(ByteBuffer[] batch, int count, long bytes, ByteBuffer staging)
      throws IOException {
    long n;
    if (bytes <= staging.capacity()) {
      staging.clear();
      for (int i = 0; i < count; i++) {
        ByteBuffer b = batch[i];
        staging.put(staging.position(), b, b.position(), b.remaining());
        staging.position(staging.position() + b.remaining());
      }
      staging.flip();
      n = socket.write(staging);
      long left = n;
      for (int i = 0; i < count && left > 0; i++) { // the frames' positions follow what went
        ByteBuffer b = batch[i];
        int took = (int) Math.min(b.remaining(), left);
        b.position(b.position() + took);
        left -= took;
      }
    } else {
      n = count == 1 ? socket.write(batch[0]) : socket.write(batch, 0, count);
    }
    if (n > 0) {
      writtenBytes += n; // single writer: the loop
    }
    return removeWritten(batch, count) < count;
  }

  /** TLS takes one record at a time: frame by frame until the socket is full. */
  private boolean writeTls(ByteBuffer[] batch, int count) throws IOException {
    int i = 0;
    try {
      for (; i < count; i++) {
        ByteBuffer b = batch[i];
        while (b.hasRemaining()) {
          int before = b.remaining();
          channel.write(b); // returns encrypted bytes; what it took shows in b's position
          writtenBytes += before - b.remaining();
          if (tls.isNeedWrite()) {
            return true;
          }
          if (b.remaining() == before) {
            return true; // took nothing: wait for the socket
          }
        }
      }
      return false;
    } finally {
      removeWritten(batch, count);
    }
  }

  /** Drops the completely written frames from the head of the queue; returns how many. */
  private int removeWritten(ByteBuffer[] batch, int count) {
    int done = 0;
    while (done < count && !batch[done].hasRemaining()) {
      if (batch[done] == closeFrame) {
        closeWritten = true;
      }
      out.poll();
      done++;
    }
    return done;
  }

  /** The connection is closed: what is queued is dropped. */
  void discardOutput() {
    closeWritten = true;
    out.clear();
  }

  // ---- incoming ----

  /** The upgrade request's head, collected on the loop thread until its blank line. */
  HandshakeHead head() {
    return head;
  }

  /** The loop handed {@code n} more bytes to the decoder; returns what is now undecoded. */
  long addUndecoded(long n) {
    return (long) UNDECODED_BYTES.getAndAdd(this, n) + n;
  }

  /** The decoder finished {@code n} bytes; returns what is still undecoded. */
  long decoded(long n) {
    return (long) UNDECODED_BYTES.getAndAdd(this, -n) - n;
  }

  /** The loop read {@code n} more bytes from the socket. Loop only. */
  void countRead(int n) {
    bytesRead += n;
  }

  /** Bytes read from the socket so far. */
  long bytesRead() {
    return bytesRead;
  }

  long undecoded() {
    return undecodedBytes;
  }

  String describe() {
    return remote.toString();
  }
}
