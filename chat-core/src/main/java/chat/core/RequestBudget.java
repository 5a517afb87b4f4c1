package chat.core;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * One signed-in user's budget of requests over all its connections ({@link
 * ChatConfig.UserLimits#requestsPerSecond}, a burst of {@link ChatConfig.UserLimits#requestBurst}),
 * for the kinds with no per-user limit of their own. A request costs one; one whose answer lists
 * as much as the user has (their conversations, a room's members) costs one more per {@link
 * #ENTRIES_PER_TOKEN} entries, so that asking it again and again is bounded by what it costs the
 * server, not by how often it comes.
 */
@Singleton
final class RequestBudget {
  private static final String KIND = "requests";
  /** Entries of a listing that cost as much as one request. */
  static final int ENTRIES_PER_TOKEN = 100;

  private final LocalLimits limits;
  private final double perSecond;
  private final int burst;

  @Inject
  RequestBudget(LocalLimits limits, ChatConfig config) {
    this.limits = limits;
    this.perSecond = config.userLimits().requestsPerSecond();
    this.burst = config.userLimits().requestBurst();
  }

  /** Takes one request's token, or refuses with {@code rate_limited}. */
  void take(String user) throws ChatException {
    refuseIf(limits.tryTake(KIND, user, perSecond, burst));
  }

  /**
   * Takes what listing {@code entries} costs beyond the request itself (at most the whole
   * burst), or refuses with {@code rate_limited}; nothing for fewer than {@link
   * #ENTRIES_PER_TOKEN}.
   */
  void takeForListing(String user, int entries) throws ChatException {
    int cost = Math.min(entries / ENTRIES_PER_TOKEN, burst);
    if (cost > 0) {
      refuseIf(limits.tryTake(KIND, user, perSecond, burst, cost));
    }
  }

  private static void refuseIf(long waitMs) throws ChatException {
    ChatException.refuseIfWaiting(waitMs, "too many requests from your connections");
  }
}
