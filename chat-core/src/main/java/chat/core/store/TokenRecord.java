package chat.core.store;

import static java.util.Objects.requireNonNull;

/** A login token as stored: only its hash, the user it logs in, and when it expires (ms). */
public record TokenRecord(String tokenHash, String user, long expiresAt) {
  public TokenRecord {
    requireNonNull(tokenHash, "tokenHash is null");
    requireNonNull(user, "user is null");
  }
}
