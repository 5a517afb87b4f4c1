package chat.core;

/**
 * The chat core's entry point for transports. {@link #open} a {@link SessionHandler} for each client
 * that connects; core sends it the {@code hello} frame at once.
 *
 * <p>Lifecycle: the core is one of the {@link Managed} objects its modules bind, so the
 * injector's {@link Lifecycle} starts it (after the stores, before the transports) and stops it.
 * {@link #open} before the start fails; after the stop, every session is closed with {@link
 * CloseCodes#GOING_AWAY} and new ones are refused the same way.
 */
public interface ChatService {

  /** Registers a new client connection and sends it {@code hello}. */
  SessionHandler open(Session session);

  /** The number of open connections. */
  int connectionCount();
}
