package chat.client;

import chat.protocol.Event;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The last seq delivered per conversation, and which conversations are being filled from
 * history. Decides for each live message whether to deliver it, drop it as already seen, or
 * fetch the gap before it. Only accessed by the client's state thread.
 */
final class ConversationTracker {
  /** Live messages held per conversation while its gap is fetched; beyond, they are refetched. */
  static final int MAX_HELD = 10_000;

  enum Decision { DELIVER, DUPLICATE, HOLD, FETCH_GAP }

  private final Map<String, Long> lastSeen = new HashMap<>();
  private final Set<String> syncing = new HashSet<>();
  private final Map<String, ArrayDeque<Event.Message>> held = new HashMap<>();

  Long lastSeen(String conv) {
    return lastSeen.get(conv);
  }

  Map<String, Long> snapshot() {
    return Map.copyOf(lastSeen);
  }

  void setBaseline(String conv, long seq) {
    lastSeen.merge(conv, seq, Math::max);
  }

  void clear() {
    lastSeen.clear();
    syncing.clear();
    held.clear();
  }

  boolean isSyncing(String conv) {
    return syncing.contains(conv);
  }

  void startSync(String conv) {
    syncing.add(conv);
  }

  /** What to do with a live message. */
  Decision onLive(Event.Message m) {
    if (syncing.contains(m.conv())) {
      ArrayDeque<Event.Message> queue = held.computeIfAbsent(m.conv(), c -> new ArrayDeque<>());
      if (queue.size() < MAX_HELD) {
        queue.add(m);
      }
      return Decision.HOLD; // a held message that does not fit is fetched from history later
    }
    Long seen = lastSeen.get(m.conv());
    if (seen == null) {
      if (m.conv().startsWith("#")) {
        lastSeen.put(m.conv(), m.seq() - 1); // a room we just started following: from here on
        seen = m.seq() - 1;
      } else {
        seen = 0L; // a direct conversation is followed from its first message
        lastSeen.put(m.conv(), 0L);
      }
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

  /** Whether a message fetched from history is new; if so it counts as delivered. */
  boolean acceptFetched(Event.Message m) {
    Long seen = lastSeen.getOrDefault(m.conv(), 0L);
    if (m.seq() <= seen) {
      return false;
    }
    lastSeen.put(m.conv(), m.seq());
    return true;
  }

  /** Ends a sync; returns the live messages held meanwhile, to be run through {@link #onLive}. */
  ArrayDeque<Event.Message> endSync(String conv) {
    syncing.remove(conv);
    ArrayDeque<Event.Message> queue = held.remove(conv);
    return queue == null ? new ArrayDeque<>() : queue;
  }

  /** Stops following a conversation (e.g. kicked): forgets it. */
  void forget(String conv) {
    lastSeen.remove(conv);
    syncing.remove(conv);
    held.remove(conv);
  }
}
