package chat.client;

import java.util.Locale;

/**
 * Why a request of a {@link ChatClient} failed. Subclasses: {@link ChatErrorException} (the
 * server said no, with a protocol error code), {@link NotConnectedException} (no connection to
 * send it on), {@link ClientClosedException} (the client was closed), {@link
 * TooManyPendingException} (a bound on waiting requests was hit), {@link SignedOutException}
 * (the server ended this user's session for good).
 */
public class ChatClientException extends RuntimeException {
  public ChatClientException(String message) {
    super(message);
  }

  public ChatClientException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The client has no connection now: it is waiting to reconnect (or {@link ChatClient#connect}
   * was not called), or the connection a request waited for failed before the login. Requests
   * made while the client is connecting wait for the login instead. Sends never fail so: they
   * wait for the connection.
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

  /**
   * The server ended this session for good: it closed the connection with {@code 1008} because
   * the client's token was revoked elsewhere (a logout, possibly of every device, a password
   * change on another device, or the account's deletion). The token is dead and the password the
   * client holds may be too, so the client does not reconnect: it reports this to {@link
   * ChatListener#onFailure} and closes. Not reported when this client itself ended the session
   * ({@link ChatClient#logout()}, {@link ChatClient#logoutEverywhere()}, {@link
   * ChatClient#deleteAccount}).
   */
  public static final class SignedOutException extends ChatClientException {
    /** Why, from the close frame's reason. */
    public enum Reason {
      /** {@code "logged out"}: this token, or every token of the user, was revoked. */
      LOGGED_OUT("logged out"),
      /** {@code "password changed"}: on another device; log in with the new password. */
      PASSWORD_CHANGED("password changed"),
      /** {@code "account deleted"}: the account is gone; its name stays taken. */
      ACCOUNT_DELETED("account deleted");

      private final String closeReason;

      Reason(String closeReason) {
        this.closeReason = closeReason;
      }

      /** The reason of the server's close frame. */
      public String closeReason() {
        return closeReason;
      }
    }

    private final Reason reason;

    public SignedOutException(Reason reason) {
      super("signed out by the server: " + reason.closeReason());
      this.reason = reason;
    }

    public Reason reason() {
      return reason;
    }

    /** The exception for a server's close, or null if the close does not end the session. */
    static SignedOutException fromClose(int code, String closeReason) {
      if (code != 1008 || closeReason == null) {
        return null;
      }
      String wanted = closeReason.strip().toLowerCase(Locale.ROOT);
      for (Reason r : Reason.values()) {
        if (r.closeReason.equals(wanted)) {
          return new SignedOutException(r);
        }
      }
      return null; // auth timeout, flood, slow consumer, …: reconnecting helps
    }
  }
}
