package chat.core;

/** Hashes and checks passwords. The stored form carries its algorithm, cost and salt. */
public interface PasswordHasher {

  /** A new salted hash of {@code password}. Slow on purpose. */
  String hash(String password);

  /** Whether {@code password} matches {@code stored}, in time independent of where they differ. */
  boolean verify(String password, String stored);
}
