package chat.protocol;

import java.util.Locale;

/** The error codes of PROTOCOL.md; {@link #wireName()} is what goes on the wire. */
public enum ErrorCode {
  BAD_REQUEST,
  UNAUTHORIZED,
  FORBIDDEN,
  NOT_FOUND,
  CONFLICT,
  RATE_LIMITED,
  TOO_LARGE,
  INTERNAL;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  public String wireName() {
    return wireName;
  }

  /** Returns the code for a wire name, or {@link #INTERNAL} for a code this version does not know. */
  public static ErrorCode fromWire(String wireName) {
    for (ErrorCode code : values()) {
      if (code.wireName.equals(wireName)) {
        return code;
      }
    }
    return INTERNAL;
  }
}
