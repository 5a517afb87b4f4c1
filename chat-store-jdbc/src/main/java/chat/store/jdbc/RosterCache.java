package chat.store.jdbc;

import chat.core.store.Membership;
import chat.core.store.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Room rosters kept in memory once read: a room's members and roles are needed for every
 * message into it (the fan-out, and the sender's membership check). Exact as long as every
 * write that may change a room's memberships or roles calls {@link #changed} after it ends,
 * committed or not, and {@link #clear} is called when another process changed the file.
 *
 * <p>A read that raced with a change is returned but not kept: every change bumps
 * {@link #version} under the map's lock, and a roster loaded under an older version is
 * dropped. Thread-safe.
 */
final class RosterCache {
  /** A room's members as stored at one moment: in join order, and by name. */
  record Roster(List<Membership> members, Map<String, Role> roles) {}

  private final Function<String, List<Membership>> load;
  private final Map<String, Roster> rosters = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong(); // changed under rosters' lock

  /** {@code load} reads a room's members, in join order, from the database. */
  RosterCache(Function<String, List<Membership>> load) {
    this.load = load;
  }

  Roster get(String room) {
    Roster roster = rosters.get(room);
    if (roster != null) {
      return roster;
    }
    long loadedAt = version.get();
    List<Membership> members = load.apply(room);
    Map<String, Role> roles = new HashMap<>();
    for (Membership m : members) {
      roles.put(m.user(), m.role());
    }
    roster = new Roster(List.copyOf(members), Map.copyOf(roles));
    synchronized (rosters) {
      if (version.get() == loadedAt) {
        rosters.putIfAbsent(room, roster);
      }
    }
    return roster;
  }

  /** After a write that may have changed the room's memberships or roles: forget its roster. */
  void changed(String room) {
    synchronized (rosters) {
      version.incrementAndGet();
      rosters.remove(room);
    }
  }

  /** Forgets every roster. */
  void clear() {
    synchronized (rosters) {
      version.incrementAndGet();
      rosters.clear();
    }
  }
}
