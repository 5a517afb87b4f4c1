package chat.core.store;

import static java.util.Objects.requireNonNull;

/** One change as recorded: its rev, the message's seq, who made it, what it was, and when. */
public record StoredUpdate(long rev, long seq, String by, String action, long ts) {
  public StoredUpdate {
    requireNonNull(by, "by is null");
    requireNonNull(action, "action is null");
  }
}
