package chat.core;

import chat.core.cluster.Presence;
import jakarta.inject.Inject;
import java.util.function.Consumer;

/**
 * Presence on a single server: its own sessions say it all. The core asks only on a user's
 * first and last session here, so both answers are yes.
 */
final class LocalPresence implements Presence {
  private final SessionRegistry registry;

  @Inject
  LocalPresence(SessionRegistry registry) {
    this.registry = registry;
  }

  @Override
  public boolean signedIn(String user) {
    return true;
  }

  @Override
  public boolean signedOut(String user) {
    return true;
  }

  @Override
  public boolean isOnline(String user) {
    return registry.isOnline(user);
  }

  @Override
  public void start(Consumer<String> wentOffline, Consumer<String> cameBack) {}

  @Override
  public void stop() {}
}
