package chat.core;

import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.Membership;
import chat.core.store.MessageStore;
import chat.core.store.StoredMessage;
import chat.core.store.StoredUpdate;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a cluster, the order of each conversation on this node: the last seq and rev delivered to
 * this node's sessions. The bus is at most once and interleaves publishers, so a message may come
 * after a later one, twice, or never. Whatever arrives is checked against the cursor: an old
 * number is dropped; the next is delivered; one beyond it means the ones between were stored
 * (a conversation's numbers are given under its counter row's lock, so they commit in order) and
 * are read from the store and delivered first. If the store cannot be read, the conversation's
 * sessions here are closed with 1012 so their clients reconnect and catch up.
 *
 * <p>Where a cursor starts: when a user signs in here, at the store's last numbers of each of
 * their conversations (they read history after that); when they join a room here, or a user with
 * sessions here joins or is invited on another node, at its last numbers then; when a room is
 * created here, at 0; otherwise, on first sight of a number {@code n}: {@code n - 1}, but 0 for
 * a direct conversation with a party signed in here (it began after they signed in, else its
 * cursor would exist).
 *
 * <p>Every message heard on the bus makes a cursor, and every catch-up reads each cursor's
 * conversation again; so {@link #sweep} forgets the cursors of conversations nobody here takes
 * part in once unused for {@link #IDLE_NANOS}. One needed again starts as above.
 *
 * <p>Not used by a single server, whose store hands over messages in order already.
 */
@Singleton
final class Cursors {
  private static final Logger log = LoggerFactory.getLogger(Cursors.class);
  private static final long UNKNOWN = -1;
  private static final int REPAIR_PAGE = 500;
  private static final MessageStore.Heads NO_HEADS = new MessageStore.Heads(0, 0);
  /** How long after its last use the cursor of a conversation with nobody here is kept. */
  static final long IDLE_NANOS = 60_000_000_000L;

  /** What a repair delivers: stored messages and changes this node missed, in order. */
  interface Redelivery {
    void message(StoredMessage m);

    void update(StoredUpdate u, StoredMessage now);
  }

  /** One conversation's position; guarded by itself. */
  private static final class Cursor {
    long seq = UNKNOWN;
    long rev = UNKNOWN;
    volatile long usedNanos;
  }

  private final MessageStore messages;
  private final AccountStore accounts;
  private final SessionRegistry registry;
  private final ChatMetrics metrics;
  private final Ticker ticker;
  private final Map<ConvId, Cursor> cursors = new ConcurrentHashMap<>();

  @Inject
  Cursors(MessageStore messages, AccountStore accounts, SessionRegistry registry,
      ChatMetrics metrics, Ticker ticker) {
    this.ticker = ticker;
    this.metrics = metrics;
    this.messages = messages;
    this.accounts = accounts;
    this.registry = registry;
  }

  private Cursor of(ConvId conv) {
    Cursor cursor = cursors.computeIfAbsent(conv, c -> new Cursor());
    cursor.usedNanos = ticker.nanos();
    return cursor;
  }

  /**
   * Forgets the cursors unused for {@link #IDLE_NANOS} whose conversations have no participant
   * signed in here; returns how many. A sign-in or join here since then has used its cursor (its
   * baseline), so no cursor someone here relies on is dropped.
   */
  int sweep() {
    long now = ticker.nanos();
    int forgotten = 0;
    for (Map.Entry<ConvId, Cursor> e : cursors.entrySet()) {
      Cursor cursor = e.getValue();
      if (now - cursor.usedNanos < IDLE_NANOS) {
        continue;
      }
      synchronized (cursor) {
        if (now - cursor.usedNanos >= IDLE_NANOS && !hasParticipantHere(e.getKey())
            && cursors.remove(e.getKey(), cursor)) {
          forgotten++;
        }
      }
    }
    return forgotten;
  }

  /** How many conversations this node follows (for tests). */
  int followed() {
    return cursors.size();
  }

  /**
   * Message {@code seq} of {@code conv}: {@code deliver} runs in order after any missing ones
   * (through {@code missing}); if it was delivered already (a repair read it first), only
   * {@code ackIfSeen} runs (may be null).
   */
  void message(ConvId conv, long seq, Runnable deliver, Runnable ackIfSeen,
      Redelivery missing) {
    Cursor cursor = of(conv);
    synchronized (cursor) {
      if (cursor.seq == UNKNOWN) {
        cursor.seq = !conv.isRoom() && hasPartyHere(conv) ? 0 : seq - 1;
      }
      if (seq <= cursor.seq) {
        if (ackIfSeen != null) {
          ackIfSeen.run();
        }
        return;
      }
      if (seq > cursor.seq + 1) {
        repairMessages(conv, cursor, seq - 1, missing);
      }
      deliver.run();
      cursor.seq = seq;
    }
  }

  /** Change {@code rev} of {@code conv}: as {@link #message}, by rev. */
  void update(ConvId conv, long rev, Runnable deliver, Redelivery missing) {
    Cursor cursor = of(conv);
    synchronized (cursor) {
      if (cursor.rev == UNKNOWN) {
        cursor.rev = rev - 1;
      }
      if (rev <= cursor.rev) {
        return;
      }
      if (rev > cursor.rev + 1) {
        repairUpdates(conv, cursor, rev - 1, missing);
      }
      deliver.run();
      cursor.rev = rev;
    }
  }

  /** Starts the conversation's cursor at the store's last numbers, if it has none yet. */
  void baseline(ConvId conv) {
    baseline(List.of(conv));
  }

  /**
   * Starts the cursors of {@code convs} that have none yet at the store's last numbers, read in
   * one go. A message that arrives between the read and the start has started its cursor itself
   * (and is then kept), as it would have before this call.
   */
  void baseline(Collection<ConvId> convs) {
    List<ConvId> unknown = new ArrayList<>();
    for (ConvId conv : convs) {
      Cursor cursor = of(conv);
      synchronized (cursor) {
        if (cursor.seq == UNKNOWN || cursor.rev == UNKNOWN) {
          unknown.add(conv);
        }
      }
    }
    if (unknown.isEmpty()) {
      return;
    }
    Map<ConvId, MessageStore.Heads> heads = messages.heads(unknown);
    for (ConvId conv : unknown) {
      MessageStore.Heads head = heads.getOrDefault(conv, NO_HEADS);
      Cursor cursor = of(conv);
      synchronized (cursor) {
        if (cursor.seq == UNKNOWN) {
          cursor.seq = head.lastSeq();
        }
        if (cursor.rev == UNKNOWN) {
          cursor.rev = head.lastRev();
        }
      }
    }
  }

  /** The conversation is gone (a deleted room): forget its cursor. */
  void forget(ConvId conv) {
    cursors.remove(conv);
  }

  /**
   * After the bus lost messages: every conversation with a cursor is brought up to the store's
   * last numbers, delivering what was missed.
   */
  void catchUp(Redelivery missing) {
    List<ConvId> followed = new ArrayList<>(cursors.keySet());
    if (followed.isEmpty()) {
      return;
    }
    Map<ConvId, MessageStore.Heads> heads;
    try {
      heads = messages.heads(followed); // one query, not two per conversation
    } catch (RuntimeException e) {
      for (ConvId conv : followed) {
        giveUp(conv, e);
        cursors.remove(conv);
      }
      return;
    }
    int repaired = 0;
    for (ConvId conv : followed) {
      Cursor cursor = cursors.get(conv);
      MessageStore.Heads head = heads.get(conv);
      if (cursor == null || head == null) {
        continue; // forgotten meanwhile (a deleted room)
      }
      synchronized (cursor) {
        try {
          if (cursor.seq != UNKNOWN && head.lastSeq() > cursor.seq) {
            repairMessages(conv, cursor, head.lastSeq(), missing);
            repaired++;
          }
          if (cursor.rev != UNKNOWN && head.lastRev() > cursor.rev) {
            repairUpdates(conv, cursor, head.lastRev(), missing);
            repaired++;
          }
        } catch (RuntimeException ex) {
          giveUp(conv, ex);
          cursors.remove(conv, cursor);
        }
      }
    }
    if (repaired > 0) {
      log.info("caught up after a break in the node bus: {} conversations had missed changes",
          repaired);
    }
  }

  /** Delivers messages after the cursor up to {@code upTo} from the store; the cursor follows. */
  private void repairMessages(ConvId conv, Cursor cursor, long upTo, Redelivery missing) {
    metrics.gapRepaired();
    if (!hasParticipantHere(conv)) {
      cursor.seq = upTo; // nobody here to tell
      return;
    }
    try {
      while (cursor.seq < upTo) {
        List<StoredMessage> page = messages.after(conv, cursor.seq,
            (int) Math.min(REPAIR_PAGE, upTo - cursor.seq));
        if (page.isEmpty()) {
          break; // erased meanwhile (a deleted room)
        }
        for (StoredMessage m : page) {
          if (m.seq() > upTo) {
            break;
          }
          missing.message(m);
          cursor.seq = m.seq();
        }
      }
    } catch (RuntimeException e) {
      giveUp(conv, e);
    }
    cursor.seq = Math.max(cursor.seq, upTo);
  }

  private void repairUpdates(ConvId conv, Cursor cursor, long upTo, Redelivery missing) {
    metrics.gapRepaired();
    if (!hasParticipantHere(conv)) {
      cursor.rev = upTo;
      return;
    }
    try {
      while (cursor.rev < upTo) {
        List<StoredUpdate> page = messages.updatesAfter(conv, cursor.rev,
            (int) Math.min(REPAIR_PAGE, upTo - cursor.rev));
        if (page.isEmpty()) {
          break;
        }
        for (StoredUpdate u : page) {
          if (u.rev() > upTo) {
            break;
          }
          messages.message(conv, u.seq()).ifPresent(now -> missing.update(u, now));
          cursor.rev = u.rev();
        }
      }
    } catch (RuntimeException e) {
      giveUp(conv, e);
    }
    cursor.rev = Math.max(cursor.rev, upTo);
  }

  /**
   * What was missed cannot be read: the conversation's sessions here are closed with 1012, and
   * their clients' catch-up on reconnect finds it.
   */
  private void giveUp(ConvId conv, RuntimeException cause) {
    log.warn("cannot read what this node missed of {} ({}); closing its sessions here with 1012",
        conv, cause.toString());
    List<SessionState> affected;
    try {
      affected = participants(conv).stream()
          .flatMap(user -> List.of(registry.sessionsOf(user)).stream()).toList();
    } catch (RuntimeException e) { // not even the members: everyone here catches up
      affected = registry.all();
    }
    for (SessionState c : affected) {
      c.end(CloseCodes.SERVICE_RESTART, "missed messages: reconnect");
    }
  }

  private boolean hasPartyHere(ConvId conv) {
    return registry.isOnline(conv.userA()) || registry.isOnline(conv.userB());
  }

  private boolean hasParticipantHere(ConvId conv) {
    for (String user : participants(conv)) {
      if (registry.isOnline(user)) {
        return true;
      }
    }
    return false;
  }

  private List<String> participants(ConvId conv) {
    if (!conv.isRoom()) {
      return List.of(conv.userA(), conv.userB());
    }
    return accounts.members(conv.roomName()).stream().map(Membership::user).toList();
  }
}
