package chat.core;

import chat.core.cluster.Presence;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Announces a user going online or offline, at most {@code presenceChangesPerMinute} times a
 * minute per user (a burst of {@code presenceChangeBurst}). A change is an event to everyone who
 * shares a room or a direct conversation with the user, so without a bound one account that
 * connects and disconnects in a loop would make the server write to every member of its rooms
 * twice per loop.
 *
 * <p>Within the bound every change is announced at once, as before. Beyond it the change waits:
 * when the user's bucket has a token again, the user's state as it is then (online anywhere or
 * not) is announced once, whatever happened in between, so others end with the right state even
 * if they never saw the flaps. Decisions and announcements of one user are serialised by {@link
 * #lock}, so a waiting announcement never overtakes a later one. The bound is this node's.
 */
@Singleton
final class PresenceEvents {
  private static final String KIND = "presence";

  private final Router router;
  private final Presence presence;
  private final LocalLimits limits;
  private final CoreExecutors executors;
  private final double perSecond;
  private final int burst;
  /** Users whose change waits for a token; each has exactly one flush scheduled. */
  private final Set<String> waiting = ConcurrentHashMap.newKeySet();
  private final Object[] locks = new Object[64];

  @Inject
  PresenceEvents(Router router, Presence presence, LocalLimits limits, CoreExecutors executors,
      ChatConfig config) {
    this.router = router;
    this.presence = presence;
    this.limits = limits;
    this.executors = executors;
    this.perSecond = config.userLimits().presenceChangesPerMinute() / 60.0;
    this.burst = config.userLimits().presenceChangeBurst();
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /** Held while deciding whether a user's first or last session changes its state. */
  Object lock(String user) {
    return locks[Math.floorMod(user.hashCode(), locks.length)];
  }

  /** {@code user} went online or offline everywhere; the caller holds {@link #lock}. */
  void changed(String user, boolean online) {
    if (waiting.contains(user)) {
      return; // a flush is due: it announces the state as it is by then
    }
    long waitMs = limits.tryTake(KIND, user, perSecond, burst);
    if (waitMs <= 0) {
      router.presence(user, online);
      return;
    }
    waiting.add(user);
    schedule(user, waitMs);
  }

  /** How many users have a change waiting (for tests). */
  int waitingUsers() {
    return waiting.size();
  }

  private void flush(String user) {
    synchronized (lock(user)) {
      long waitMs = limits.tryTake(KIND, user, perSecond, burst);
      if (waitMs > 0) {
        schedule(user, waitMs);
        return;
      }
      waiting.remove(user);
      router.presence(user, presence.isOnline(user));
    }
  }

  private void schedule(String user, long delayMs) {
    // A failed flush has forgotten the user first: later changes still go.
    if (!executors.later("announcing " + user + "'s presence", () -> flush(user), delayMs)) {
      waiting.remove(user); // the core is stopping: its sessions are closing anyway
    }
  }
}
