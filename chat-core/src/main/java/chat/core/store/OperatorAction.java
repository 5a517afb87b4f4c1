package chat.core.store;

import static java.util.Objects.requireNonNull;

/**
 * A change an operator made to the store from another process ({@code chat-server.jar admin}),
 * recorded so that a running server can act on it: close the connections of a disabled or
 * deleted account, tell a deleted room's members, and forget what it had cached.
 *
 * @param id increasing, so a server reads only the actions after the last it saw
 * @param action what was done ({@link #DISABLE_USER}, …)
 * @param subject the user or room it was done to
 * @param members for {@link #DELETE_ROOM}: the room's members when it was deleted; else empty
 */
public record OperatorAction(long id, String action, String subject, java.util.List<String> members,
    long at) {
  public static final String DISABLE_USER = "disable_user";
  public static final String ENABLE_USER = "enable_user";
  public static final String DELETE_USER = "delete_user";
  public static final String RESET_PASSWORD = "reset_password";
  public static final String DELETE_ROOM = "delete_room";

  public OperatorAction {
    requireNonNull(action, "action is null");
    requireNonNull(subject, "subject is null");
    members = java.util.List.copyOf(members);
  }
}
