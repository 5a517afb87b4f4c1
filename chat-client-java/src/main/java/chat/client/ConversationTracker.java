package chat.client;

import chat.protocol.Event;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the client stands in each conversation: the last seq it delivered to the listener, and
 * which conversations are being filled from history. For each live message it decides whether
 * to deliver it, drop it as already delivered, hold it until a history fetch has caught up, or
 * fetch the gap before it. Only accessed by the client's state thread.
 *
 * <p>Held messages are bounded ({@link #MAX_HELD} per conversation, and as many while the
 * conversation list is fetched; {@link #MAX_HELD_TOTAL} in all, as the server names the
 * conversations). What does not fit is dropped and marked {@link Held#overflowed}: the caller
 * fetches it from history afterwards, so nothing is lost.
 */
final class ConversationTracker {
  static final int MAX_HELD = 10_000;
  static final int MAX_HELD_TOTAL = 100_000;

  enum Decision { DELIVER, DUPLICATE, HOLD, FETCH_GAP }

  /** Live messages put aside while history is fetched, oldest first. */
  static final class Held {
    final ArrayDeque<Event.Message> messages = new ArrayDeque<>();
    boolean overflowed;
  }

  private final Map<String, Long> lastSeen = new HashMap<>();
  private int heldTotal; // messages in every Held not yet handed back
  private final Map<String, Held> syncing = new HashMap<>();
  private Held listing; // non-null while the conversation list is being fetched

  Long lastSeen(String conv) {
    return lastSeen.get(conv);
  }

  Map<String, Long> snapshot() {
    return Map.copyOf(lastSeen);
  }

  /** Follows {@code conv} from {@code seq} on, unless it already stands further. */
  void setBaseline(String conv, long seq) {
    lastSeen.merge(conv, seq, Math::max);
  }

  /** Forgets everything: a new store (epoch) means the old seqs mean nothing. */
  void clear() {
    lastSeen.clear();
    syncing.clear();
    listing = null;
    heldTotal = 0;
  }

  /** Until {@link #endListing}, every live message is held: baselines are not known yet. */
  void beginListing() {
    listing = new Held();
  }

  boolean isListing() {
    return listing != null;
  }

  Held endListing() {
    Held held = listing == null ? new Held() : listing;
    listing = null;
    heldTotal -= held.messages.size();
    return held;
  }

  boolean isSyncing(String conv) {
    return syncing.containsKey(conv);
  }

  void startSync(String conv) {
    syncing.putIfAbsent(conv, new Held());
  }

  /** Ends a history fetch; returns the live messages held meanwhile, for {@link #onLive}. */
  Held endSync(String conv) {
    Held held = syncing.remove(conv);
    if (held == null) {
      return new Held();
    }
    heldTotal -= held.messages.size();
    return held;
  }

  /** The connection is gone: held messages will come again from history after reconnecting. */
  void connectionLost() {
    syncing.clear();
    listing = null;
    heldTotal = 0;
  }

  /** What to do with a live message. */
  Decision onLive(Event.Message m) {
    if (listing != null) {
      hold(listing, m);
      return Decision.HOLD;
    }
    Held held = syncing.get(m.conv());
    if (held != null) {
      hold(held, m);
      return Decision.HOLD;
    }
    Long seen = lastSeen.get(m.conv());
    if (seen == null) {
      // Not followed yet: a room is followed from its first live message (joined elsewhere,
      // invited); a direct conversation from its start, which is also its first live message.
      seen = m.conv().startsWith("#") ? m.seq() - 1 : 0L;
      lastSeen.put(m.conv(), seen);
    }
    if (m.seq() <= seen) {
      return Decision.DUPLICATE;
    }
    if (m.seq() == seen + 1) {
      lastSeen.put(m.conv(), m.seq());
      return Decision.DELIVER;
    }
    return Decision.FETCH_GAP;
  }

  /**
   * Whether a message fetched from history is new; if so it counts as delivered. History pages
   * come in ascending seq, so accepting the next higher seq keeps the order.
   */
  boolean acceptFetched(Event.Message m) {
    long seen = lastSeen.getOrDefault(m.conv(), 0L);
    if (m.seq() <= seen) {
      return false;
    }
    lastSeen.put(m.conv(), m.seq());
    return true;
  }

  private void hold(Held held, Event.Message m) {
    if (held.messages.size() < MAX_HELD && heldTotal < MAX_HELD_TOTAL) {
      held.messages.add(m);
      heldTotal++;
    } else {
      held.overflowed = true;
    }
  }

  /** Messages held now, in every conversation. */
  int heldTotal() {
    return heldTotal;
  }

  /** Stops following a conversation (left it, kicked): forgets it. */
  void forget(String conv) {
    lastSeen.remove(conv);
    Held held = syncing.remove(conv);
    if (held != null) {
      heldTotal -= held.messages.size();
    }
  }
}
