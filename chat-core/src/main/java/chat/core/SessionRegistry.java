package chat.core;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Who is connected: every open session, and the signed-in ones by user. Thread-safe.
 *
 * <p>A user's sessions are an immutable array, replaced on login and close (rare) so that the
 * fan-out (per member, per message: the hot path) reads it with one map lookup and no iterator.
 */
@Singleton
final class SessionRegistry {
  private static final SessionState[] NONE = new SessionState[0];

  private final Set<SessionState> all = ConcurrentHashMap.newKeySet();
  private final Map<String, SessionState[]> byUser = new ConcurrentHashMap<>();

  @Inject
  SessionRegistry() {}

  void opened(SessionState c) {
    all.add(c);
  }

  /** Records that {@code c} logged in as {@code user}; true if it is the user's first session. */
  boolean authenticated(SessionState c, String user) {
    AtomicBoolean first = new AtomicBoolean();
    byUser.compute(user, (u, sessions) -> {
      if (sessions == null) {
        first.set(true);
        return new SessionState[] {c};
      }
      for (SessionState s : sessions) {
        if (s == c) {
          return sessions;
        }
      }
      SessionState[] more = Arrays.copyOf(sessions, sessions.length + 1);
      more[sessions.length] = c;
      return more;
    });
    return first.get();
  }

  /** Forgets {@code c}; true if it was the last session of an authenticated user. */
  boolean closed(SessionState c, String user) {
    all.remove(c);
    if (user == null) {
      return false;
    }
    AtomicBoolean last = new AtomicBoolean();
    byUser.computeIfPresent(user, (u, sessions) -> {
      int at = -1;
      for (int i = 0; i < sessions.length; i++) {
        if (sessions[i] == c) {
          at = i;
        }
      }
      if (at < 0) {
        return sessions;
      }
      if (sessions.length == 1) {
        last.set(true);
        return null;
      }
      SessionState[] fewer = new SessionState[sessions.length - 1];
      System.arraycopy(sessions, 0, fewer, 0, at);
      System.arraycopy(sessions, at + 1, fewer, at, sessions.length - at - 1);
      return fewer;
    });
    return last.get();
  }

  /** The user's open, signed-in sessions at this moment; never modify the array. */
  SessionState[] sessionsOf(String user) {
    SessionState[] sessions = byUser.get(user);
    return sessions == null ? NONE : sessions;
  }

  /** Closes every session signed in with this token. */
  void closeToken(String tokenHash, String reason) {
    for (SessionState c : all) {
      if (tokenHash.equals(c.tokenHash())) {
        c.end(CloseCodes.POLICY_VIOLATION, reason);
      }
    }
  }

  /** Closes every session of {@code user} but {@code except} (may be null). */
  void closeUser(String user, SessionState except, String reason) {
    for (SessionState c : sessionsOf(user)) {
      if (c != except) {
        c.end(CloseCodes.POLICY_VIOLATION, reason);
      }
    }
  }

  boolean isOnline(String user) {
    return byUser.containsKey(user);
  }

  List<SessionState> all() {
    return List.copyOf(all);
  }

  int count() {
    return all.size();
  }
}
