package chat.core;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@link Managed} objects in phase order (stores, core, transports) and stops them in
 * reverse. States: LATENT → STARTING → STARTED → STOPPING → STOPPED. If one fails to start, those
 * already started are stopped and the failure is thrown.
 *
 * <p>{@link ChatCoreModule} binds it, with every {@code Managed} the injector's modules add: the
 * one way to start and stop the core, whatever the store and transports. {@code
 * injector.getInstance(Lifecycle.class).start()} once the injector is built, {@link #stop()} on
 * shutdown.
 */
@Singleton
public final class Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  enum State { LATENT, STARTING, STARTED, STOPPING, STOPPED }

  private final List<Managed> ordered;
  private final List<Managed> started = new ArrayList<>(); // guarded by this
  private State state = State.LATENT; // guarded by this

  @Inject
  public Lifecycle(Set<Managed> managed) {
    List<Managed> list = new ArrayList<>(managed);
    list.sort(Comparator.comparingInt(Managed::phase)); // stable: binding order within a phase
    this.ordered = List.copyOf(list);
  }

  /**
   * Starts every {@link Managed} in phase order. Once only.
   *
   * @throws Exception the first failure to start (what had started is stopped again)
   */
  public synchronized void start() throws Exception {
    if (state != State.LATENT) {
      throw new IllegalStateException("lifecycle is " + state);
    }
    state = State.STARTING;
    for (Managed m : ordered) {
      try {
        m.start();
        started.add(m);
      } catch (Exception e) {
        log.error("failed to start {}", m.getClass().getSimpleName(), e);
        stopStarted();
        throw e;
      }
    }
    state = State.STARTED;
  }

  /** Stops what was started, in reverse order. Idempotent. */
  public synchronized void stop() {
    if (state == State.STOPPED || state == State.STOPPING) {
      return;
    }
    stopStarted();
  }

  private void stopStarted() {
    state = State.STOPPING;
    for (int i = started.size() - 1; i >= 0; i--) {
      Managed m = started.get(i);
      try {
        m.stop();
      } catch (Exception e) {
        log.warn("failed to stop {} cleanly", m.getClass().getSimpleName(), e);
      }
    }
    started.clear();
    state = State.STOPPED;
  }
}
