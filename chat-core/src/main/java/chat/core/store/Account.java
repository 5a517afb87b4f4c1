package chat.core.store;

import static java.util.Objects.requireNonNull;

/**
 * A user account as stored. A deleted account keeps its row, so the name stays taken, but has no
 * password hash (empty string) and can never sign in again.
 */
public record Account(String name, String passwordHash, long createdAt, Status status) {

  /** Whether an account may sign in. */
  public enum Status {
    ACTIVE,
    /** Disabled by an operator: no sign-in until enabled again. */
    DISABLED,
    /** Deleted by its owner or an operator: for good. */
    DELETED
  }

  public Account {
    requireNonNull(name, "name is null");
    requireNonNull(passwordHash, "passwordHash is null");
    requireNonNull(status, "status is null");
  }

  public boolean isActive() {
    return status == Status.ACTIVE;
  }

  public boolean isDeleted() {
    return status == Status.DELETED;
  }
}
