package chat.core;

import chat.core.store.ConvId;
import chat.protocol.Event;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the {@code read} events of markers that moved, at most {@code readEventsPerSecond} per
 * user (a burst of {@code readEventBurst}). A read event goes to every member of a room, so
 * without a bound one user moving a marker by one, as often as its connections may send, would
 * make the server write to a large room's members many times for each request it is sent.
 *
 * <p>Within the bound every move is told at once, as it comes. Beyond it the move waits, per
 * conversation, and a later move of the same conversation replaces it (markers only move
 * forward, so the highest seq says all the waiting ones would have said); the waiting ones go out
 * in the order they first waited, one per token, as the user's bucket refills. While any of a
 * user's moves wait, that user's new moves wait behind them, so the events of one conversation
 * never go out of order. Markers themselves are stored at once; only the event waits. Waiting
 * events are not sent by a server that stops (the markers they name are stored). The bound is
 * this node's, as typing's is: a user signed in on several nodes has each node's.
 */
@Singleton
final class ReadEvents {
  private static final Logger log = LoggerFactory.getLogger(ReadEvents.class);
  private static final String KIND = "read-events";

  private final Router router;
  private final LocalLimits limits;
  private final CoreExecutors executors;
  private final double perSecond;
  private final int burst;
  /** Users with moves waiting for a token; a user's entry stays until none waits. */
  private final ConcurrentHashMap<String, Waiting> waiting = new ConcurrentHashMap<>();

  @Inject
  ReadEvents(Router router, LocalLimits limits, CoreExecutors executors, ChatConfig config) {
    this.router = router;
    this.limits = limits;
    this.executors = executors;
    this.perSecond = config.userLimits().readEventsPerSecond();
    this.burst = config.userLimits().readEventBurst();
  }

  /** {@code user}'s marker in {@code conv} moved to {@code seq} by a read of {@code from}. */
  void moved(String user, ConvId conv, long seq, SessionState from) {
    long[] flushInMs = {0};
    Waiting held = waiting.compute(user, (u, w) -> {
      if (w == null) {
        long waitMs = limits.tryTake(KIND, user, perSecond, burst);
        if (waitMs <= 0) {
          return null; // a token: told now, below
        }
        w = new Waiting();
        flushInMs[0] = waitMs;
      }
      w.put(conv, seq, from);
      return w;
    });
    if (held == null) {
      send(user, conv, seq, from);
    } else if (flushInMs[0] > 0) {
      schedule(user, flushInMs[0]); // the first to wait: one flush per user is ever scheduled
    }
  }

  /** How many users have moves waiting (for tests). */
  int waitingUsers() {
    return waiting.size();
  }

  /**
   * Sends as many of {@code user}'s waiting moves as there are tokens, then forgets the user or
   * schedules the next flush. The user's entry stays in the map while these are sent, so a move
   * that comes meanwhile waits behind them instead of overtaking.
   */
  private void flush(String user) {
    List<Move> due = new ArrayList<>();
    long[] nextInMs = {0};
    waiting.computeIfPresent(user, (u, w) -> {
      nextInMs[0] = w.takeDue(due, () -> limits.tryTake(KIND, user, perSecond, burst));
      return w;
    });
    try {
      for (Move m : due) {
        send(user, m.conv, m.seq, m.from);
      }
    } finally {
      // Even if a send failed (the store could not list a room's members), the user is
      // forgotten or flushed again: its later moves must not wait for ever.
      Waiting left = waiting.computeIfPresent(user, (u, w) -> w.moves.isEmpty() ? null : w);
      if (left != null) {
        // tokens ran out (nextInMs), or moves came while these were sent (a token may be there)
        schedule(user, Math.max(1, nextInMs[0]));
      }
    }
  }

  private void schedule(String user, long delayMs) {
    try {
      executors.timer().schedule(() -> {
        try {
          flush(user);
        } catch (RuntimeException e) {
          log.error("sending {}'s waiting read events failed", user, e);
        }
      }, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException | IllegalStateException stopping) {
      waiting.remove(user); // the core is stopping: the markers are stored, the events go
    }
  }

  private void send(String user, ConvId conv, long seq, SessionState from) {
    router.toParticipants(conv, name -> new Event.Read(name, user, seq), from);
  }

  private record Move(ConvId conv, long seq, SessionState from) {}

  /** One user's waiting moves, one per conversation, in the order each first waited. */
  private static final class Waiting {
    final Map<ConvId, Move> moves = new LinkedHashMap<>();

    void put(ConvId conv, long seq, SessionState from) {
      Move before = moves.get(conv);
      // A later move of a conversation replaces the waiting one, keeping its place in line;
      // the store told only moves that raised the marker, so seq is the highest.
      moves.put(conv, new Move(conv, before == null ? seq : Math.max(before.seq, seq), from));
    }

    /** Moves {@code due} out while tokens last; returns ms until the next token, or 0. */
    long takeDue(List<Move> due, TokenSource tokens) {
      for (Iterator<Move> it = moves.values().iterator(); it.hasNext(); ) {
        long waitMs = tokens.tryTake();
        if (waitMs > 0) {
          return waitMs;
        }
        due.add(it.next());
        it.remove();
      }
      return 0;
    }
  }

  @FunctionalInterface
  private interface TokenSource {
    long tryTake();
  }
}
