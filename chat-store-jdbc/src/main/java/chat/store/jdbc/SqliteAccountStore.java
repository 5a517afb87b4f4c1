package chat.store.jdbc;

import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.Membership;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.core.store.TokenRecord;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accounts, token hashes, rooms, memberships and read markers in SQLite. Each method is one
 * statement, or one transaction on the write connection, so each is atomic; reads use the read
 * connections. Names are compared exactly (binary collation), as in the in-memory store.
 *
 * <p>Rosters: a room's members and their roles are read for every message into the room (the
 * fan-out, and the sender's membership check), so they are kept in memory once read, and a
 * room's entry is dropped when this store changes its memberships. That is exact because this
 * store is the only writer of its database file (SQLite, one process; the store is a
 * singleton). A read that raced with a change is returned but not kept: every change bumps
 * {@link #membershipVersion}, and a roster read under an older version is not cached.
 */
final class SqliteAccountStore implements AccountStore {
  private final SqliteDatabase database;
  private final Map<String, Roster> rosters = new ConcurrentHashMap<>();
  private final AtomicLong membershipVersion = new AtomicLong(); // changed under rosters' lock

  /** A room's members as stored at one moment: in join order, and by name. */
  private record Roster(List<Membership> members, Map<String, Role> roles) {}

  @Inject
  SqliteAccountStore(SqliteDatabase database) {
    this.database = database;
  }

  // Users

  @Override
  public boolean createUser(String user, String passwordHash, long createdAt) {
    return database.write(c -> update(c, "INSERT INTO users (name, password_hash, created_at)"
        + " VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING", user, passwordHash, createdAt)) == 1;
  }

  @Override
  public Optional<String> passwordHash(String user) {
    return database.read(c -> queryString(c,
        "SELECT password_hash FROM users WHERE name = ?", user));
  }

  @Override
  public boolean userExists(String user) {
    return database.read(c -> queryString(c, "SELECT name FROM users WHERE name = ?", user))
        .isPresent();
  }

  // Tokens

  @Override
  public void saveToken(TokenRecord token) {
    database.write(c -> update(c, "INSERT INTO tokens (token_hash, user_name, expires_at)"
            + " VALUES (?, ?, ?) ON CONFLICT (token_hash) DO UPDATE"
            + " SET user_name = excluded.user_name, expires_at = excluded.expires_at",
        token.tokenHash(), token.user(), token.expiresAt()));
  }

  @Override
  public Optional<TokenRecord> token(String tokenHash) {
    return database.read(c -> {
      try (PreparedStatement ps = prepare(c,
          "SELECT user_name, expires_at FROM tokens WHERE token_hash = ?", tokenHash);
          ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new TokenRecord(tokenHash, rs.getString(1), rs.getLong(2)))
            : Optional.<TokenRecord>empty();
      }
    });
  }

  @Override
  public void revokeToken(String tokenHash) {
    database.write(c -> update(c, "DELETE FROM tokens WHERE token_hash = ?", tokenHash));
  }

  // Rooms and memberships

  @Override
  public boolean createRoom(Room room, String owner) {
    try {
      return insertRoom(room, owner);
    } finally {
      membershipChanged(room.name());
    }
  }

  private boolean insertRoom(Room room, String owner) {
    return database.transaction(c -> {
      int inserted = update(c, "INSERT INTO rooms (name, topic, private, created_at)"
              + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
          room.name(), room.topic(), room.isPrivate() ? 1 : 0, room.createdAt());
      if (inserted == 0) {
        return false;
      }
      update(c, "INSERT INTO memberships (room, user_name, role) VALUES (?, ?, ?)",
          room.name(), owner, Role.OWNER.name());
      return true;
    });
  }

  @Override
  public Optional<Room> room(String name) {
    return database.read(c -> {
      try (PreparedStatement ps = prepare(c,
          "SELECT name, topic, private, created_at FROM rooms WHERE name = ?", name);
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(room(rs)) : Optional.<Room>empty();
      }
    });
  }

  private static Room room(ResultSet rs) throws SQLException {
    return new Room(rs.getString(1), rs.getString(2), rs.getInt(3) != 0, rs.getLong(4));
  }

  @Override
  public List<Room> visibleRooms(String user) {
    List<Room> rooms = database.read(c -> {
      try (PreparedStatement ps = prepare(c, "SELECT r.name, r.topic, r.private, r.created_at"
              + " FROM rooms r WHERE r.private = 0 OR EXISTS (SELECT 1 FROM memberships m"
              + " WHERE m.room = r.name AND m.user_name = ?)", user);
          ResultSet rs = ps.executeQuery()) {
        List<Room> list = new ArrayList<>();
        while (rs.next()) {
          list.add(room(rs));
        }
        return list;
      }
    });
    rooms.sort(Comparator.comparing(Room::name)); // Java's order, as the in-memory store's
    return rooms;
  }

  @Override
  public boolean addMember(String room, String user, Role role) {
    try {
      return database.transaction(c -> {
        if (queryString(c, "SELECT name FROM rooms WHERE name = ?", room).isEmpty()) {
          throw new IllegalArgumentException("no such room: " + room);
        }
        return update(c, "INSERT INTO memberships (room, user_name, role) VALUES (?, ?, ?)"
            + " ON CONFLICT (room, user_name) DO NOTHING", room, user, role.name()) == 1;
      });
    } finally {
      membershipChanged(room); // also after a failure: whether it committed is not known
    }
  }

  @Override
  public boolean removeMember(String room, String user) {
    try {
      return database.write(c -> update(c,
          "DELETE FROM memberships WHERE room = ? AND user_name = ?", room, user)) == 1;
    } finally {
      membershipChanged(room);
    }
  }

  @Override
  public Optional<Role> role(String room, String user) {
    return Optional.ofNullable(roster(room).roles().get(user));
  }

  @Override
  public List<Membership> members(String room) {
    return roster(room).members();
  }

  private Roster roster(String room) {
    Roster roster = rosters.get(room);
    if (roster != null) {
      return roster;
    }
    long version = membershipVersion.get();
    List<Membership> members = database.read(c -> {
      try (PreparedStatement ps = prepare(c, "SELECT user_name, role FROM memberships"
          + " WHERE room = ? ORDER BY join_order", room);
          ResultSet rs = ps.executeQuery()) {
        List<Membership> list = new ArrayList<>();
        while (rs.next()) {
          list.add(new Membership(room, rs.getString(1), Role.valueOf(rs.getString(2))));
        }
        return list;
      }
    });
    Map<String, Role> roles = new HashMap<>();
    for (Membership m : members) {
      roles.put(m.user(), m.role());
    }
    roster = new Roster(List.copyOf(members), Map.copyOf(roles));
    synchronized (rosters) {
      if (membershipVersion.get() == version) {
        rosters.putIfAbsent(room, roster);
      }
    }
    return roster;
  }

  /** After a membership write (committed or not): forget the room's roster. */
  private void membershipChanged(String room) {
    synchronized (rosters) {
      membershipVersion.incrementAndGet();
      rosters.remove(room);
    }
  }

  @Override
  public int memberCount(String room) {
    return database.read(c -> {
      try (PreparedStatement ps = prepare(c,
          "SELECT count(*) FROM memberships WHERE room = ?", room);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }

  @Override
  public List<String> roomsOf(String user) {
    List<String> rooms = database.read(c -> {
      try (PreparedStatement ps = prepare(c,
          "SELECT room FROM memberships WHERE user_name = ?", user);
          ResultSet rs = ps.executeQuery()) {
        List<String> list = new ArrayList<>();
        while (rs.next()) {
          list.add(rs.getString(1));
        }
        return list;
      }
    });
    rooms.sort(null);
    return rooms;
  }

  // Read markers

  @Override
  public boolean advanceReadMarker(String user, ConvId conv, long seq) {
    if (seq <= 0) {
      return false; // never further than the initial 0
    }
    // Upsert that only moves forward: 0 rows change when the marker is already at or past seq.
    return database.write(c -> update(c, "INSERT INTO read_markers (user_name, conv, seq)"
        + " VALUES (?, ?, ?) ON CONFLICT (user_name, conv) DO UPDATE SET seq = excluded.seq"
        + " WHERE excluded.seq > read_markers.seq", user, conv.key(), seq)) == 1;
  }

  @Override
  public long readMarker(String user, ConvId conv) {
    return database.read(c -> {
      try (PreparedStatement ps = prepare(c,
          "SELECT seq FROM read_markers WHERE user_name = ? AND conv = ?", user, conv.key());
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  @Override
  public Map<ConvId, Long> readMarkers(String user) {
    return database.read(c -> {
      try (PreparedStatement ps = prepare(c,
          "SELECT conv, seq FROM read_markers WHERE user_name = ?", user);
          ResultSet rs = ps.executeQuery()) {
        Map<ConvId, Long> markers = new HashMap<>();
        while (rs.next()) {
          markers.put(ConvId.parseKey(rs.getString(1)), rs.getLong(2));
        }
        return Map.copyOf(markers);
      }
    });
  }

  // Helpers

  private static PreparedStatement prepare(Connection c, String sql, Object... params)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
    return ps;
  }

  private static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  private static Optional<String> queryString(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }
}
