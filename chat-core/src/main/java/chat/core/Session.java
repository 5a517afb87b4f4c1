package chat.core;

/**
 * One connected client, as a transport sees it: the way out. This is the only interface a
 * transport implements; core calls it to deliver events and to close the connection. Its
 * counterpart, the way in, is the {@link SessionHandler} that {@link ChatService#open} returns.
 *
 * <p>Words used throughout: a <em>session</em> is one connected client (one WebSocket, one
 * in-JVM client), from open to close; a user may have several at once. A <em>connection</em> is
 * the transport's socket under a session. A signed-in token outlives both.
 *
 * <p>Implementations must be thread-safe: core calls {@link #send} from whichever thread produced
 * the event (a request handler, a store's commit thread, a timer). {@link #send} must never block:
 * it queues the event and returns. A session whose queue is over its bound must close itself
 * with {@link CloseCodes#POLICY_VIOLATION} "slow consumer" rather than drop an event and stay
 * open.
 */
public interface Session {

  /**
   * Queues an event for delivery, in order after every event queued before it.
   *
   * @return false if the session is closing or closed, or was closed by this call for being slow
   */
  boolean send(Outbound event);

  /**
   * Starts closing the connection with a WebSocket close code and reason. Idempotent. The
   * transport reports the end through {@link SessionHandler#closed()}.
   */
  void close(int code, String reason);

  /**
   * The client's address, for per-address limits: the TCP peer, or, behind a trusted proxy,
   * the address the proxy reported. Null when the transport has none (in-process clients), which
   * per-address limits treat as one shared address.
   */
  default String clientAddress() {
    return null;
  }

  /** A short description for logs (e.g. the peer address). Never contains secrets. */
  default String describe() {
    return toString();
  }
}
