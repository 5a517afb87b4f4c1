package chat.protocol;

/**
 * The limits a server advertises in its {@code hello} frame. Every value is positive.
 *
 * @param maxFrameBytes largest text frame accepted, fragments counted together
 * @param maxTextChars longest message text, in Unicode code points
 * @param historyMax largest {@code limit} a history request may ask for
 * @param sendPerSecond sustained sends per second per user
 * @param sendBurst token bucket size for sends
 * @param authTimeoutMs how long a new connection may take to authenticate
 * @param requestsPerSecond frames per second a connection may send before it is closed as a flood
 * @param requestBurst token bucket size for {@code requestsPerSecond}
 * @param maxUploadBytes largest file a user may upload ({@code POST /files})
 */
public record Limits(
    int maxFrameBytes,
    int maxTextChars,
    int historyMax,
    int sendPerSecond,
    int sendBurst,
    long authTimeoutMs,
    int requestsPerSecond,
    int requestBurst,
    long maxUploadBytes) {

  public static final int DEFAULT_REQUESTS_PER_SECOND = 50;
  public static final int DEFAULT_REQUEST_BURST = 100;
  /** 10 MiB. */
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L << 20;

  public static final Limits DEFAULTS = new Limits(65_536, 4_000, 200, 10, 30, 10_000,
      DEFAULT_REQUESTS_PER_SECOND, DEFAULT_REQUEST_BURST, DEFAULT_MAX_UPLOAD_BYTES);

  /** The limits of a server that does not advertise an upload limit: the default one. */
  public Limits(int maxFrameBytes, int maxTextChars, int historyMax, int sendPerSecond,
      int sendBurst, long authTimeoutMs, int requestsPerSecond, int requestBurst) {
    this(maxFrameBytes, maxTextChars, historyMax, sendPerSecond, sendBurst, authTimeoutMs,
        requestsPerSecond, requestBurst, DEFAULT_MAX_UPLOAD_BYTES);
  }

  /** The limits of a first-round server, which did not advertise its flood limit. */
  public Limits(int maxFrameBytes, int maxTextChars, int historyMax, int sendPerSecond,
      int sendBurst, long authTimeoutMs) {
    this(maxFrameBytes, maxTextChars, historyMax, sendPerSecond, sendBurst, authTimeoutMs,
        DEFAULT_REQUESTS_PER_SECOND, DEFAULT_REQUEST_BURST);
  }

  public Limits {
    requirePositive(maxFrameBytes, "maxFrameBytes");
    requirePositive(maxTextChars, "maxTextChars");
    requirePositive(historyMax, "historyMax");
    requirePositive(sendPerSecond, "sendPerSecond");
    requirePositive(sendBurst, "sendBurst");
    requirePositive(authTimeoutMs, "authTimeoutMs");
    requirePositive(requestsPerSecond, "requestsPerSecond");
    requirePositive(requestBurst, "requestBurst");
    requirePositive(maxUploadBytes, "maxUploadBytes");
  }

  private static void requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
