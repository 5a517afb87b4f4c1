package chat.core.store;

/**
 * Whether the store answers now, for a health check ({@code /healthz}). An embedded store is
 * there as long as the process is: {@link #ALWAYS}, the default binding. A networked one
 * (PostgreSQL) is not while its server is down or unreachable. Must be quick: it may answer
 * from a recent check instead of asking each time.
 */
@FunctionalInterface
public interface StoreHealth {
  StoreHealth ALWAYS = () -> true;

  boolean isAvailable();
}
