package chat.core.store;

import java.util.Locale;

/** A member's role in a room: one owner; moderators may kick, invite, ban and set the topic. */
public enum Role {
  OWNER,
  MODERATOR,
  MEMBER;

  /** The role with this wire name ({@code owner}, {@code moderator}, {@code member}), if any. */
  public static java.util.Optional<Role> fromWire(String name) {
    for (Role r : values()) {
      if (r.wireName().equals(name)) {
        return java.util.Optional.of(r);
      }
    }
    return java.util.Optional.empty();
  }

  /** Owner or moderator: may moderate the room. */
  public boolean moderates() {
    return this != MEMBER;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
