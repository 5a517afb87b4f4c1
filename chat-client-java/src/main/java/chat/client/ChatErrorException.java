package chat.client;

import static java.util.Objects.requireNonNull;

import chat.protocol.ErrorCode;

/**
 * The server refused a request with an {@code error}: {@link #code()} says which (see the
 * protocol's error codes). The message is {@code "<code>: <server's message>"}.
 */
public final class ChatErrorException extends ChatClientException {
  private final ErrorCode code;
  private final Long retryAfterMs;

  public ChatErrorException(ErrorCode code, String message, Long retryAfterMs) {
    super(requireNonNull(code, "code is null").wireName() + ": " + message);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  public ErrorCode code() {
    return code;
  }

  /** For {@link ErrorCode#RATE_LIMITED}: how long to wait before trying again, in ms; else null. */
  public Long retryAfterMs() {
    return retryAfterMs;
  }
}
