package chat.core;

/** A monotonic clock in nanoseconds, for rate limits. Tests substitute a manual one. */
@FunctionalInterface
public interface Ticker {
  Ticker SYSTEM = System::nanoTime;

  long nanos();
}
