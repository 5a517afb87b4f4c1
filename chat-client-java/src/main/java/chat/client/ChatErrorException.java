package chat.client;

import static java.util.Objects.requireNonNull;

import chat.protocol.ErrorCode;

/** The server answered a request with an {@code error}: {@link #code()} says which. */
public final class ChatErrorException extends ChatClientException {
  private final ErrorCode code;
  private final Long retryAfterMs;

  public ChatErrorException(ErrorCode code, String message, Long retryAfterMs) {
    super(code.wireName() + ": " + message);
    this.code = requireNonNull(code, "code is null");
    this.retryAfterMs = retryAfterMs;
  }

  public ErrorCode code() {
    return code;
  }

  /** For {@link ErrorCode#RATE_LIMITED}: how long to wait before trying again; else null. */
  public Long retryAfterMs() {
    return retryAfterMs;
  }
}
