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

  /** Whether the name is taken: by an account in any state, deleted ones included. */
  boolean userExists(String user);

  /** The account, in any state; empty if the name was never registered. */
  Optional<Account> account(String user);

  /**
   * The status of the account, empty if the name was never registered: all that a direct
   * message asks of its peer, on every send, so a store may read it alone.
   */
  default Optional<Account.Status> status(String user) {
    return account(user).map(Account::status);
  }

  /** Every account, by name (for operators). */
  List<Account> accounts();

  /** Replaces the password hash of an account that is not deleted; false if there is none. */
  boolean setPasswordHash(String user, String passwordHash);

  /**
   * Disables or enables an account that is not deleted; false if there is none. Disabling does
   * not revoke tokens by itself: see {@link #revokeTokens}.
   */
  boolean setStatus(String user, Account.Status status);

  /**
   * Deletes an account for good, in one step: the name stays taken, the password hash and every
   * token are gone, the blocks it made are dropped, and it leaves every room. A room it owned
   * passes to its longest-standing member, or is deleted (with its bans) if none is left.
   *
   * @return what happened to each room the user was in, by room name; empty if there was no
   *     such account or it was deleted already
   */
  Optional<List<RoomExit>> deleteAccount(String user);

  // Tokens

  void saveToken(TokenRecord token);

  /** The token with this hash, expired or not; empty if unknown or revoked. */
  Optional<TokenRecord> token(String tokenHash);

  void revokeToken(String tokenHash);

  /** Revokes every token of the user but {@code keep} (may be null); returns how many. */
  int revokeTokens(String user, String keep);

  // Blocks

  /** {@code user} blocks {@code target}; false if it already did. */
  boolean block(String user, String target);

  /** {@code user} unblocks {@code target}; false if it had not blocked it. */
  boolean unblock(String user, String target);

  /** Whether {@code user} has blocked {@code target}. */
  boolean hasBlocked(String user, String target);

  /** The users {@code user} has blocked, by name. */
  List<String> blockedBy(String user);

  // Rooms and memberships

  /** Creates a room with {@code owner} as its owner and first member; false if the name is taken. */
  boolean createRoom(Room room, String owner);

  Optional<Room> room(String name);

  /** Public rooms, and private rooms {@code user} is a member of, by name. */
  List<Room> visibleRooms(String user);

  /**
   * A page of the room directory as {@code user} sees it (public rooms, and private rooms it is
   * a member of) that {@code query} matches (see {@link RoomQuery}; null matches every room),
   * with names after {@code after} (null: from the first), by name, at most {@code limit}.
   */
  List<Room> directory(String user, RoomQuery query, String after, int limit);

  /** Every room, by name (for operators). */
  List<Room> rooms();

  /** Sets a room's topic; false if there is no such room. */
  boolean setTopic(String room, String topic);

  /**
   * Deletes a room with its memberships, bans and read markers (its messages are the message
   * store's: see {@link MessageStore#deleteConversation}).
   *
   * @return the members it had, in join order; empty if there was no such room
   */
  Optional<List<Membership>> deleteRoom(String room);

  /** How many rooms {@code user} owns. */
  int roomsOwnedBy(String user);

  /**
   * Adds a member; false if {@code user} was already a member or is banned from the room (looked
   * at in the same step as the insert, so that a ban made meanwhile is never undone by it).
   */
  boolean addMember(String room, String user, Role role);

  /** Removes a member; false if {@code user} was not a member. */
  boolean removeMember(String room, String user);

  /** Sets a member's role to moderator or member (not owner); false if not a member. */
  boolean setRole(String room, String user, Role role);

  /**
   * Makes member {@code to} the owner and the current owner {@code from} a moderator, in one
   * step; false if {@code from} is not the owner or {@code to} not a member.
   */
  boolean transferOwnership(String room, String from, String to);

  // Bans

  /**
   * Bans {@code user} from the room and removes it from the members, in one step.
   *
   * @return false if it was banned already
   */
  boolean ban(String room, String user);

  /** Lifts a ban; false if there was none. */
  boolean unban(String room, String user);

  boolean isBanned(String room, String user);

  /** The users banned from the room, by name. */
  List<String> bans(String room);

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

  /**
   * Moves the marker as {@link #advanceReadMarker(String, ConvId, long)} does, but may do it
   * later, beside other moves, off the caller's thread: a store that commits to disk writes many
   * in one transaction. {@code listener} hears once the move is stored (or failed). From the
   * moment this returns, {@link #readMarker} and {@link #readMarkers} count the move.
   */
  default void advanceReadMarker(String user, ConvId conv, long seq,
      ReadMarkerListener listener) {
    boolean moved;
    try {
      moved = advanceReadMarker(user, conv, seq);
    } catch (RuntimeException e) {
      listener.failed(e);
      return;
    }
    listener.stored(moved);
  }

  /** The user's read marker in {@code conv}, 0 if never set. */
  long readMarker(String user, ConvId conv);

  /** Every read marker of the user. */
  Map<ConvId, Long> readMarkers(String user);

  // Operator actions (see OperatorAction)

  /** Records an operator's action; returns it with its id. */
  OperatorAction recordOperatorAction(String action, String subject, List<String> members,
      long at);

  /** The recorded actions with an id above {@code afterId}, in order. */
  List<OperatorAction> operatorActionsAfter(long afterId);

  /**
   * Forgets whatever this store keeps in memory about the data (e.g. room rosters), because
   * another process changed it. A store that caches nothing does nothing.
   */
  default void forgetCaches() {}

  /**
   * Forgets what this store keeps in memory about one room's members, because another server
   * node changed them. A store that caches nothing does nothing.
   */
  default void forgetRoster(String room) {}
}
