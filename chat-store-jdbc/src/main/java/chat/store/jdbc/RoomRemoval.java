package chat.store.jdbc;

import static chat.store.jdbc.Sql.prepare;
import static chat.store.jdbc.Sql.queryString;
import static chat.store.jdbc.Sql.update;

import chat.core.store.ConvId;
import chat.core.store.Role;
import chat.core.store.RoomExit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The statements that take rooms apart, run inside the caller's transaction: deleting a room
 * with everything of it, and a deleted account leaving every room. The caller drops the rosters
 * of the rooms they touched once the transaction has ended.
 */
final class RoomRemoval {
  private RoomRemoval() {}

  /** Deletes the room, its memberships, bans and read markers; false if there was no room. */
  static boolean deleteRoom(Connection c, String room) throws SQLException {
    // Explicit rather than by ON DELETE CASCADE, which holds only while foreign keys are on.
    update(c, "DELETE FROM memberships WHERE room = ?", room);
    update(c, "DELETE FROM bans WHERE room = ?", room);
    update(c, "DELETE FROM read_markers WHERE conv = ?", ConvId.room(room).key());
    return update(c, "DELETE FROM rooms WHERE name = ?", room) == 1;
  }

  /**
   * Whether {@code conv} is a room's conversation and a room of that name exists: its history
   * belongs to that room, and an erasure of the name's old history stops there.
   */
  static boolean roomExists(Connection c, ConvId conv) throws SQLException {
    return conv.isRoom() && queryString(c, "SELECT name FROM rooms WHERE name = ?",
        conv.roomName()).isPresent();
  }

  /** The deleted user leaves each room; an owned one passes on or goes. Adds rooms to touched. */
  static List<RoomExit> leaveEveryRoom(Connection c, String user, Set<String> touched)
      throws SQLException {
    Map<String, Role> roles = new HashMap<>();
    try (PreparedStatement ps = prepare(c,
        "SELECT room, role FROM memberships WHERE user_name = ?", user);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        roles.put(rs.getString(1), Role.valueOf(rs.getString(2)));
      }
    }
    List<String> rooms = new ArrayList<>(roles.keySet());
    rooms.sort(null);
    List<RoomExit> exits = new ArrayList<>();
    for (String room : rooms) {
      touched.add(room);
      update(c, "DELETE FROM memberships WHERE room = ? AND user_name = ?", room, user);
      if (roles.get(room) != Role.OWNER) {
        exits.add(new RoomExit(room, null, false));
        continue;
      }
      Optional<String> heir = queryString(c, "SELECT user_name FROM memberships WHERE room = ?"
          + " ORDER BY join_order LIMIT 1", room);
      if (heir.isPresent()) {
        update(c, "UPDATE memberships SET role = 'OWNER' WHERE room = ? AND user_name = ?",
            room, heir.get());
        exits.add(new RoomExit(room, heir.get(), false));
      } else {
        deleteRoom(c, room);
        exits.add(new RoomExit(room, null, true));
      }
    }
    return exits;
  }
}
