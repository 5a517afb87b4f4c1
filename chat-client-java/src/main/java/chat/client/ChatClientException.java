package chat.client;

/**
 * Why a request of a {@link ChatClient} failed. Subclasses: {@link ChatErrorException} (the
 * server said no, with a protocol error code), {@link NotConnectedException} (no connection to
 * send it on), {@link ClientClosedException} (the client was closed), {@link
 * TooManyPendingException} (a bound on waiting requests was hit).
 */
public class ChatClientException extends RuntimeException {
  public ChatClientException(String message) {
    super(message);
  }

  public ChatClientException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The client has no connection now; it may be reconnecting. Sends never fail so: they wait
   * for the connection.
   */
  public static final class NotConnectedException extends ChatClientException {
    public NotConnectedException() {
      super("not connected (reconnecting)");
    }
  }

  /** The client was closed before the request completed. */
  public static final class ClientClosedException extends ChatClientException {
    public ClientClosedException() {
      super("client closed");
    }
  }

  /**
   * Too many sends await acknowledgement ({@link ChatClient.Builder#maxPendingSends}), or too
   * many other requests their reply ({@link ChatClient.Builder#maxPendingRequests}). Wait for
   * some to complete, then try again.
   */
  public static final class TooManyPendingException extends ChatClientException {
    private final int limit;

    public TooManyPendingException(int limit, String what) {
      super("too many " + what + " pending: the limit is " + limit);
      this.limit = limit;
    }

    public int limit() {
      return limit;
    }
  }
}
