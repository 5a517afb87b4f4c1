package chat.core.cluster;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Who is online across every node. A single server answers from its own sessions; a cluster
 * keeps each node's count of sessions per user in Redis, and a node that stops heart-beating
 * (killed, cut off) has its users counted out within about 30 seconds.
 *
 * <p>The first-and-last answers decide the {@code presence} events, so a user on three nodes is
 * announced online once and offline once.
 */
public interface Presence {
  /** A session of {@code user} signed in on this node; true if the user was offline everywhere. */
  boolean signedIn(String user);

  /** A session of {@code user} on this node closed; true if the user is now offline everywhere. */
  boolean signedOut(String user);

  /** Whether {@code user} has a session on any node. */
  boolean isOnline(String user);

  /**
   * Those of {@code users} who have a session on any node: a room's member list asks for all
   * its members at once. Implementations that ask a shared store should ask for all of them in
   * one go; this default asks one by one.
   */
  default Set<String> onlineAmong(Collection<String> users) {
    Set<String> online = new HashSet<>();
    for (String user : users) {
      if (isOnline(user)) {
        online.add(user);
      }
    }
    return online;
  }

  /**
   * Starts heart-beating for this node and watching the others: {@code wentOffline} is called
   * (on a thread of the implementation's) for each user who went offline because their last
   * node died, once across the cluster; {@code cameBack} for each user of this node who is
   * online again because this node was counted out while it was alive (paused past the time to
   * live, or the shared store lost its data) and has now counted its sessions in again.
   */
  void start(Consumer<String> wentOffline, Consumer<String> cameBack);

  /** Stops heart-beating; this node's sessions are counted out. */
  void stop();
}
