package chat.core;

/**
 * What the server counts for its operators: core, the store, the transport and the node bus
 * report here, and whoever runs them decides what to do with it (the server app exports it as
 * Prometheus metrics). The default, {@link #NONE}, drops everything; bind another with
 * {@code OptionalBinder.newOptionalBinder(binder(), ChatMetrics.class).setBinding()}.
 *
 * <p>Called on hot paths (every send, every delivery) from any thread: an implementation must
 * be thread-safe, never block, and do no more than bump a counter it holds already (no lookups
 * by name per call). It must not throw.
 */
public interface ChatMetrics {
  /** Drops everything: one node without metrics, tests. */
  ChatMetrics NONE = new ChatMetrics() {};

  /** Why the server closed a connection, for the reasons operators watch. */
  enum Close {
    /** Its client did not read: its unsent bytes passed {@code --max-outbound-bytes}. */
    SLOW_CONSUMER,
    /** Its client sent frames faster than the flood limit. */
    FLOOD,
    /** It did not sign in within {@code --auth-timeout-ms}. */
    AUTH_TIMEOUT
  }

  /** A connection signed in: registered, or logged in by password or token. */
  default void signedIn() {}

  /** A sign-in was refused: a wrong name or password, or a token expired or revoked. */
  default void signInFailed() {}

  /** A message was stored and acknowledged to its sender (a repeated send included). */
  default void sent() {}

  /** A new message was queued to {@code connections} connections on this node. */
  default void delivered(int connections) {}

  /** A request was answered {@code rate_limited}. */
  default void rateLimited() {}

  /** The server closed a connection for {@code reason}. */
  default void closed(Close reason) {}

  /** The store committed a batch of {@code appends} messages in {@code nanos}. */
  default void committed(int appends, long nanos) {}

  /** The node bus published a message; {@code nanos} from the call until the bus took it. */
  default void busPublished(long nanos) {}

  /** The node bus came back after a break (or lost a publish): this node repairs from the store. */
  default void busResubscribed() {}

  /** A gap in what the bus brought for one conversation was filled from the store. */
  default void gapRepaired() {}
}
