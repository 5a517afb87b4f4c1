package chat.core;

/**
 * Something with a lifecycle that the application starts after the injector is built and stops
 * on shutdown, in reverse order: a store that opens files, a transport that binds a port.
 * Modules bind implementations into a {@code Multibinder<Managed>} in start order.
 */
public interface Managed {

  /** Opens files, binds ports, starts threads. Called once. */
  void start() throws Exception;

  /** Releases what {@link #start} took. Called once, also after a failed start. Idempotent. */
  void stop() throws Exception;
}
