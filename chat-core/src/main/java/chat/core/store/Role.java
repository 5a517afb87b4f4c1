package chat.core.store;

import java.util.Locale;

/** A member's role in a room. */
public enum Role {
  OWNER,
  MEMBER;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
