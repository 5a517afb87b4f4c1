package chat.core;

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
 */
public final class Lifecycle {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  enum State { LATENT, STARTING, STARTED, STOPPING, STOPPED }

  private final List<Managed> ordered;
  private final List<Managed> started = new ArrayList<>(); // guarded by this
  private State state = State.LATENT; // guarded by this

  public Lifecycle(Set<Managed> managed) {
    List<Managed> list = new ArrayList<>(managed);
    list.sort(Comparator.comparingInt(Managed::phase)); // stable: binding order within a phase
    this.ordered = List.copyOf(list);
  }

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
