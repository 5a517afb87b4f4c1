package chat.core.local;

import static java.util.Objects.requireNonNull;

import chat.core.ChatMetrics;
import chat.core.ChatService;
import chat.core.CloseCodes;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-JVM transport: clients in the same JVM as the core, speaking the protocol's own {@link
 * chat.protocol.Request} and {@link chat.protocol.Event} types with no socket and no JSON. It
 * behaves as the wire does: {@code hello} first, replies and events in order, a bounded queue per
 * client (a client that does not keep up is closed 1008 "slow consumer", and counted as such in
 * {@link ChatMetrics}), close codes.
 *
 * <p>Events reach each client's {@link ClientListener} on a pool of daemon threads, never on
 * the core's threads, so a listener cannot stall the core and may call back into it.
 *
 * <p>{@link #close()} and the core's stop may come in either order: each closes the clients
 * still open with 1001, and their listeners' {@link ClientListener#onClose} follows.
 */
public final class LocalTransport implements AutoCloseable {
  public static final int DEFAULT_MAX_QUEUED_EVENTS = 10_000;

  private final ChatService chat;
  private final int maxQueuedEvents;
  private final ChatMetrics metrics;
  private final ExecutorService dispatch;
  private final Set<LocalClient> open = ConcurrentHashMap.newKeySet();
  private boolean closed; // guarded by this

  public LocalTransport(ChatService chat) {
    this(chat, DEFAULT_MAX_QUEUED_EVENTS);
  }

  /** A transport whose slow-consumer closes are counted in {@code metrics}. */
  @Inject
  public LocalTransport(ChatService chat, ChatMetrics metrics) {
    this(chat, DEFAULT_MAX_QUEUED_EVENTS, metrics);
  }

  public LocalTransport(ChatService chat, int maxQueuedEvents) {
    this(chat, maxQueuedEvents, ChatMetrics.NONE);
  }

  public LocalTransport(ChatService chat, int maxQueuedEvents, ChatMetrics metrics) {
    this.chat = requireNonNull(chat, "chat is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    if (maxQueuedEvents < 1) {
      throw new IllegalArgumentException("maxQueuedEvents must be positive");
    }
    this.maxQueuedEvents = maxQueuedEvents;
    AtomicInteger count = new AtomicInteger();
    this.dispatch = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), runnable -> {
          Thread t = new Thread(runnable, "chat-local-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Connects a new client; its listener gets {@code hello} first.
   *
   * @throws IllegalStateException if the transport is closed or the core not started
   */
  public synchronized LocalClient connect(ClientListener listener) {
    if (closed) {
      throw new IllegalStateException("the local transport is closed");
    }
    LocalClient client = new LocalClient(requireNonNull(listener, "listener is null"),
        maxQueuedEvents, dispatch, metrics, open::remove);
    open.add(client);
    client.attach(chat.open(client.session()));
    return client;
  }

  /**
   * Closes every open client with 1001 (their {@code onClose} follows) and refuses new ones; the
   * dispatch threads end once they have delivered what is queued. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (LocalClient client : open) {
      client.session().close(CloseCodes.GOING_AWAY, "server shutting down");
    }
    dispatch.shutdown();
  }
}
