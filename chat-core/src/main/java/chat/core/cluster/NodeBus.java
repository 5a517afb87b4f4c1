package chat.core.cluster;

/**
 * The wire between the server nodes of one chat: what one node tells the others (a message was
 * stored, a token revoked, a roster changed). A single server has none ({@link #NONE}); a
 * cluster has one carried by Redis pub/sub.
 *
 * <p>At most once: while a node is cut off from the bus, what others publish is lost to it. It
 * learns of that from {@link Listener#resubscribed()} and repairs what matters from the store.
 * Messages from one publisher arrive in the order it published them; messages from different
 * publishers may interleave in any order.
 */
public interface NodeBus {
  /** A bus that carries nothing: one node alone. */
  NodeBus NONE = new NodeBus() {
    @Override
    public void start(Listener listener) {}

    @Override
    public void publish(String message) {}

    @Override
    public boolean connected() {
      return true;
    }

    @Override
    public void stop() {}
  };

  /**
   * Subscribes; from now on every message published by any node, this one included, reaches
   * {@code listener}, one at a time, on a thread of the bus's. Returns once subscribed (or
   * throws if the bus cannot be reached at start).
   */
  void start(Listener listener);

  /**
   * Hands {@code message} to the bus for every node, without waiting for it to be sent. Never
   * blocks for long and never throws for a bus that is down: the message is then lost, and the
   * receivers' repair covers it.
   */
  void publish(String message);

  /** Whether the subscription is up at this moment (for readiness). */
  boolean connected();

  /** Unsubscribes and closes; nothing reaches the listener afterwards. */
  void stop();

  /** What a node does with what the bus brings. */
  interface Listener {
    /** A message some node published (this one included). */
    void received(String message);

    /**
     * The subscription is back after a break: anything published meanwhile was lost to this
     * node. Also called when a publish failed, for the same reason.
     */
    void resubscribed();
  }
}
