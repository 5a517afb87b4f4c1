package chat.client;

import java.util.Locale;

/**
 * A member's role in a room. A room has one {@link #OWNER}; owners and {@link #MODERATOR}s may
 * ban, unban, kick, invite and set the topic; only the owner gives roles. {@link
 * ChatClient#setRole} with {@link #OWNER} hands ownership over (the old owner becomes a
 * moderator).
 */
public enum Role {
  OWNER, MODERATOR, MEMBER;

  /** The name on the wire: {@code "owner"}, {@code "moderator"}, {@code "member"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role named {@code name} on the wire (as in {@code Result.MemberInfo#role()} and {@code
   * Event.Member#role()}).
   *
   * @throws IllegalArgumentException for a name this client does not know
   */
  public static Role fromWire(String name) {
    for (Role r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role: " + name);
  }
}
