package chat.client;

/**
 * Why a request of a {@link ChatClient} failed. Subclasses: {@link ChatErrorException} (the
 * server said no), {@link NotConnectedException} (no connection to send it on), {@link
 * ClientClosedException} (the client was closed), {@link TooManyPendingException} (a bound was
 * hit).
 */
public class ChatClientException extends RuntimeException {
  public ChatClientException(String message) {
    super(message);
  }

  public ChatClientException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The client is not connected now; it may be reconnecting. Sends are never failed so. */
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

  /** More unacknowledged sends than {@link ChatClient.Builder#maxPendingSends} allows. */
  public static final class TooManyPendingException extends ChatClientException {
    public TooManyPendingException(int limit) {
      super("more than " + limit + " sends waiting for acknowledgement");
    }
  }
}
