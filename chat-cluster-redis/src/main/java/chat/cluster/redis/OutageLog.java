package chat.cluster.redis;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Logs a Redis outage once at WARN, when the first command fails, and its end once at INFO, so
 * an outage of any length costs two lines rather than one per command or retry.
 */
final class OutageLog {
  private final Logger log;
  private final String what;
  private final String meanwhile;
  private final AtomicBoolean down = new AtomicBoolean();

  /**
   * @param what who is talking to Redis, e.g. "Presence"
   * @param meanwhile what happens while Redis is unreachable, for the WARN line
   */
  OutageLog(Logger log, String what, String meanwhile) {
    this.log = log;
    this.what = what;
    this.meanwhile = meanwhile;
  }

  void failed(Redis redis, Throwable failure) {
    if (down.compareAndSet(false, true)) {
      log.warn("{}: Redis at {} unreachable ({}): {}", what, redis, describe(failure), meanwhile);
    }
  }

  void succeeded(Redis redis) {
    if (down.compareAndSet(true, false)) {
      log.info("{}: Redis at {} reachable again", what, redis);
    }
  }

  boolean isDown() {
    return down.get();
  }

  /** The innermost cause of {@code failure}: Lettuce's "unable to connect" wraps the reason. */
  static String describe(Throwable failure) {
    if (failure == null) {
      return "no connection";
    }
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.toString();
  }
}
