package chat.core;

import chat.core.cluster.NodeBus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Several nodes' buses in one process, like Redis pub/sub: every publish reaches every bus
 * (the publisher's too), each bus delivering one message at a time on its own thread in the
 * order published. A test may hold messages back ({@link #holdWhile}) to release them later in
 * any order, or drop them, as a real bus does to a node cut off.
 */
final class FakeBusHub implements AutoCloseable {
  private final List<Bus> buses = new ArrayList<>();
  private final List<Held> held = new ArrayList<>();
  private Predicate<String> holdIf = m -> false;

  record Held(Bus to, String message) {}

  synchronized Bus newBus() {
    Bus bus = new Bus();
    buses.add(bus);
    return bus;
  }

  /** From now on, messages that match are kept back instead of delivered (to every bus). */
  synchronized void holdWhile(Predicate<String> matches) {
    holdIf = matches;
  }

  /** The messages held back so far, and none held any more. */
  synchronized List<Held> takeHeld() {
    holdIf = m -> false;
    List<Held> taken = new ArrayList<>(held);
    held.clear();
    return taken;
  }

  private synchronized void publish(String message) {
    for (Bus bus : buses) {
      if (holdIf.test(message)) {
        held.add(new Held(bus, message));
      } else {
        bus.deliver(message);
      }
    }
  }

  @Override
  public synchronized void close() {
    for (Bus bus : buses) {
      bus.stop();
    }
  }

  /** One node's bus. */
  final class Bus implements NodeBus {
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private volatile Listener listener;
    /** While true, nothing reaches this node and it is not told: a silently dead link. */
    volatile boolean deaf;

    @Override
    public void start(Listener l) {
      listener = l;
    }

    @Override
    public void publish(String message) {
      FakeBusHub.this.publish(message);
    }

    @Override
    public boolean connected() {
      return true;
    }

    @Override
    public void stop() {
      thread.shutdownNow();
    }

    /** Delivers {@code message} to this node (after what is queued for it already). */
    void deliver(String message) {
      if (deaf) {
        return;
      }
      thread.execute(() -> {
        Listener l = listener;
        if (l != null) {
          l.received(message);
        }
      });
    }

    /** As Redis reconnecting: the node is told it may have missed messages. */
    void resubscribed() {
      thread.execute(() -> listener.resubscribed());
    }

    /** Waits until everything queued for this node so far is delivered. */
    void settle() throws InterruptedException {
      try {
        thread.submit(() -> { }).get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new AssertionError(e);
      }
    }
  }
}
