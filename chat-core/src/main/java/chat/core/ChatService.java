package chat.core;

/**
 * The chat core's entry point for transports. {@link #open} a {@link Connection} for each client
 * that connects; core sends it the {@code hello} frame at once.
 *
 * <p>Lifecycle: {@link #start()} once before the first {@link #open}, {@link #stop()} on
 * shutdown; stop closes every open session with {@link CloseCodes#GOING_AWAY} and refuses new
 * ones.
 */
public interface ChatService {

  /** Starts the core's timers and worker threads. */
  void start();

  /** Registers a new client connection and sends it {@code hello}. */
  Connection open(Session session);

  /** Closes every session with 1001 and releases the core's threads. Idempotent. */
  void stop();

  /** The number of open connections. */
  int connectionCount();
}
