package chat.store.jdbc;

import static chat.store.jdbc.Sql.prepare;
import static chat.store.jdbc.Sql.queryLong;
import static chat.store.jdbc.Sql.queryString;
import static chat.store.jdbc.Sql.queryStrings;
import static chat.store.jdbc.Sql.update;

import chat.core.store.Account;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.Membership;
import chat.core.store.OperatorAction;
import chat.core.store.ReadMarkerListener;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.core.store.RoomExit;
import chat.core.store.RoomQuery;
import chat.core.store.TokenRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Accounts, token hashes, blocks, rooms, memberships, bans, read markers and operator actions in
 * SQL, the same statements on SQLite and PostgreSQL but where their {@link Dialect} differs.
 * Each method is one statement or one transaction, so each is atomic; reads see committed data.
 * Names are compared exactly (binary collation, "C" in PostgreSQL), as in the in-memory store;
 * lists the in-memory store gives in Java's order are sorted in Java. On PostgreSQL, where
 * transactions run side by side, one that reads a room's state before changing it (a member
 * added, a ban, an ownership transfer) first locks the room's row.
 *
 * <p>Rosters are kept in a {@link RosterCache}: every method here that may change a room's
 * memberships or roles drops that room's roster once its write has ended, committed or not.
 * Another process writing the database (an operator command) is not seen: the server calls
 * {@link #forgetCaches} when it learns of one, from {@link #operatorActionsAfter}.
 */
class JdbcAccountStore implements AccountStore {
  private final JdbcDatabase database;
  private final Dialect dialect;
  private final RosterCache rosters = new RosterCache(this::loadMembers);
  private final ReadMarkerWriter markers;

  JdbcAccountStore(JdbcDatabase database, Dialect dialect) {
    this.database = database;
    this.dialect = dialect;
    this.markers = new ReadMarkerWriter(database, dialect.name().toLowerCase(Locale.ROOT),
        ReadMarkerWriter.DEFAULT_MAX_PENDING);
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
        "SELECT password_hash FROM users WHERE name = ? AND status <> 'DELETED'", user));
  }

  @Override
  public boolean userExists(String user) {
    return database.read(c -> queryString(c, "SELECT name FROM users WHERE name = ?", user))
        .isPresent();
  }

  @Override
  public Optional<Account> account(String user) {
    List<Account> found = database.read(c -> accounts(c, " WHERE name = ?", user));
    return found.stream().findFirst();
  }

  /** One column, not the whole row: every direct message reads its peer's. */
  @Override
  public Optional<Account.Status> status(String user) {
    return database.read(c -> queryString(c, "SELECT status FROM users WHERE name = ?", user))
        .map(Account.Status::valueOf);
  }

  @Override
  public List<Account> accounts() {
    List<Account> all = database.read(c -> accounts(c, ""));
    all.sort(Comparator.comparing(Account::name)); // Java's order, as the in-memory store's
    return all;
  }

  private static List<Account> accounts(Connection c, String where, Object... params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c,
        "SELECT name, password_hash, created_at, status FROM users" + where, params);
        ResultSet rs = ps.executeQuery()) {
      List<Account> list = new ArrayList<>();
      while (rs.next()) {
        list.add(new Account(rs.getString(1), rs.getString(2), rs.getLong(3),
            Account.Status.valueOf(rs.getString(4))));
      }
      return list;
    }
  }

  @Override
  public boolean setPasswordHash(String user, String passwordHash) {
    return database.write(c -> update(c, "UPDATE users SET password_hash = ?"
        + " WHERE name = ? AND status <> 'DELETED'", passwordHash, user)) == 1;
  }

  @Override
  public boolean setStatus(String user, Account.Status status) {
    if (status == Account.Status.DELETED) {
      throw new IllegalArgumentException("use deleteAccount");
    }
    return database.write(c -> update(c, "UPDATE users SET status = ?"
        + " WHERE name = ? AND status <> 'DELETED'", status.name(), user)) == 1;
  }

  @Override
  public Optional<List<RoomExit>> deleteAccount(String user) {
    Set<String> touched = new LinkedHashSet<>();
    boolean done = false;
    try {
      Optional<List<RoomExit>> exits = database.transaction(c -> {
        if (update(c, "UPDATE users SET status = 'DELETED', password_hash = ''"
            + " WHERE name = ? AND status <> 'DELETED'", user) == 0) {
          return Optional.<List<RoomExit>>empty();
        }
        update(c, "DELETE FROM tokens WHERE user_name = ?", user);
        update(c, "DELETE FROM blocks WHERE user_name = ?", user);
        return Optional.of(RoomRemoval.leaveEveryRoom(c, user, touched));
      });
      done = true;
      return exits;
    } finally {
      if (done) {
        touched.forEach(this::membershipChanged);
      } else {
        forgetCaches(); // which rooms it reached before failing is not known
      }
    }
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

  @Override
  public int revokeTokens(String user, String keep) {
    // IS DISTINCT FROM: with keep null, every token of the user goes.
    return database.write(c -> update(c,
        "DELETE FROM tokens WHERE user_name = ? AND token_hash IS DISTINCT FROM ?", user, keep));
  }

  // Blocks

  @Override
  public boolean block(String user, String target) {
    return database.write(c -> update(c, "INSERT INTO blocks (user_name, blocked) VALUES (?, ?)"
        + " ON CONFLICT (user_name, blocked) DO NOTHING", user, target)) == 1;
  }

  @Override
  public boolean unblock(String user, String target) {
    return database.write(c -> update(c,
        "DELETE FROM blocks WHERE user_name = ? AND blocked = ?", user, target)) == 1;
  }

  @Override
  public boolean hasBlocked(String user, String target) {
    return database.read(c -> queryString(c,
        "SELECT blocked FROM blocks WHERE user_name = ? AND blocked = ?", user, target))
        .isPresent();
  }

  @Override
  public List<String> blockedBy(String user) {
    List<String> blocked = database.read(c -> queryStrings(c,
        "SELECT blocked FROM blocks WHERE user_name = ?", user));
    blocked.sort(null);
    return blocked;
  }

  // Rooms

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
      // A marker written after a room of this name was deleted (a move queued or checked just
      // before the deletion) is not the new room's.
      update(c, "DELETE FROM read_markers WHERE conv = ?", ConvId.room(room.name()).key());
      return true;
    });
  }

  @Override
  public Optional<Room> room(String name) {
    List<Room> found = database.read(c -> rooms(c, "SELECT " + DirectorySql.ROOM_COLUMNS
        + " FROM rooms r WHERE r.name = ?", List.of(name)));
    return found.stream().findFirst();
  }

  private static List<Room> rooms(Connection c, String sql, List<Object> params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params.toArray());
        ResultSet rs = ps.executeQuery()) {
      List<Room> list = new ArrayList<>();
      while (rs.next()) {
        list.add(new Room(rs.getString(1), rs.getString(2), rs.getInt(3) != 0, rs.getLong(4)));
      }
      return list;
    }
  }

  @Override
  public List<Room> visibleRooms(String user) {
    List<Room> rooms = directory(user, null, null, Integer.MAX_VALUE);
    rooms.sort(Comparator.comparing(Room::name)); // Java's order, as the in-memory store's
    return rooms;
  }

  @Override
  public List<Room> directory(String user, RoomQuery query, String after, int limit) {
    if (limit <= 0) {
      return new ArrayList<>(); // SQLite reads a negative LIMIT as none
    }
    DirectorySql.Statement page = DirectorySql.page(user, query, after, limit, dialect);
    return database.read(c -> rooms(c, page.sql(), page.params()));
  }

  @Override
  public List<Room> rooms() {
    List<Room> all = database.read(c -> rooms(c,
        "SELECT " + DirectorySql.ROOM_COLUMNS + " FROM rooms r", List.of()));
    all.sort(Comparator.comparing(Room::name));
    return all;
  }

  @Override
  public boolean setTopic(String room, String topic) {
    return database.write(c -> update(c, "UPDATE rooms SET topic = ? WHERE name = ?",
        topic, room)) == 1;
  }

  @Override
  public Optional<List<Membership>> deleteRoom(String room) {
    try {
      return database.transaction(c -> {
        List<Membership> had = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT user_name, role FROM memberships"
            + " WHERE room = ? ORDER BY join_order", room);
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            had.add(new Membership(room, rs.getString(1), Role.valueOf(rs.getString(2))));
          }
        }
        return RoomRemoval.deleteRoom(c, room) ? Optional.of(List.copyOf(had)) : Optional.empty();
      });
    } finally {
      membershipChanged(room);
    }
  }

  @Override
  public int roomsOwnedBy(String user) {
    return (int) database.read(c -> queryLong(c,
        "SELECT count(*) FROM memberships WHERE user_name = ? AND role = 'OWNER'", user))
        .longValue();
  }

  // Memberships

  @Override
  public boolean addMember(String room, String user, Role role) {
    try {
      return database.transaction(c -> {
        requireRoom(c, room); // the room's row locked: a ban of the same room waits, or came first
        return update(c, "INSERT INTO memberships (room, user_name, role) SELECT ?, ?, ?"
            + " WHERE NOT EXISTS (SELECT 1 FROM bans WHERE room = ? AND user_name = ?)"
            + " ON CONFLICT (room, user_name) DO NOTHING", room, user, role.name(), room, user) == 1;
      });
    } finally {
      membershipChanged(room); // also after a failure: whether it committed is not known
    }
  }

  /** Locks the room's row for the transaction (see {@link Dialect#lockRoom}); throws if none. */
  private void requireRoom(Connection c, String room) throws SQLException {
    if (queryString(c, dialect.lockRoom, room).isEmpty()) {
      throw new IllegalArgumentException("no such room: " + room);
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
  public boolean setRole(String room, String user, Role role) {
    if (role == Role.OWNER) {
      throw new IllegalArgumentException("use transferOwnership");
    }
    try {
      return database.write(c -> update(c, "UPDATE memberships SET role = ?"
          + " WHERE room = ? AND user_name = ? AND role <> 'OWNER'", role.name(), room, user))
          == 1;
    } finally {
      membershipChanged(room);
    }
  }

  @Override
  public boolean transferOwnership(String room, String from, String to) {
    if (from.equals(to)) {
      return false;
    }
    try {
      return database.transaction(c -> {
        if (queryString(c, dialect.lockRoom, room).isEmpty()) {
          return false;
        }
        Optional<String> fromRole = queryString(c,
            "SELECT role FROM memberships WHERE room = ? AND user_name = ?", room, from);
        if (!fromRole.equals(Optional.of(Role.OWNER.name()))
            || update(c, "UPDATE memberships SET role = 'OWNER'"
                + " WHERE room = ? AND user_name = ?", room, to) == 0) {
          return false; // nothing written yet, or only the failed update: the commit is empty
        }
        update(c, "UPDATE memberships SET role = 'MODERATOR' WHERE room = ? AND user_name = ?",
            room, from);
        return true;
      });
    } finally {
      membershipChanged(room);
    }
  }

  @Override
  public Optional<Role> role(String room, String user) {
    return Optional.ofNullable(rosters.get(room).roles().get(user));
  }

  @Override
  public List<Membership> members(String room) {
    return rosters.get(room).members();
  }

  private List<Membership> loadMembers(String room) {
    return database.read(c -> {
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
  }

  /** After a membership write (committed or not): forget the room's roster. */
  private void membershipChanged(String room) {
    rosters.changed(room);
  }

  @Override
  public void forgetCaches() {
    rosters.clear();
  }

  @Override
  public void forgetRoster(String room) {
    rosters.changed(room);
  }

  @Override
  public int memberCount(String room) {
    return (int) database.read(c -> queryLong(c,
        "SELECT count(*) FROM memberships WHERE room = ?", room)).longValue();
  }

  @Override
  public List<String> roomsOf(String user) {
    List<String> rooms = database.read(c -> queryStrings(c,
        "SELECT room FROM memberships WHERE user_name = ?", user));
    rooms.sort(null);
    return rooms;
  }

  // Bans

  @Override
  public boolean ban(String room, String user) {
    try {
      return database.transaction(c -> {
        requireRoom(c, room);
        update(c, "DELETE FROM memberships WHERE room = ? AND user_name = ?", room, user);
        return update(c, "INSERT INTO bans (room, user_name) VALUES (?, ?)"
            + " ON CONFLICT (room, user_name) DO NOTHING", room, user) == 1;
      });
    } finally {
      membershipChanged(room);
    }
  }

  @Override
  public boolean unban(String room, String user) {
    return database.write(c -> update(c,
        "DELETE FROM bans WHERE room = ? AND user_name = ?", room, user)) == 1;
  }

  @Override
  public boolean isBanned(String room, String user) {
    return database.read(c -> queryString(c,
        "SELECT user_name FROM bans WHERE room = ? AND user_name = ?", room, user)).isPresent();
  }

  @Override
  public List<String> bans(String room) {
    List<String> banned = database.read(c -> queryStrings(c,
        "SELECT user_name FROM bans WHERE room = ?", room));
    banned.sort(null);
    return banned;
  }

  // Read markers

  @Override
  public boolean advanceReadMarker(String user, ConvId conv, long seq) {
    if (seq <= 0) {
      return false; // never further than the initial 0
    }
    // Upsert that only moves forward: 0 rows change when the marker is already at or past seq.
    return database.write(c -> update(c, ReadMarkerWriter.UPSERT, user, conv.key(), seq)) == 1;
  }

  /**
   * Queued for {@link ReadMarkerWriter}, which writes many moves in one transaction; written
   * here, on the caller's thread, when it refuses (too many waiting, or stopped).
   */
  @Override
  public void advanceReadMarker(String user, ConvId conv, long seq,
      ReadMarkerListener listener) {
    if (seq <= 0) {
      listener.stored(false); // never further than the initial 0
      return;
    }
    if (!markers.submit(user, conv, seq, listener)) {
      AccountStore.super.advanceReadMarker(user, conv, seq, listener);
    }
  }

  @Override
  public long readMarker(String user, ConvId conv) {
    // Pending first: a move written between the two reads is then in one of them.
    long pending = markers.pending(user, conv);
    long stored = database.read(c -> {
      try (PreparedStatement ps = prepare(c, ReadMarkerWriter.READ, user, conv.key());
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
    return Math.max(stored, pending);
  }

  @Override
  public Map<ConvId, Long> readMarkers(String user) {
    Map<ConvId, Long> pending = markers.pending(user); // first, as in readMarker
    Map<ConvId, Long> stored = database.read(c -> {
      try (PreparedStatement ps = prepare(c,
          "SELECT conv, seq FROM read_markers WHERE user_name = ?", user);
          ResultSet rs = ps.executeQuery()) {
        Map<ConvId, Long> found = new HashMap<>();
        while (rs.next()) {
          found.put(ConvId.parseKey(rs.getString(1)), rs.getLong(2));
        }
        return found;
      }
    });
    pending.forEach((conv, seq) -> stored.merge(conv, seq, Math::max));
    return Map.copyOf(stored);
  }

  /** Writes the read-marker moves still waiting and takes no more; before the database closes. */
  void stopReadMarkers() throws InterruptedException {
    markers.stop();
  }

  // Operator actions

  @Override
  public OperatorAction recordOperatorAction(String action, String subject,
      List<String> members, long at) {
    for (String m : members) {
      if (m.isEmpty() || m.indexOf('\n') >= 0) { // stored joined by line breaks
        throw new IllegalArgumentException("not a member name: \"" + m + '"');
      }
    }
    long id = database.transaction(c -> {
      if (!dialect.beforeOperatorAction.isEmpty()) {
        update(c, dialect.beforeOperatorAction);
      }
      return queryLong(c, "INSERT INTO operator_actions (action, subject, members, at)"
          + " VALUES (?, ?, ?, ?) RETURNING id", action, subject, String.join("\n", members), at);
    });
    return new OperatorAction(id, action, subject, members, at);
  }

  @Override
  public List<OperatorAction> operatorActionsAfter(long afterId) {
    return database.read(c -> {
      try (PreparedStatement ps = prepare(c, "SELECT id, action, subject, members, at"
          + " FROM operator_actions WHERE id > ? ORDER BY id", afterId);
          ResultSet rs = ps.executeQuery()) {
        List<OperatorAction> list = new ArrayList<>();
        while (rs.next()) {
          String members = rs.getString(4);
          list.add(new OperatorAction(rs.getLong(1), rs.getString(2), rs.getString(3),
              members.isEmpty() ? List.of() : Arrays.asList(members.split("\n", -1)),
              rs.getLong(5)));
        }
        return list;
      }
    });
  }
}
