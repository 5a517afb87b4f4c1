package chat.core;

import chat.core.local.LocalTransport;
import jakarta.inject.Inject;

/**
 * Closes the injector's {@link LocalTransport} when the {@link Lifecycle} stops, first of all
 * (phase {@link Managed#PHASE_TRANSPORT}): its clients hear 1001 before the core stops.
 */
final class LocalTransportLifecycle implements Managed {
  private final LocalTransport transport;

  @Inject
  LocalTransportLifecycle(LocalTransport transport) {
    this.transport = transport;
  }

  @Override
  public int phase() {
    return PHASE_TRANSPORT;
  }

  @Override
  public void start() {} // connect() works from the core's start on

  @Override
  public void stop() {
    transport.close();
  }
}
