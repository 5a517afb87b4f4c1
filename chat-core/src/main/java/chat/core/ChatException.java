package chat.core;

import chat.protocol.ErrorCode;

/**
 * A request that fails with a protocol error; becomes an {@code error} reply (or, for the HTTP
 * side of files, an HTTP status).
 */
public class ChatException extends Exception {
  private final ErrorCode code;
  private final Long retryAfterMs;

  /**
   * Also for implementations of this package's service interfaces elsewhere (a {@link
   * FileService} of an embedding application, a test's), which must refuse with these codes.
   */
  public ChatException(ErrorCode code, String message) {
    this(code, message, null);
  }

  ChatException(ErrorCode code, String message, Long retryAfterMs) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  public ErrorCode code() {
    return code;
  }

  /** For {@link ErrorCode#RATE_LIMITED}: how long to wait; else null. */
  public Long retryAfterMs() {
    return retryAfterMs;
  }

  static ChatException badRequest(String message) {
    return new ChatException(ErrorCode.BAD_REQUEST, message);
  }

  static ChatException forbidden(String message) {
    return new ChatException(ErrorCode.FORBIDDEN, message);
  }

  static ChatException notFound(String message) {
    return new ChatException(ErrorCode.NOT_FOUND, message);
  }

  /**
   * Refuses with {@code rate_limited} and {@code message} if {@code waitMs} (a bucket's answer:
   * 0 when a token was taken, else how long until one is there) says to wait.
   */
  static void refuseIfWaiting(long waitMs, String message) throws ChatException {
    if (waitMs > 0) {
      throw new ChatException(ErrorCode.RATE_LIMITED, message, waitMs);
    }
  }
}
