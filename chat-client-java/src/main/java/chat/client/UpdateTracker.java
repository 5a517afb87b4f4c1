package chat.client;

import chat.protocol.Event;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the client stands in each conversation's changes (edits, deletions, reactions): the
 * last {@code rev} it delivered to the listener, and which conversations are being caught up.
 * The counterpart of {@link ConversationTracker} for revs: for each live {@code update} it
 * decides whether to deliver it, drop it as already delivered, hold it while the conversation
 * catches up, or fetch the revs it skipped. Only accessed by the client's state thread.
 *
 * <p>Unlike message seqs, fetched revs may skip: the server leaves out an update that a later
 * one of the same reply supersedes. So a fetched update counts if its rev is above the last
 * one delivered; only a live update that skips asks for a repair.
 *
 * <p>Held updates are bounded ({@link #MAX_HELD} per conversation, and as many while the
 * conversation list is fetched; {@link #MAX_HELD_TOTAL} in all); what does not fit is marked
 * {@link Held#overflowed} and fetched again by the caller.
 */
final class UpdateTracker {
  static final int MAX_HELD = ConversationTracker.MAX_HELD;
  static final int MAX_HELD_TOTAL = ConversationTracker.MAX_HELD_TOTAL;

  enum Decision { DELIVER, DUPLICATE, HOLD, FETCH_GAP }

  /** Live updates put aside while a conversation catches up, oldest first. */
  static final class Held {
    final ArrayDeque<Event.Update> updates = new ArrayDeque<>();
    boolean overflowed;
  }

  private final Map<String, Long> lastRev = new HashMap<>();
  private int heldTotal; // updates in every Held not yet handed back
  private final Map<String, Held> holding = new HashMap<>();
  private Held listing; // non-null while the conversation list is being fetched

  /** The last rev delivered in {@code conv}, or null if not known (not followed yet). */
  Long lastRev(String conv) {
    return lastRev.get(conv);
  }

  Map<String, Long> snapshot() {
    return Map.copyOf(lastRev);
  }

  /** Follows {@code conv}'s changes after {@code rev}, unless it already stands further. */
  void setBaseline(String conv, long rev) {
    lastRev.merge(conv, rev, Math::max);
  }

  /** Follows {@code conv}'s changes after {@code rev}, even if it stood further (a new room). */
  void reset(String conv, long rev) {
    lastRev.put(conv, rev);
  }

  void clear() {
    lastRev.clear();
    holding.clear();
    listing = null;
    heldTotal = 0;
  }

  void forget(String conv) {
    lastRev.remove(conv);
    Held held = holding.remove(conv);
    if (held != null) {
      heldTotal -= held.updates.size();
    }
  }

  void beginListing() {
    listing = new Held();
  }

  Held endListing() {
    Held held = listing == null ? new Held() : listing;
    listing = null;
    heldTotal -= held.updates.size();
    return held;
  }

  /** Until {@link #release}, live updates of {@code conv} are held. */
  void hold(String conv) {
    holding.putIfAbsent(conv, new Held());
  }

  boolean isHolding(String conv) {
    return holding.containsKey(conv);
  }

  /** Ends holding {@code conv}; returns what was held, for {@link #onLive}. */
  Held release(String conv) {
    Held held = holding.remove(conv);
    if (held == null) {
      return new Held();
    }
    heldTotal -= held.updates.size();
    return held;
  }

  /** The connection is gone: held updates come again from {@code updates} after reconnecting. */
  void connectionLost() {
    holding.clear();
    listing = null;
    heldTotal = 0;
  }

  /** What to do with a live update. */
  Decision onLive(Event.Update u) {
    if (listing != null) {
      hold(listing, u);
      return Decision.HOLD;
    }
    Held held = holding.get(u.conv());
    if (held != null) {
      hold(held, u);
      return Decision.HOLD;
    }
    Long seen = lastRev.get(u.conv());
    if (seen == null) {
      seen = u.rev() - 1; // not followed yet: from this change on
    }
    if (u.rev() <= seen) {
      return Decision.DUPLICATE;
    }
    if (u.rev() == seen + 1) {
      lastRev.put(u.conv(), u.rev());
      return Decision.DELIVER;
    }
    return Decision.FETCH_GAP;
  }

  /**
   * Whether an update fetched with {@code updates} is new; if so it counts as delivered. Pages
   * come in ascending rev, so accepting the next higher rev keeps the order.
   */
  boolean acceptFetched(Event.Update u) {
    long seen = lastRev.getOrDefault(u.conv(), 0L);
    if (u.rev() <= seen) {
      return false;
    }
    lastRev.put(u.conv(), u.rev());
    return true;
  }

  private void hold(Held held, Event.Update u) {
    if (held.updates.size() < MAX_HELD && heldTotal < MAX_HELD_TOTAL) {
      held.updates.add(u);
      heldTotal++;
    } else {
      held.overflowed = true;
    }
  }

  /** Updates held now, in every conversation. */
  int heldTotal() {
    return heldTotal;
  }
}
