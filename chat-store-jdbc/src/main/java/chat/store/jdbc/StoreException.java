package chat.store.jdbc;

/**
 * A database operation of the SQLite store failed (I/O error, disk full, corrupt file, …). The
 * message names the operation, never message text or tokens.
 */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
