package chat.core.store;

/**
 * Learns the outcome of {@link MessageStore#append}. Exactly one method is called, once.
 *
 * <p>Ordering guarantee: for one conversation, {@link #stored} calls come in seq order and never
 * overlap, so a listener that fans messages out delivers them in order. Listeners must be quick
 * and must not block: they run on a thread of the store's (the SQLite store's single notifier
 * thread, which calls them in commit order), or on the appending thread.
 */
public interface AppendListener {

  /**
   * The message is durably stored. {@code duplicate} is true when the same sender had already
   * stored a message with the same cid in this conversation; {@code message} is then that first
   * message, and nothing new was stored.
   */
  void stored(StoredMessage message, boolean duplicate);

  /** Nothing was stored. */
  void failed(Throwable cause);
}
