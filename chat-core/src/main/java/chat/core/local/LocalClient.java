package chat.core.local;

import chat.core.ChatMetrics;
import chat.core.CloseCodes;
import chat.core.SessionHandler;
import chat.core.Outbound;
import chat.core.Session;
import chat.protocol.Event;
import chat.protocol.Request;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One in-JVM client of a {@link LocalTransport}. Lifecycle: open → closed (by {@link #close()},
 * or by the server: logout, auth timeout, flood, slow consumer, shutdown). Once closed, {@link
 * #send} returns false and {@link #call} fails.
 *
 * <p>A listener that throws ends its client: the failure is logged at WARN, the client is closed
 * with 1011 (events still queued are dropped) and the listener's {@link ClientListener#onClose}
 * follows, as for any close.
 */
public final class LocalClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalClient.class);

  private final ClientListener listener;
  private final int maxQueued;
  private final Executor dispatch;
  private final ChatMetrics metrics;
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>(); // Event or Closed
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Consumer<LocalClient> onClosed;
  private boolean closeDelivered; // only accessed by the draining thread
  private boolean listenerFailed; // only accessed by the draining thread
  private final Map<String, CompletableFuture<Event>> calls = new ConcurrentHashMap<>();
  private final Session session = new LocalSession();
  private volatile SessionHandler handler;

  /** {@code onClosed} hears once that the client closed, on the thread that closed it. */
  LocalClient(ClientListener listener, int maxQueued, Executor dispatch, ChatMetrics metrics,
      Consumer<LocalClient> onClosed) {
    this.listener = listener;
    this.maxQueued = maxQueued;
    this.dispatch = dispatch;
    this.metrics = metrics;
    this.onClosed = onClosed;
  }

  Session session() {
    return session;
  }

  void attach(SessionHandler handler) {
    this.handler = handler;
  }

  /**
   * Sends a request, as a client sends a frame. The reply, if any, comes to the listener.
   *
   * @return false if the client is closed
   */
  public boolean send(Request request) {
    if (closed.get()) {
      return false;
    }
    handler.receive(request);
    return true;
  }

  /**
   * Sends a request that has an id and completes with its reply: an {@link Event.Ok} or an
   * {@link Event.Error} (errors complete normally; the caller inspects them). Fails with {@link
   * IllegalStateException} if the client is or becomes closed first. The listener sees the reply
   * too.
   */
  public CompletableFuture<Event> call(Request request) {
    if (request.id() == null) {
      throw new IllegalArgumentException("call() needs a request with an id");
    }
    CompletableFuture<Event> reply = new CompletableFuture<>();
    if (calls.putIfAbsent(request.id(), reply) != null) {
      throw new IllegalArgumentException("a call with id " + request.id() + " is in flight");
    }
    if (!send(request)) {
      calls.remove(request.id());
      reply.completeExceptionally(new IllegalStateException("client is closed"));
    }
    return reply;
  }

  public boolean isOpen() {
    return !closed.get();
  }

  /** Closes the connection (code 1000); the listener's {@link ClientListener#onClose} follows. */
  @Override
  public void close() {
    session.close(CloseCodes.NORMAL, "client closed");
  }

  private void enqueue(Object item) {
    queue.add(item);
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (draining.compareAndSet(false, true)) {
      try {
        dispatch.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false); // transport closed: nothing more is delivered
      }
    }
  }

  private void drain() {
    for (;;) {
      Object item;
      while ((item = queue.poll()) != null) {
        deliver(item);
      }
      draining.set(false);
      if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }

  private void deliver(Object item) {
    if (closeDelivered) {
      return; // an event that raced the close: the listener has heard the last of this client
    }
    if (item instanceof Closed c) {
      closeDelivered = true;
      SessionHandler handler = this.handler;
      if (handler != null) {
        handler.closed();
      }
      IllegalStateException gone = new IllegalStateException("closed: " + c.code + " " + c.reason);
      calls.values().forEach(f -> f.completeExceptionally(gone));
      calls.clear();
      try {
        listener.onClose(c.code, c.reason);
      } catch (RuntimeException e) {
        log.warn("the listener of {} threw in onClose", session.describe(), e);
      }
      return;
    }
    queued.decrementAndGet();
    if (listenerFailed) {
      return; // the close is queued behind this event: the listener hears that next
    }
    Event event = (Event) item;
    String re = event instanceof Event.Ok ok ? ok.re()
        : event instanceof Event.Error err ? err.re() : null;
    if (re != null) {
      CompletableFuture<Event> reply = calls.remove(re);
      if (reply != null) {
        reply.complete(event);
      }
    }
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      log.warn("the listener of {} threw on {}; closing it with 1011", session.describe(),
          event.getClass().getSimpleName(), e);
      listenerFailed = true;
      session.close(CloseCodes.SERVER_ERROR, "listener failed");
    }
  }

  private record Closed(int code, String reason) {}

  private final class LocalSession implements Session {
    @Override
    public boolean send(Outbound out) {
      if (closed.get()) {
        return false;
      }
      if (queued.incrementAndGet() > maxQueued) {
        queued.decrementAndGet();
        if (closeOnce(CloseCodes.POLICY_VIOLATION, "slow consumer")) {
          metrics.closed(ChatMetrics.Close.SLOW_CONSUMER);
        }
        return false;
      }
      enqueue(out.event());
      return true;
    }

    @Override
    public void close(int code, String reason) {
      closeOnce(code, reason);
    }

    /** Closes the client unless it is closed already: true if this call closed it. */
    private boolean closeOnce(int code, String reason) {
      if (!closed.compareAndSet(false, true)) {
        return false;
      }
      onClosed.accept(LocalClient.this);
      enqueue(new Closed(code, reason));
      return true;
    }

    @Override
    public String describe() {
      return "local@" + Integer.toHexString(System.identityHashCode(LocalClient.this));
    }
  }
}
