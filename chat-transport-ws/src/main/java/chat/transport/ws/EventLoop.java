package chat.transport.ws;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One I/O thread of the transport: reads and writes the sockets registered with its {@link
 * Selector}, and, for the loop that holds the listening socket, accepts. It decides nothing about
 * WebSocket or chat; the {@link Handler} does, including which loop an accepted socket joins
 * ({@link #register}): a socket stays with that loop until it closes.
 *
 * <p>A turn of the loop: wait in {@code select}; run the tasks other threads handed in ({@link
 * #execute}); write for every connection that asked ({@link #requestWrite}); then handle the
 * sockets the selector found ready; a long pass of writes also looks at the sockets after every
 * {@value #WRITES_BETWEEN_POLLS} connections. Writes are one way: a sender queues bytes on the
 * connection and asks once; the loop writes them all at its next turn, in as few system calls as
 * the socket takes, and watches a socket for writability only while it is full.
 *
 * <p>Accept failures (the process is out of file descriptors) do not end the loop: it stops
 * watching the listening socket for a while, says so once at ERROR, and tries again, reporting
 * {@link #isAccepting()} false meanwhile.
 */
final class EventLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
  /** Pending-connection queue of the listening socket (the kernel caps it at somaxconn). */
  static final int ACCEPT_BACKLOG = 4096;
  /** Connections accepted per turn, so a connect storm cannot starve reads and writes. */
  private static final int ACCEPTS_PER_TURN = 64;
  /**
   * In a long pass of writes (a fan-out to thousands), the loop looks for ready sockets after
   * every this many connections, so that requests arriving meanwhile are read and on their way
   * to the store instead of waiting for the whole pass.
   */
  static final int WRITES_BETWEEN_POLLS = 64;
  static final int READ_BUFFER_BYTES = 64 * 1024;
  private static final long ACCEPT_RETRY_FIRST_MS = 50;
  private static final long ACCEPT_RETRY_MAX_MS = 1_000;
  /**
   * After an ERROR about failing accepts, another episode within this time is a WARN: at the
   * edge of the descriptor limit accepting flaps (one freed descriptor, one accept, out again),
   * and the operator needs to hear it once, not once per flap.
   */
  private static final long ACCEPT_ERROR_QUIET_NANOS = TimeUnit.MINUTES.toNanos(10);

  /** What the loop hands on: the transport's side of each socket event. Loop thread only. */
  interface Handler {
    /**
     * A socket was accepted; the handler registers it with a loop ({@link EventLoop#register}) and
     * hands it over with its connection ({@link EventLoop#watch}), or refuses it (closes it) and
     * returns null.
     */
    WsConnection accepted(SocketChannel socket) throws IOException;

    /** Bytes read from {@code conn}; {@code data} is the loop's buffer, valid during the call. */
    void received(WsConnection conn, ByteBuffer data);

    /** The client ended its side (FIN) or its socket failed. */
    void endOfInput(WsConnection conn, IOException failure);

    /** Writing to {@code conn} failed: the socket is gone. */
    void writeFailed(WsConnection conn, IOException failure);
  }

  private final Handler handler;
  private final ScheduledExecutorService timer;
  private final Selector selector;
  /** The listening socket and its key: null on a loop that does not accept. */
  private final ServerSocketChannel listener;
  private final SelectionKey listenKey;
  private final Thread thread;

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<WsConnection> writes = new ConcurrentLinkedQueue<>();
  /** A wake-up was asked for since the loop last returned from select. */
  private volatile boolean wakeupPending;
  private static final VarHandle WAKEUP_PENDING;

  static {
    try {
      WAKEUP_PENDING = MethodHandles.lookup()
          .findVarHandle(EventLoop.class, "wakeupPending", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Direct, as NIO needs them for a system call: handed heap buffers, it copies them into
  // temporary direct ones from a per-thread cache. Loop only.
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
  private final ByteBuffer staging = ByteBuffer.allocateDirect(WsConnection.MAX_GATHER_BYTES);
  private final ByteBuffer[] gather = new ByteBuffer[WsConnection.MAX_GATHER_FRAMES];
  /** TLS connections holding decrypted bytes the last read had no room for. Loop only. */
  private final List<WsConnection> moreToRead = new ArrayList<>();
  private final List<WsConnection> writing = new ArrayList<>(); // loop only: one turn's writes

  private volatile boolean running = true;
  private volatile boolean acceptFailing;
  private long acceptRetryMs = ACCEPT_RETRY_FIRST_MS; // loop only
  private long acceptErrorAtNanos; // loop only; when accepting failures were last said at ERROR
  private boolean acceptErrorSaid; // loop only
  private volatile long writableCount; // only the loop adds: for tests
  private Trace trace = Trace.NONE; // loop only

  /** For tests: what the loop did, in order, told on the loop thread. */
  interface Trace {
    Trace NONE = new Trace() {};

    default void wrote(WsConnection conn) {}

    default void read(WsConnection conn) {}
  }

  /** For tests: from now on the loop tells {@code trace} what it does. Loop thread only. */
  void trace(Trace trace) {
    this.trace = trace;
  }

  /**
   * A loop that accepts: binds the listening socket (throws if it cannot); {@link #start} runs the
   * loop.
   */
  EventLoop(InetSocketAddress address, Handler handler, ScheduledExecutorService timer)
      throws IOException {
    this(address, handler, timer, "chat-ws-loop-0");
  }

  /** A loop that accepts on {@code address}, or (null) one that only serves the sockets given. */
  EventLoop(InetSocketAddress address, Handler handler, ScheduledExecutorService timer,
      String name) throws IOException {
    this.handler = handler;
    this.timer = timer;
    selector = Selector.open();
    thread = new Thread(this, name);
    thread.setDaemon(true);
    if (address == null) {
      listener = null;
      listenKey = null;
      return;
    }
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, ACCEPT_BACKLOG);
      server.configureBlocking(false);
      listenKey = server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException | RuntimeException e) {
      server.close();
      selector.close();
      throw e;
    }
    listener = server;
  }

  void start() {
    thread.start();
  }

  int port() {
    return listener.socket().getLocalPort();
  }

  /**
   * Registers an accepted socket with this loop, watching nothing yet: the caller sets up its
   * connection, then hands it over with {@link #watch}. Any thread: a loop blocked in {@code
   * select} is not held up by it (the JDK queues registrations for the next select).
   */
  SelectionKey register(SocketChannel socket) throws IOException {
    return socket.register(selector, 0);
  }

  /**
   * Hands a socket {@link #register}ed here to the loop: from now on it reads it (adding to any
   * interest the TLS wrapper set) and handles its events. Any thread. The loop ignores a key's
   * events until its connection is attached, so this thread's change of interest is the last one
   * made outside the loop.
   */
  void watch(SelectionKey key, WsConnection conn) {
    key.interestOpsOr(SelectionKey.OP_READ);
    key.attach(conn);
    if (!inLoop()) {
      wakeup(); // a select already under way does not see a key registered after it began
    }
  }

  /** Whether the listening socket is open and accepting (not backing off from a failure). */
  boolean isAccepting() {
    return running && listener != null && listener.isOpen() && !acceptFailing;
  }

  /** Whether the loop's thread is still running (for tests). */
  boolean isRunning() {
    return thread.isAlive();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on the loop thread at its next turn. Any thread. */
  void execute(Runnable task) {
    tasks.add(task);
    wakeup();
  }

  /**
   * Asks the loop to write {@code conn}'s queued bytes at its next turn. Call it after queueing,
   * and only when {@link WsConnection#scheduleWrite()} said the connection was not waiting yet.
   */
  void requestWrite(WsConnection conn) {
    writes.add(conn);
    wakeup();
  }

  private void wakeup() {
    // One wake-up per turn, not one per connection: a fan-out asks for a thousand at once, and
    // Selector.wakeup takes a lock the loop thread also takes.
    if (!wakeupPending && WAKEUP_PENDING.compareAndSet(this, false, true)) {
      selector.wakeup();
    }
  }

  /** Stops accepting: closes the listening socket. Loop thread (through {@link #execute}). */
  void closeListener() {
    if (listenKey == null) {
      return;
    }
    listenKey.cancel();
    try {
      listener.close();
    } catch (IOException e) {
      log.debug("closing the listening socket: {}", e.toString());
    }
  }

  /** Closes the listening socket and the selector of a loop that was never started. */
  void closeSelector() {
    closeListener();
    try {
      selector.close();
    } catch (IOException e) {
      log.debug("closing the selector: {}", e.toString());
    }
  }

  /** Ends the loop after its current turn and waits for it; sockets still open are left as is. */
  void stop(long timeoutMs) throws InterruptedException {
    running = false;
    selector.wakeup();
    if (thread.isAlive() && !inLoop()) {
      thread.join(timeoutMs);
    }
  }

  /** How many times a socket that had been full became writable (for tests). */
  long writableCount() {
    return writableCount;
  }

  @Override
  public void run() {
    try {
      while (running) {
        turn();
      }
    } catch (ClosedSelectorException e) {
      // stopped
    } catch (RuntimeException | Error e) {
      log.error("the WebSocket event loop failed; no connection is served any more", e);
      throw e;
    } finally {
      closeListener();
      try {
        selector.close();
      } catch (IOException e) {
        log.debug("closing the selector: {}", e.toString());
      }
    }
  }

  private void turn() {
    try {
      // A poll during the last pass of writes may have taken the selector's wake-up: work that
      // is queued already must not wait for the next socket event.
      if (moreToRead.isEmpty() && tasks.isEmpty() && writes.isEmpty()) {
        selector.select();
      } else {
        selector.selectNow();
      }
    } catch (IOException e) {
      log.warn("select failed: {}", e.toString());
      return;
    }
    // From here on a new task or write wakes the next select; those queued before are run now.
    wakeupPending = false;
    runTasks();
    writeRequested();
    readMoreTls();
    handleSelected();
  }

  /** A look at the sockets in the middle of a long pass of writes: reads (and accepts) now. */
  private void poll() {
    try {
      selector.selectNow();
    } catch (IOException e) {
      log.warn("select failed: {}", e.toString());
      return;
    }
    wakeupPending = false; // selectNow took any wake-up; the next turn checks the queues
    handleSelected();
  }

  /** Handles the sockets the last select found ready. */
  private void handleSelected() {
    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
    while (keys.hasNext()) {
      SelectionKey key = keys.next();
      keys.remove();
      try {
        if (key == listenKey) {
          accept();
          continue;
        }
        WsConnection conn = (WsConnection) key.attachment();
        if (conn == null || !key.isValid()) {
          continue;
        }
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_READ) != 0) {
          read(conn);
        }
        if ((ready & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
          writableCount++; // single writer: the loop
          write(conn);
        }
      } catch (CancelledKeyException e) {
        // closed by another thread meanwhile
      } catch (RuntimeException e) {
        // A fault of ours with one connection must not end the loop for all the others.
        log.error("handling a socket event failed; closing that connection", e);
        if (key.attachment() instanceof WsConnection conn) {
          cut(conn, "internal error");
        }
      }
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = tasks.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("a task on the WebSocket loop failed", e);
      }
    }
  }

  /** Writes for every connection that asked since the last turn. */
  private void writeRequested() {
    WsConnection conn;
    while ((conn = writes.poll()) != null) {
      writing.add(conn);
    }
    // One pass over this turn's requests: a connection that asks again meanwhile (another frame
    // arrived) is written at the next turn, which its request makes immediate, so a steady stream
    // of writes cannot starve reads.
    for (int i = 0; i < writing.size(); i++) {
      conn = writing.get(i);
      writing.set(i, null);
      conn.writeTaken(); // before writing: a frame queued from now on asks again
      if (!conn.key.isValid()) {
        conn.discardOutput();
      } else if (!conn.waitingWritable) {
        write(conn);
      }
      if ((i + 1) % WRITES_BETWEEN_POLLS == 0 && i + 1 < writing.size()) {
        poll();
      }
    }
    writing.clear();
  }

  private void write(WsConnection conn) {
    try {
      boolean done = conn.flush(gather, staging);
      trace.wrote(conn);
      SelectionKey key = conn.key;
      if (!key.isValid()) {
        return;
      }
      if (!done) {
        if (!conn.waitingWritable) {
          conn.waitingWritable = true;
          key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
        return;
      }
      if (conn.waitingWritable || (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
        conn.waitingWritable = false;
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
      }
      if (conn.ws.isFlushAndClose() && !conn.hasOutput()) {
        // The library closes after its last frame (a close handshake's frame, a refused
        // handshake's response) is written.
        conn.ws.closeConnection();
      }
    } catch (IOException e) {
      handler.writeFailed(conn, e);
    } catch (CancelledKeyException e) {
      conn.discardOutput();
    }
  }

  private void read(WsConnection conn) {
    trace.read(conn);
    ByteBuffer buf = readBuffer;
    buf.clear();
    int n;
    try {
      n = conn.channel.read(buf);
      if (conn.tls != null && n >= 0) {
        while (buf.hasRemaining() && conn.tls.isNeedRead()) {
          int more = conn.tls.readMore(buf);
          if (more <= 0) {
            break;
          }
          n += more;
        }
        readAgainIfHeld(conn);
      }
    } catch (IOException e) {
      stopReading(conn);
      handler.endOfInput(conn, e);
      return;
    }
    if (n < 0) {
      stopReading(conn);
      handler.endOfInput(conn, null);
      return;
    }
    if (buf.position() > 0) {
      conn.countRead(buf.position());
      buf.flip();
      handler.received(conn, buf);
    }
  }

  /** Reads decrypted bytes a TLS connection already holds (no socket readiness will say so). */
  private void readMoreTls() {
    if (moreToRead.isEmpty()) {
      return;
    }
    List<WsConnection> now = new ArrayList<>(moreToRead);
    moreToRead.clear();
    for (WsConnection conn : now) {
      conn.heldForReading = false;
      if (conn.key.isValid() && !conn.readPaused) {
        read(conn); // a paused one is read again when resumeReading lets it
      }
    }
  }

  /** Reads {@code conn} again next turn if its TLS channel holds decrypted bytes. Loop only. */
  private void readAgainIfHeld(WsConnection conn) {
    if (conn.tls != null && !conn.heldForReading && conn.tls.isNeedRead()) {
      conn.heldForReading = true;
      moreToRead.add(conn);
    }
  }

  /** Stops watching {@code conn} for input (end of input, or too much undecoded). Loop only. */
  void stopReading(WsConnection conn) {
    SelectionKey key = conn.key;
    if (key.isValid()) {
      key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
    }
  }

  /** Watches {@code conn} for input again. Loop only. */
  void resumeReading(WsConnection conn) {
    SelectionKey key = conn.key;
    if (key.isValid() && !conn.endOfInput) {
      key.interestOps(key.interestOps() | SelectionKey.OP_READ);
      readAgainIfHeld(conn); // bytes it holds will not make the socket readable
    }
  }

  private void accept() {
    for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
      SocketChannel socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        acceptFailed(e);
        return;
      }
      if (socket == null) {
        break;
      }
      acceptSucceeded();
      try {
        handler.accepted(socket);
      } catch (IOException e) {
        log.debug("setting up an accepted socket failed: {}", e.toString());
        closeQuietly(socket);
      }
    }
  }

  /**
   * Accepting failed, most likely for want of file descriptors: the pending connection stays in
   * the backlog, so watching the listening socket now would spin. Stop watching it, try again
   * after a back-off, and say so at ERROR (the server cannot take clients), once per episode and
   * at most once in {@link #ACCEPT_ERROR_QUIET_NANOS}.
   */
  private void acceptFailed(IOException e) {
    if (!acceptFailing) {
      acceptFailing = true;
      long now = System.nanoTime();
      String say = "cannot accept WebSocket connections: {}; open connections are still served, "
          + "retrying with back-off";
      if (!acceptErrorSaid || now - acceptErrorAtNanos > ACCEPT_ERROR_QUIET_NANOS) {
        acceptErrorSaid = true;
        acceptErrorAtNanos = now;
        log.error(say, e.toString());
      } else {
        log.warn(say, e.toString());
      }
    } else {
      log.debug("accept failed again: {}", e.toString());
    }
    if (!listenKey.isValid()) {
      return;
    }
    listenKey.interestOps(0);
    long delay = acceptRetryMs;
    acceptRetryMs = Math.min(ACCEPT_RETRY_MAX_MS, acceptRetryMs * 2);
    try {
      timer.schedule(() -> execute(() -> {
        if (listenKey.isValid()) {
          listenKey.interestOps(SelectionKey.OP_ACCEPT);
        }
      }), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      // the transport is stopping
    }
  }

  private void acceptSucceeded() {
    if (acceptFailing) {
      acceptFailing = false;
      log.info("accepting WebSocket connections again");
    }
    acceptRetryMs = ACCEPT_RETRY_FIRST_MS;
  }

  /** Closes a socket at once, with a reset rather than a lingering close. */
  static void closeQuietly(SocketChannel socket) {
    try {
      socket.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException e) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to do
    }
  }

  /** Cuts a connection from the loop thread (an I/O failure, a deadline). */
  static void cut(WsConnection conn, String reason) {
    conn.ws.closeConnection(CloseFrame.ABNORMAL_CLOSE, reason);
  }
}
