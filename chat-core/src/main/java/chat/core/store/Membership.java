package chat.core.store;

import static java.util.Objects.requireNonNull;

/** A user's membership of a room. */
public record Membership(String room, String user, Role role) {
  public Membership {
    requireNonNull(room, "room is null");
    requireNonNull(user, "user is null");
    requireNonNull(role, "role is null");
  }
}
