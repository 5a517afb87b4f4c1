/*
 * Copyright (c) 2010-2020 Nathan Rajlich
 *
 *  Permission is hereby granted, free of charge, to any person
 *  obtaining a copy of this software and associated documentation
 *  files (the "Software"), to deal in the Software without
 *  restriction, including without limitation the rights to use,
 *  copy, modify, merge, publish, distribute, sublicense, and/or sell
 *  copies of the Software, and to permit persons to whom the
 *  Software is furnished to do so, subject to the following
 *  conditions:
 *
 *  The above copyright notice and this permission notice shall be
 *  included in all copies or substantial portions of the Software.
 *
 *  THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
 *  EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES
 *  OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
 *  NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT
 *  HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
 *  WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
 *  FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR
 *  OTHER DEALINGS IN THE SOFTWARE.
 */

package chat.transport.ws;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.AbstractWebSocket;
import org.java_websocket.SocketChannelIOHelper;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketFactory;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.WrappedByteChannel;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.WrappedIOException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.server.DefaultWebSocketServerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Java-WebSocket 1.6.0's {@code org.java_websocket.server.WebSocketServer}, copied (MIT licence
 * above) with its selector loop and write path changed. The library's {@code WebSocketImpl}
 * (handshake, framing, close protocol), its drafts, channel factories (TLS) and heartbeat are
 * used unchanged; only the server loop around them is ours. Unused parts (broadcast, the
 * constructors we do not call, existing-channel mode) are left out.
 *
 * <p>What differs from 1.6.0, and why (each found in a profile or a test; see
 * docs/benchmarks.md, "Profiles"):
 *
 * <ol>
 *   <li><b>Every selected key is removed from the selected-key set when it is handled.</b> 1.6.0
 *       removes a key only in {@code doAccept} and in {@code doRead} when the read produced
 *       data; a key selected for writing stays in the set for good, and NIO keeps its write-ready
 *       bit, so every later pass calls {@code doWrite} on every connection that was ever written
 *       to. Under mixed load with 10,000 connections that loop was 77% of the server's CPU.
 *   <li><b>Write demand is a queue the selector drains, not an interest change per frame.</b>
 *       1.6.0's {@code onWriteDemand} sets OP_WRITE on the key and wakes the selector for every
 *       frame queued (two {@code epoll_ctl} calls and a wake-up per frame), and its {@code
 *       doWrite} resets the key to OP_READ after draining, which loses the write interest of a
 *       frame another thread queued in between (the frame then waited for the next write, up to a
 *       ping interval). Here a connection with frames to send is put once on {@link #writeDemand}
 *       (deduplicated through {@link Outgoing}); the selector thread drains the queue after each
 *       select and writes each connection's frames at once ({@link CountingChannel} gathers them
 *       into one {@code writev}). Chat frames wait in the session's own lock-free queue ({@link
 *       Outgoing#flush}), not in the library's {@code LinkedBlockingQueue}, whose locks the
 *       senders and the selector contended for on every frame; only a socket that cannot take everything gets OP_WRITE, until
 *       it drains. A frame queued while its connection is being written re-queues the
 *       connection, so none is left behind, and the periodic sweep that repaired that race is
 *       gone.
 * </ol>
 */
abstract class PatchedWebSocketServer extends AbstractWebSocket implements Runnable {

  /**
   * A connection's attachment that queues its own frames outside the library's {@code outQueue}
   * (a lock-free queue; {@code outQueue} is a {@code LinkedBlockingQueue} whose locks the
   * senders and the selector contend for on every frame). The selector writes the library's
   * frames first (the handshake response, pings, a close), then these.
   */
  interface Outgoing {
    /** Marks the connection as waiting for the selector; false if it already was. */
    boolean requestWrite();

    /** The selector took the connection: frames queued from now on need a new request. */
    void writeTaken();

    /**
     * Writes the frames queued here, after the library's own are written; selector thread only.
     *
     * @return true if nothing is left to write, false if the socket is full
     */
    boolean flush() throws IOException;
  }

  private final Logger log = LoggerFactory.getLogger(PatchedWebSocketServer.class);

  private final Collection<WebSocket> connections;
  private final InetSocketAddress address;
  private ServerSocketChannel server;
  private volatile Selector selector;
  private final List<Draft> drafts;

  private Thread selectorthread;

  private final AtomicBoolean isclosed = new AtomicBoolean(false);

  protected List<WebSocketWorker> decoders;

  private final List<WebSocketImpl> iqueue;
  private final BlockingQueue<ByteBuffer> buffers;
  private final AtomicInteger queuesize = new AtomicInteger(0);

  /** Connections with frames queued that the selector has not taken yet. */
  private final ConcurrentLinkedQueue<WebSocketImpl> writeDemand = new ConcurrentLinkedQueue<>();
  /** A wake-up was requested since the selector last returned from select (changed). */
  private volatile boolean wakeupPending;
  private static final VarHandle WAKEUP_PENDING;

  static {
    try {
      WAKEUP_PENDING = MethodHandles.lookup()
          .findVarHandle(PatchedWebSocketServer.class, "wakeupPending", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The selector thread's scratch list for one drain of {@link #writeDemand}. */
  private final List<WebSocketImpl> draining = new ArrayList<>();

  /** How often a key was handled as write-ready; written by the selector thread only (tests). */
  private volatile long writeReadyCount;

  private WebSocketServerFactory wsf = new DefaultWebSocketServerFactory();

  private int maxPendingConnections = -1;

  PatchedWebSocketServer(InetSocketAddress address, int decodercount, List<Draft> drafts) {
    if (address == null || decodercount < 1) {
      throw new IllegalArgumentException("address must not be null and you need at least 1 decoder");
    }
    this.drafts = drafts == null ? Collections.emptyList() : drafts;
    this.address = address;
    this.connections = new HashSet<>();
    setTcpNoDelay(false);
    setReuseAddr(false);
    iqueue = new LinkedList<>();

    decoders = new ArrayList<>(decodercount);
    buffers = new LinkedBlockingQueue<>();
    for (int i = 0; i < decodercount; i++) {
      WebSocketWorker ex = new WebSocketWorker();
      decoders.add(ex);
    }
  }

  /** Starts the selector thread. */
  public void start() {
    if (selectorthread != null) {
      throw new IllegalStateException(getClass().getName() + " can only be started once.");
    }
    Thread t = new Thread(this);
    t.setDaemon(isDaemon());
    t.start();
  }

  /**
   * Closes all connections with 1001 and stops the server, waiting at most {@code timeout} ms
   * for the selector thread.
   */
  public void stop(int timeout, String closeMessage) throws InterruptedException {
    if (!isclosed.compareAndSet(false, true)) {
      return; // this also makes sure that no further connections will be added
    }
    List<WebSocket> socketsToClose;
    synchronized (connections) { // copy (prevent callback deadlocks)
      socketsToClose = new ArrayList<>(connections);
    }
    for (WebSocket ws : socketsToClose) {
      ws.close(CloseFrame.GOING_AWAY, closeMessage);
    }
    wsf.close();
    synchronized (this) {
      if (selectorthread != null && selector != null) {
        selector.wakeup();
        selectorthread.join(timeout);
      }
    }
  }

  public void stop(int timeout) throws InterruptedException {
    stop(timeout, "");
  }

  /** A copy of the open connections. */
  @Override
  public Collection<WebSocket> getConnections() {
    synchronized (connections) {
      return Collections.unmodifiableCollection(new ArrayList<>(connections));
    }
  }

  /** How many connections are open, without copying them. */
  int connectionCount() {
    synchronized (connections) {
      return connections.size();
    }
  }

  /** How many times the selector handled a key selected as write-ready (for tests). */
  long writeReadyCount() {
    return writeReadyCount;
  }

  public InetSocketAddress getAddress() {
    return this.address;
  }

  /** The bound port: the configured one, or the one picked when configured with 0. */
  public int getPort() {
    int port = getAddress().getPort();
    if (port == 0 && server != null) {
      port = server.socket().getLocalPort();
    }
    return port;
  }

  @Override
  public void setDaemon(boolean daemon) {
    super.setDaemon(daemon);
    for (WebSocketWorker w : decoders) {
      if (w.isAlive()) {
        throw new IllegalStateException("Cannot call setDaemon after server is already started!");
      } else {
        w.setDaemon(daemon);
      }
    }
  }

  public void setMaxPendingConnections(int numberOfConnections) {
    maxPendingConnections = numberOfConnections;
  }

  public int getMaxPendingConnections() {
    return maxPendingConnections;
  }

  @Override
  public void run() {
    if (!doEnsureSingleThread()) {
      return;
    }
    if (!doSetupSelectorAndServerThread()) {
      return;
    }
    try {
      int shutdownCount = 5;
      int selectTimeout = 0;
      while (!selectorthread.isInterrupted() && shutdownCount != 0) {
        SelectionKey key = null;
        try {
          if (isclosed.get()) {
            selectTimeout = 5;
          }
          int keyCount = selector.select(selectTimeout);
          // From here on a new write demand wakes the next select; one queued before this
          // line is drained now, before anything here can throw, so none waits for a timeout.
          wakeupPending = false;
          doWriteDemand();
          if (keyCount == 0 && isclosed.get()) {
            shutdownCount--;
          }
          Set<SelectionKey> keys = selector.selectedKeys();
          Iterator<SelectionKey> i = keys.iterator();

          while (i.hasNext()) {
            key = i.next();
            i.remove(); // changed: 1.6.0 left write-selected keys in the set forever

            if (!key.isValid()) {
              continue;
            }

            if (key.isAcceptable()) {
              doAccept(key);
              continue;
            }

            if (key.isReadable() && !doRead(key)) {
              continue;
            }

            if (key.isValid() && key.isWritable()) {
              doWrite(key);
            }
          }
          key = null;
          doAdditionalRead();
        } catch (CancelledKeyException e) {
          // an other thread may cancel the key
        } catch (ClosedByInterruptException e) {
          return; // do the same stuff as when InterruptedException is thrown
        } catch (WrappedIOException ex) {
          handleIOException(key, ex.getConnection(), ex.getIOException());
        } catch (IOException ex) {
          handleIOException(key, null, ex);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    } catch (RuntimeException e) {
      // should hopefully never occur
      handleFatal(null, e);
    } finally {
      doServerShutdown();
    }
  }

  /**
   * Writes the frames of every connection that asked since the last pass (new code). Takes the
   * connections queued now and writes those; a connection queued again meanwhile (another frame
   * arrived) waits for the next pass, which its request's wake-up makes immediate, so reads are
   * not starved by a steady stream of writes.
   */
  private void doWriteDemand() {
    WebSocketImpl conn;
    while ((conn = writeDemand.poll()) != null) {
      draining.add(conn);
    }
    for (int n = 0; n < draining.size(); n++) {
      conn = draining.get(n);
      draining.set(n, null);
      if (conn.getAttachment() instanceof Outgoing out) {
        out.writeTaken(); // before writing: a frame queued from now on asks again
      }
      SelectionKey key = conn.getSelectionKey();
      try {
        if (key == null || !key.isValid()) {
          conn.outQueue.clear(); // closed: whoever cancelled the key cleans up
          continue;
        }
        if (!writeQueued(conn) && key.isValid()
            && (key.interestOps() & SelectionKey.OP_WRITE) == 0) {
          // The socket is full: let the selector tell us when it drains.
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
      } catch (CancelledKeyException e) {
        conn.outQueue.clear();
      } catch (IOException e) {
        handleIOException(key, conn, e);
      }
    }
    draining.clear();
  }

  private void doAdditionalRead() throws InterruptedException, IOException {
    WebSocketImpl conn;
    while (!iqueue.isEmpty()) {
      conn = iqueue.remove(0);
      WrappedByteChannel c = ((WrappedByteChannel) conn.getChannel());
      ByteBuffer buf = takeBuffer();
      try {
        if (SocketChannelIOHelper.readMore(buf, conn, c)) {
          iqueue.add(conn);
        }
        if (buf.hasRemaining()) {
          conn.inQueue.put(buf);
          queue(conn);
        } else {
          pushBuffer(buf);
        }
      } catch (IOException e) {
        pushBuffer(buf);
        throw e;
      }
    }
  }

  private void doAccept(SelectionKey key) throws IOException, InterruptedException {
    if (!onConnect(key)) {
      key.cancel();
      return;
    }
    SocketChannel channel = server.accept();
    if (channel == null) {
      return;
    }
    channel.configureBlocking(false);
    Socket socket = channel.socket();
    socket.setTcpNoDelay(isTcpNoDelay());
    socket.setKeepAlive(true);
    WebSocketImpl w = wsf.createWebSocket(this, drafts);
    w.setSelectionKey(channel.register(selector, SelectionKey.OP_READ, w));
    try {
      w.setChannel(wsf.wrapChannel(channel, w.getSelectionKey()));
      allocateBuffers(w);
    } catch (IOException ex) {
      if (w.getSelectionKey() != null) {
        w.getSelectionKey().cancel();
      }
      handleIOException(w.getSelectionKey(), null, ex);
    }
  }

  private boolean doRead(SelectionKey key) throws InterruptedException, WrappedIOException {
    WebSocketImpl conn = (WebSocketImpl) key.attachment();
    ByteBuffer buf = takeBuffer();
    if (conn.getChannel() == null) {
      key.cancel();
      handleIOException(key, conn, new IOException());
      return false;
    }
    try {
      if (SocketChannelIOHelper.read(buf, conn, conn.getChannel())) {
        if (buf.hasRemaining()) {
          conn.inQueue.put(buf);
          queue(conn);
          if (conn.getChannel() instanceof WrappedByteChannel
              && ((WrappedByteChannel) conn.getChannel()).isNeedRead()) {
            iqueue.add(conn);
          }
        } else {
          pushBuffer(buf);
        }
      } else {
        pushBuffer(buf);
      }
    } catch (IOException e) {
      pushBuffer(buf);
      throw new WrappedIOException(conn, e);
    }
    return true;
  }

  /**
   * Writes what {@code conn} has queued: the library's frames, then those of its {@link
   * Outgoing}. True if nothing is left.
   */
  private static boolean writeQueued(WebSocketImpl conn) throws IOException {
    if (!SocketChannelIOHelper.batch(conn, conn.getChannel())) {
      return false;
    }
    return !(conn.getAttachment() instanceof Outgoing out) || out.flush();
  }

  /** The key's socket drained: write what is queued; once all is written, stop watching. */
  private void doWrite(SelectionKey key) throws WrappedIOException {
    WebSocketImpl conn = (WebSocketImpl) key.attachment();
    writeReadyCount++; // single writer
    try {
      if (writeQueued(conn) && key.isValid()) {
        // A frame queued after batch saw the queue empty has asked through writeDemand.
        key.interestOps(SelectionKey.OP_READ);
      }
    } catch (IOException e) {
      throw new WrappedIOException(conn, e);
    }
  }

  private boolean doSetupSelectorAndServerThread() {
    selectorthread.setName("WebSocketSelector-" + selectorthread.getId());
    try {
      server = ServerSocketChannel.open();
      server.configureBlocking(false);
      ServerSocket socket = server.socket();
      int receiveBufferSize = getReceiveBufferSize();
      if (receiveBufferSize > 0) {
        socket.setReceiveBufferSize(receiveBufferSize);
      }
      socket.setReuseAddress(isReuseAddr());
      socket.bind(address, getMaxPendingConnections());
      selector = Selector.open();
      server.register(selector, server.validOps());
      startConnectionLostTimer();
      for (WebSocketWorker ex : decoders) {
        ex.start();
      }
      onStart();
    } catch (IOException ex) {
      handleFatal(null, ex);
      return false;
    }
    return true;
  }

  private boolean doEnsureSingleThread() {
    synchronized (this) {
      if (selectorthread != null) {
        throw new IllegalStateException(getClass().getName() + " can only be started once.");
      }
      selectorthread = Thread.currentThread();
      if (isclosed.get()) {
        return false;
      }
    }
    return true;
  }

  private void doServerShutdown() {
    stopConnectionLostTimer();
    if (decoders != null) {
      for (WebSocketWorker w : decoders) {
        w.interrupt();
      }
    }
    if (selector != null) {
      try {
        selector.close();
      } catch (IOException e) {
        log.error("IOException during selector.close", e);
        onError(null, e);
      }
    }
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        log.error("IOException during server.close", e);
        onError(null, e);
      }
    }
  }

  protected void allocateBuffers(WebSocket c) throws InterruptedException {
    if (queuesize.get() >= 2 * decoders.size() + 1) {
      return;
    }
    queuesize.incrementAndGet();
    buffers.put(createBuffer());
  }

  public ByteBuffer createBuffer() {
    int receiveBufferSize = getReceiveBufferSize();
    return ByteBuffer.allocate(receiveBufferSize > 0 ? receiveBufferSize : DEFAULT_READ_BUFFER_SIZE);
  }

  /**
   * Hands read data to the connection's decoder. Changed: 1.6.0 assigns workers round-robin and
   * stores the worker in the connection, whose setter takes only the library's own worker type;
   * here the worker follows from the connection's identity hash, which pins each connection to
   * one worker just the same (its frames are decoded in order) without per-connection state.
   */
  protected void queue(WebSocketImpl ws) throws InterruptedException {
    decoders.get(Math.floorMod(System.identityHashCode(ws), decoders.size())).put(ws);
  }

  private ByteBuffer takeBuffer() throws InterruptedException {
    return buffers.take();
  }

  private void pushBuffer(ByteBuffer buf) throws InterruptedException {
    if (buffers.size() > queuesize.intValue()) {
      return;
    }
    buffers.put(buf);
  }

  private void handleIOException(SelectionKey key, WebSocket conn, IOException ex) {
    if (key != null) {
      key.cancel();
    }
    if (conn != null) {
      conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, ex.getMessage());
    } else if (key != null) {
      SelectableChannel channel = key.channel();
      if (channel != null && channel.isOpen()) { // e.g. an SSLException
        try {
          channel.close();
        } catch (IOException e) {
          // there is nothing that must be done here
        }
        log.trace("Connection closed because of exception", ex);
      }
    }
  }

  private void handleFatal(WebSocket conn, Exception e) {
    log.error("Shutdown due to fatal error", e);
    onError(conn, e);
    String causeMessage = e.getCause() != null ? " caused by " + e.getCause().getClass().getName() : "";
    String errorMessage = "Got error on server side: " + e.getClass().getName() + causeMessage;
    try {
      stop(0, errorMessage);
    } catch (InterruptedException e1) {
      Thread.currentThread().interrupt();
      log.error("Interrupt during stop", e);
      onError(null, e1);
    }
    if (decoders != null) { // Java-WebSocket #222
      for (WebSocketWorker w : decoders) {
        w.interrupt();
      }
    }
    if (selectorthread != null) {
      selectorthread.interrupt();
    }
  }

  @Override
  public final void onWebsocketMessage(WebSocket conn, String message) {
    onMessage(conn, message);
  }

  @Override
  public final void onWebsocketMessage(WebSocket conn, ByteBuffer blob) {
    onMessage(conn, blob);
  }

  @Override
  public final void onWebsocketOpen(WebSocket conn, Handshakedata handshake) {
    if (addConnection(conn)) {
      onOpen(conn, (ClientHandshake) handshake);
    }
  }

  @Override
  public final void onWebsocketClose(WebSocket conn, int code, String reason, boolean remote) {
    Selector s = selector;
    if (s != null) {
      s.wakeup();
    }
    if (removeConnection(conn)) {
      onClose(conn, code, reason, remote);
    }
  }

  protected boolean removeConnection(WebSocket ws) {
    boolean removed = false;
    synchronized (connections) {
      if (this.connections.contains(ws)) {
        removed = this.connections.remove(ws);
      } else {
        // e.g. the other endpoint did not send any handshake (Java-WebSocket #512)
        log.trace("Removing connection which is not in the connections collection! {}", ws);
      }
    }
    if (isclosed.get() && connectionCount() == 0) {
      selectorthread.interrupt();
    }
    return removed;
  }

  protected boolean addConnection(WebSocket ws) {
    if (!isclosed.get()) {
      synchronized (connections) {
        return this.connections.add(ws);
      }
    } else {
      // A connection got ready while the server is already stopping.
      ws.close(CloseFrame.GOING_AWAY);
      return true; // for consistency sake we will make sure that both onOpen will be called
    }
  }

  @Override
  public final void onWebsocketError(WebSocket conn, Exception ex) {
    onError(conn, ex);
  }

  /**
   * A frame was queued on {@code w} (changed): hands the connection to the selector once, not
   * an interest change and a wake-up per frame. Any thread.
   */
  @Override
  public final void onWriteDemand(WebSocket w) {
    WebSocketImpl conn = (WebSocketImpl) w;
    if (conn.getAttachment() instanceof Outgoing out && !out.requestWrite()) {
      return; // already waiting for the selector, which will write this frame too
    }
    writeDemand.add(conn); // before the flag is read: see run()
    // One wake-up per selector pass, not one per connection: Selector.wakeup takes a lock the
    // selector thread also takes, and a fan-out asks for a thousand connections at once.
    if (!wakeupPending && WAKEUP_PENDING.compareAndSet(this, false, true)) {
      Selector s = selector;
      if (s != null) {
        s.wakeup();
      }
    }
  }

  @Override
  public void onWebsocketCloseInitiated(WebSocket conn, int code, String reason) {
    onCloseInitiated(conn, code, reason);
  }

  @Override
  public void onWebsocketClosing(WebSocket conn, int code, String reason, boolean remote) {
    onClosing(conn, code, reason, remote);
  }

  public void onCloseInitiated(WebSocket conn, int code, String reason) {
  }

  public void onClosing(WebSocket conn, int code, String reason, boolean remote) {
  }

  public final void setWebSocketFactory(WebSocketServerFactory wsf) {
    if (this.wsf != null) {
      this.wsf.close();
    }
    this.wsf = wsf;
  }

  public final WebSocketFactory getWebSocketFactory() {
    return wsf;
  }

  /** Called on accept, before anything is read: false drops the connection. */
  protected boolean onConnect(SelectionKey key) {
    return true;
  }

  private Socket getSocket(WebSocket conn) {
    WebSocketImpl impl = (WebSocketImpl) conn;
    return ((SocketChannel) impl.getSelectionKey().channel()).socket();
  }

  @Override
  public InetSocketAddress getLocalSocketAddress(WebSocket conn) {
    return (InetSocketAddress) getSocket(conn).getLocalSocketAddress();
  }

  @Override
  public InetSocketAddress getRemoteSocketAddress(WebSocket conn) {
    return (InetSocketAddress) getSocket(conn).getRemoteSocketAddress();
  }

  public abstract void onOpen(WebSocket conn, ClientHandshake handshake);

  public abstract void onClose(WebSocket conn, int code, String reason, boolean remote);

  public abstract void onMessage(WebSocket conn, String message);

  public abstract void onError(WebSocket conn, Exception ex);

  public abstract void onStart();

  public void onMessage(WebSocket conn, ByteBuffer message) {
  }

  /** Decodes incoming data; each connection is pinned to one worker, so its frames stay in order. */
  public class WebSocketWorker extends Thread {

    private final BlockingQueue<WebSocketImpl> iqueue;

    public WebSocketWorker() {
      iqueue = new LinkedBlockingQueue<>();
      setName("WebSocketWorker-" + getId());
      setUncaughtExceptionHandler((t, e) -> log.error("Uncaught exception in thread {}: {}", t.getName(), e));
    }

    public void put(WebSocketImpl ws) throws InterruptedException {
      iqueue.put(ws);
    }

    @Override
    public void run() {
      WebSocketImpl ws = null;
      try {
        while (true) {
          ByteBuffer buf;
          ws = iqueue.take();
          buf = ws.inQueue.poll();
          assert (buf != null);
          doDecode(ws, buf);
          ws = null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (VirtualMachineError | LinkageError e) {
        log.error("Got fatal error in worker thread {}", getName());
        Exception exception = new Exception(e);
        handleFatal(ws, exception);
      } catch (Throwable e) {
        log.error("Uncaught exception in thread {}: {}", getName(), e);
        if (ws != null) {
          Exception exception = new Exception(e);
          onWebsocketError(ws, exception);
          ws.close();
        }
      }
    }

    private void doDecode(WebSocketImpl ws, ByteBuffer buf) throws InterruptedException {
      try {
        ws.decode(buf);
      } catch (Exception e) {
        log.error("Error while reading from remote connection", e);
      } finally {
        pushBuffer(buf);
      }
    }
  }
}
