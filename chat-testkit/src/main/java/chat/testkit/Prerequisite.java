package chat.testkit;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The policy of tests that need something from the machine (PostgreSQL's binaries,
 * redis-server): where it is missing they are skipped, with a reason that says what to install,
 * so that a developer's build passes without it; a build that sets {@code -DPROPERTY=true} (CI
 * does) fails instead, so that the tests cannot be skipped there unnoticed.
 *
 * <p>For tests only: it needs JUnit, which this module does not pass on to its users (chat-bench
 * runs without it).
 */
public final class Prerequisite {
  private Prerequisite() {}

  /**
   * What {@code found} holds; if nothing, an {@link IllegalStateException} when the system
   * property {@code requiredProperty} is true, else an aborted (skipped) test.
   *
   * @param missing what was not found, and where it was looked for, and how to install it
   * @param tests whose tests are skipped, for the skip's reason ("PostgreSQL", "Redis")
   */
  public static <T> T require(Optional<T> found, String missing, String tests,
      String requiredProperty) {
    if (found.isPresent()) {
      return found.get();
    }
    if (Boolean.getBoolean(requiredProperty)) {
      throw new IllegalStateException(missing + ", and " + requiredProperty + " is true");
    }
    return Assumptions.abort(missing + ": " + tests + " tests skipped (-D" + requiredProperty
        + "=true makes this a failure)");
  }
}
