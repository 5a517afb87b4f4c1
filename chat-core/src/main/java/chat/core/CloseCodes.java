package chat.core;

/** WebSocket close codes as PROTOCOL.md uses them. */
public final class CloseCodes {
  public static final int NORMAL = 1000;
  /** Server shutting down. */
  public static final int GOING_AWAY = 1001;
  /** Binary frame. */
  public static final int UNSUPPORTED_DATA = 1003;
  /** Invalid UTF-8. */
  public static final int INVALID_PAYLOAD = 1007;
  /** Auth timeout, logged out, flood, slow consumer, origin refused. */
  public static final int POLICY_VIOLATION = 1008;
  /** Frame too big. */
  public static final int TOO_BIG = 1009;
  /** Server fault. */
  public static final int SERVER_ERROR = 1011;
  /**
   * Service restart: the server node cannot vouch that this connection saw everything (it lost
   * touch with the other nodes); reconnect and catch up.
   */
  public static final int SERVICE_RESTART = 1012;

  private CloseCodes() {}
}
