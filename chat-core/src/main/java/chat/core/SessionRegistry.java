package chat.core;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Who is connected: every open connection, and the authenticated ones by user. Thread-safe. */
@Singleton
final class SessionRegistry {
  private final Set<ConnectionImpl> all = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<ConnectionImpl>> byUser = new ConcurrentHashMap<>();

  @Inject
  SessionRegistry() {}

  void opened(ConnectionImpl c) {
    all.add(c);
  }

  /** Records that {@code c} logged in as {@code user}; true if it is the user's first session. */
  boolean authenticated(ConnectionImpl c, String user) {
    AtomicBoolean first = new AtomicBoolean();
    byUser.compute(user, (u, set) -> {
      if (set == null) {
        set = ConcurrentHashMap.newKeySet();
      }
      first.set(set.isEmpty());
      set.add(c);
      return set;
    });
    return first.get();
  }

  /** Forgets {@code c}; true if it was the last session of an authenticated user. */
  boolean closed(ConnectionImpl c, String user) {
    all.remove(c);
    if (user == null) {
      return false;
    }
    AtomicBoolean last = new AtomicBoolean();
    byUser.computeIfPresent(user, (u, set) -> {
      if (set.remove(c) && set.isEmpty()) {
        last.set(true);
        return null;
      }
      return set.isEmpty() ? null : set;
    });
    return last.get();
  }

  /** The user's open, authenticated connections (a live view; may change while iterated). */
  Set<ConnectionImpl> sessionsOf(String user) {
    Set<ConnectionImpl> set = byUser.get(user);
    return set == null ? Set.of() : set;
  }

  boolean isOnline(String user) {
    return byUser.containsKey(user);
  }

  List<ConnectionImpl> all() {
    return List.copyOf(all);
  }

  int count() {
    return all.size();
  }
}
