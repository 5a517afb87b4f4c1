package chat.core;

import chat.core.store.AccountStore;
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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Sends the {@code read} events of markers that moved, within two budgets, both this node's.
 * A read event goes to every member of a room, so without them one user moving a marker by one,
 * as often as its connections may send, or a large room whose members all read each message as
 * it comes, would have the server write to the room's members many times for each request.
 *
 * <ul>
 *   <li>Each user: at most {@code readEventsPerSecond} events (a burst of {@code readEventBurst}).
 *   <li>Each room: at most {@code roomReadDeliveriesPerSecond} deliveries, an event costing as
 *       many as the sessions it is written to (a burst of two seconds' worth): in a room of 20
 *       this is far above what its members can read; in a room of 1,000 with every member
 *       online, 20 events a second, with 50 online, 400. A single server counts its members'
 *       sessions; a node of a cluster, which cannot count the others' sessions cheaply, counts
 *       each member once, online or not (other nodes write the event to theirs too).
 * </ul>
 *
 * <p>Within both every move is told at once, as it comes. Beyond one, the move waits: per user,
 * one per conversation; per room, one per user. A later move of the same user and conversation
 * replaces a waiting one (markers only move forward, so the highest seq says all that the waiting
 * ones would have said), keeping its place; the waiting ones go out in the order they first
 * waited, as the bucket refills. While anything waits at a stage for a user (or a room), new
 * moves of that user (or room) wait behind it, so one conversation's events never go out of
 * order. Markers themselves are stored at once; only the event waits. Waiting events are not
 * sent by a server that stops (the markers they name are stored).
 */
@Singleton
final class ReadEvents {
  private final Router router;
  private final AccountStore accounts;
  private final NodeLink link;
  private final CoreExecutors executors;
  private final Blocks blocks;
  private final Stage users;
  private final Stage rooms;

  @Inject
  ReadEvents(Router router, AccountStore accounts, NodeLink link, LocalLimits limits,
      CoreExecutors executors, ChatConfig config, Blocks blocks) {
    this.blocks = blocks;
    this.router = router;
    this.accounts = accounts;
    this.link = link;
    this.executors = executors;
    ChatConfig.UserLimits budget = config.userLimits();
    double perUser = budget.readEventsPerSecond();
    int userBurst = budget.readEventBurst();
    double perRoom = budget.roomReadDeliveriesPerSecond();
    int roomBurst = 2 * budget.roomReadDeliveriesPerSecond();
    this.rooms = new Stage("room", m -> m.conv.key(), m -> m.user,
        m -> limits.tryTake("read-deliveries", m.conv.key(), perRoom, roomBurst,
            Math.min(m.cost, roomBurst)),
        this::send);
    this.users = new Stage("user", m -> m.user, m -> m.conv,
        m -> limits.tryTake("read-events", m.user, perUser, userBurst),
        m -> {
          if (m.conv.isRoom()) {
            rooms.offer(m.costing(deliveries(m.conv)));
          } else {
            send(m); // two participants: the user's own budget is bound enough
          }
        });
  }

  /** {@code user}'s marker in {@code conv} moved to {@code seq} by a read of {@code from}. */
  void moved(String user, ConvId conv, long seq, SessionState from) {
    users.offer(new Move(user, conv, seq, from, 0));
  }

  /** How many users have moves waiting for their own budget (for tests). */
  int waitingUsers() {
    return users.waiting.size();
  }

  /** How many rooms have moves waiting for the room's budget (for tests). */
  int waitingRooms() {
    return rooms.waiting.size();
  }

  /** What a read event in {@code room} costs its budget: the sessions it is written to. */
  private int deliveries(ConvId room) {
    return link.clustered() ? accounts.members(room.roomName()).size() : router.sessionsHere(room);
  }

  private void send(Move m) {
    if (!m.conv.isRoom() && blocks.between(m.user, m.conv.peerOf(m.user))) {
      // A block: the peer learns nothing of the reader, as with typing and presence; the
      // reader's other sessions still hear where their marker is.
      router.toUser(m.user, new Outbound(new Event.Read(m.conv.nameFor(m.user), m.user, m.seq)),
          m.from);
      return;
    }
    router.toParticipants(m.conv, name -> new Event.Read(name, m.user, m.seq), m.from);
  }

  /** A marker's move; {@code cost} is what its event costs a room's budget. */
  private record Move(String user, ConvId conv, long seq, SessionState from, int cost) {
    Move costing(int deliveries) {
      return new Move(user, conv, seq, from, Math.max(1, deliveries));
    }

    /** This move, raised to {@code earlier}'s seq if that one was higher. */
    Move atLeast(Move earlier) {
      return earlier.seq > seq ? new Move(user, conv, earlier.seq, from, cost) : this;
    }
  }

  /**
   * Moves of one key (a user, or a room) wait here, one per slot (a conversation, or a user),
   * until the key's bucket gives them a token; then they go on to {@code next}.
   */
  private final class Stage {
    private final String name;
    private final Function<Move, String> keyOf;
    private final Function<Move, Object> slotOf;
    private final ToLongFunction<Move> tryTake;
    private final Consumer<Move> next;
    /** Keys with moves waiting; an entry stays while its moves are passed on. */
    final ConcurrentHashMap<String, Waiting> waiting = new ConcurrentHashMap<>();

    Stage(String name, Function<Move, String> keyOf, Function<Move, Object> slotOf,
        ToLongFunction<Move> tryTake, Consumer<Move> next) {
      this.name = name;
      this.keyOf = keyOf;
      this.slotOf = slotOf;
      this.tryTake = tryTake;
      this.next = next;
    }

    void offer(Move m) {
      String key = keyOf.apply(m);
      long[] flushInMs = {0};
      Waiting held = waiting.compute(key, (k, w) -> {
        if (w == null) {
          long waitMs = tryTake.applyAsLong(m);
          if (waitMs <= 0) {
            return null; // a token: passed on now, below
          }
          w = new Waiting();
          flushInMs[0] = waitMs;
        }
        w.put(slotOf.apply(m), m);
        return w;
      });
      if (held == null) {
        next.accept(m);
      } else if (flushInMs[0] > 0) {
        schedule(key, flushInMs[0]); // the first to wait: one flush per key is ever scheduled
      }
    }

    /**
     * Passes on as many of {@code key}'s waiting moves as there are tokens, then forgets the key
     * or schedules the next flush. The entry stays in the map while these are passed on, so a
     * move that comes meanwhile waits behind them instead of overtaking.
     */
    private void flush(String key) {
      List<Move> due = new ArrayList<>();
      long[] nextInMs = {0};
      waiting.computeIfPresent(key, (k, w) -> {
        nextInMs[0] = w.takeDue(due, tryTake);
        return w;
      });
      try {
        for (Move m : due) {
          next.accept(m);
        }
      } finally {
        // Even if passing one on failed (the store could not list a room's members), the key is
        // forgotten or flushed again: its later moves must not wait for ever.
        Waiting left = waiting.computeIfPresent(key, (k, w) -> w.moves.isEmpty() ? null : w);
        if (left != null) {
          // tokens ran out (nextInMs), or moves came while these went on (a token may be there)
          schedule(key, Math.max(1, nextInMs[0]));
        }
      }
    }

    private void schedule(String key, long delayMs) {
      if (!executors.later("sending the waiting read events of " + name + " " + key,
          () -> flush(key), delayMs)) {
        waiting.remove(key); // the core is stopping: the markers are stored, the events go
      }
    }
  }

  /** One key's waiting moves, one per slot, in the order each slot first waited. */
  private static final class Waiting {
    final Map<Object, Move> moves = new LinkedHashMap<>();

    void put(Object slot, Move m) {
      // A later move of a slot replaces the waiting one, keeping its place in line.
      Move before = moves.get(slot);
      moves.put(slot, before == null ? m : m.atLeast(before));
    }

    /** Moves {@code due} out while tokens last; returns ms until the next token, or 0. */
    long takeDue(List<Move> due, ToLongFunction<Move> tryTake) {
      for (Iterator<Move> it = moves.values().iterator(); it.hasNext(); ) {
        Move m = it.next();
        long waitMs = tryTake.applyAsLong(m);
        if (waitMs > 0) {
          return waitMs;
        }
        due.add(m);
        it.remove();
      }
      return 0;
    }
  }
}
