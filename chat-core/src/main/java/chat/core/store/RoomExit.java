package chat.core.store;

import static java.util.Objects.requireNonNull;

/**
 * What deleting an account did to one room it was in: the user left it; if the user owned it,
 * ownership passed to {@code newOwner} (the longest-standing member), or, with no member left,
 * the room was deleted ({@code roomDeleted}).
 */
public record RoomExit(String room, String newOwner, boolean roomDeleted) {
  public RoomExit {
    requireNonNull(room, "room is null");
  }
}
