package chat.core;

/**
 * Something with a lifecycle that the application starts after the injector is built and stops
 * on shutdown, in reverse order: a store that opens files, a transport that binds a port.
 * Modules add implementations to a {@code Multibinder<Managed>}; {@link Lifecycle} starts them
 * by {@link #phase()}.
 */
public interface Managed {

  /** Started first, stopped last: stores. */
  int PHASE_STORE = 0;
  /** The chat core itself. */
  int PHASE_CORE = 1;
  /** Started last, stopped first: transports and servers that accept clients. */
  int PHASE_TRANSPORT = 2;

  /** When this starts relative to the others: lower phases start first and stop last. */
  int phase();

  /** Opens files, binds ports, starts threads. Called once. */
  void start() throws Exception;

  /** Releases what {@link #start} took. Called once, also after a failed start. Idempotent. */
  void stop() throws Exception;
}
