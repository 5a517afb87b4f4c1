package chat.core.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accounts, login tokens (as hashes only), rooms, memberships and read markers. Implementations
 * are thread-safe, and each method is atomic on its own.
 */
public interface AccountStore {

  // Users

  /** Creates a user; false if the name is taken. */
  boolean createUser(String user, String passwordHash, long createdAt);

  /** The stored password hash, or empty if there is no such user. */
  Optional<String> passwordHash(String user);

  boolean userExists(String user);

  // Tokens

  void saveToken(TokenRecord token);

  /** The token with this hash, expired or not; empty if unknown or revoked. */
  Optional<TokenRecord> token(String tokenHash);

  void revokeToken(String tokenHash);

  // Rooms and memberships

  /** Creates a room with {@code owner} as its owner and first member; false if the name is taken. */
  boolean createRoom(Room room, String owner);

  Optional<Room> room(String name);

  /** Public rooms, and private rooms {@code user} is a member of, by name. */
  List<Room> visibleRooms(String user);

  /** Adds a member; false if {@code user} was already a member. */
  boolean addMember(String room, String user, Role role);

  /** Removes a member; false if {@code user} was not a member. */
  boolean removeMember(String room, String user);

  /** The user's role in the room, or empty if not a member. */
  Optional<Role> role(String room, String user);

  /**
   * The room's members, in the order they joined; the caller must not modify the list. Asked
   * for every room message (the fan-out), so an implementation should answer from memory.
   */
  List<Membership> members(String room);

  int memberCount(String room);

  /** Names of the rooms {@code user} is a member of, sorted. */
  List<String> roomsOf(String user);

  // Read markers

  /**
   * Moves the user's read marker in {@code conv} to {@code seq} if that is further than it is;
   * returns whether it moved.
   */
  boolean advanceReadMarker(String user, ConvId conv, long seq);

  /** The user's read marker in {@code conv}, 0 if never set. */
  long readMarker(String user, ConvId conv);

  /** Every read marker of the user. */
  Map<ConvId, Long> readMarkers(String user);
}
