package chat.store.jdbc;

/**
 * An append was refused at once because the queue of messages waiting for the writer is full:
 * the disk cannot keep up. Nothing was stored; the sender may retry later with the same cid.
 */
public final class StoreOverloadedException extends StoreException {
  public StoreOverloadedException(int capacity) {
    super("message store is overloaded: " + capacity + " appends already wait for the disk");
  }
}
