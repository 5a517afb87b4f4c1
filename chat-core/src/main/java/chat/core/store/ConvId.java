package chat.core.store;

import static java.util.Objects.requireNonNull;

/**
 * The identity of a conversation, independent of who looks at it: a room, or the direct
 * conversation of two users (held in sorted order, so {@code direct(a, b) == direct(b, a)}).
 * {@link #key()} is a stable string for storage: {@code #room} or {@code @alice@bob}.
 */
public final class ConvId implements Comparable<ConvId> {
  private final String room;  // non-null for a room
  private final String userA; // for a direct conversation, userA < userB
  private final String userB;
  private final String key;

  private ConvId(String room, String userA, String userB) {
    this.room = room;
    this.userA = userA;
    this.userB = userB;
    this.key = room != null ? "#" + room : "@" + userA + "@" + userB;
  }

  public static ConvId room(String room) {
    return new ConvId(requireNonNull(room, "room is null"), null, null);
  }

  public static ConvId direct(String user1, String user2) {
    requireNonNull(user1, "user1 is null");
    requireNonNull(user2, "user2 is null");
    if (user1.equals(user2)) {
      throw new IllegalArgumentException("a direct conversation needs two users");
    }
    return user1.compareTo(user2) < 0
        ? new ConvId(null, user1, user2)
        : new ConvId(null, user2, user1);
  }

  /** Parses a {@link #key()}. */
  public static ConvId parseKey(String key) {
    if (key.startsWith("#")) {
      return room(key.substring(1));
    }
    int second = key.indexOf('@', 1);
    if (key.startsWith("@") && second > 1) {
      return direct(key.substring(1, second), key.substring(second + 1));
    }
    throw new IllegalArgumentException("not a conversation key: " + key);
  }

  public boolean isRoom() {
    return room != null;
  }

  /** The room name (without {@code #}); only for a room. */
  public String roomName() {
    if (room == null) {
      throw new IllegalStateException("not a room: " + key);
    }
    return room;
  }

  /** Whether {@code user} is one of the two parties of this direct conversation. */
  public boolean isParty(String user) {
    return room == null && (userA.equals(user) || userB.equals(user));
  }

  /** The first party of a direct conversation, in sorted order. */
  public String userA() {
    return userA;
  }

  /** The second party of a direct conversation, in sorted order. */
  public String userB() {
    return userB;
  }

  /** The other party of a direct conversation, seen from {@code viewer}. */
  public String peerOf(String viewer) {
    if (userA.equals(viewer)) {
      return userB;
    }
    if (userB.equals(viewer)) {
      return userA;
    }
    throw new IllegalArgumentException(viewer + " is not a party of " + key);
  }

  /** The conversation's name as {@code viewer} sees it: {@code #room} or {@code @peer}. */
  public String nameFor(String viewer) {
    return room != null ? key : "@" + peerOf(viewer);
  }

  public String key() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConvId && ((ConvId) o).key.equals(key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public int compareTo(ConvId o) {
    return key.compareTo(o.key);
  }

  @Override
  public String toString() {
    return key;
  }
}
