package chat.core;

import chat.core.store.AccountStore;
import chat.protocol.Request;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who has blocked whom. While either of two users has blocked the other, neither can send to
 * their direct conversation and neither gets the other's typing or presence; room messages are
 * delivered as ever (clients hide them).
 *
 * <p>Typing and presence ask for every receiver, so each user's blocked set is kept in memory
 * once read. This service is the only one that changes blocks while the server runs (an account's
 * deletion drops the deleted user's own, which nobody asks about again), so the cache is exact
 * in one process; {@link #forget} drops it when an operator changed the store from outside.
 */
@Singleton
final class Blocks {
  private final AccountStore accounts;
  private final Access access;
  private final NodeLink link;
  private final Map<String, Set<String>> blockedBy = new ConcurrentHashMap<>();
  /** Bumped by every change: a set read under an older version is used but not kept. */
  private final AtomicLong version = new AtomicLong();

  @Inject
  Blocks(AccountStore accounts, Access access, NodeLink link) {
    this.link = link;
    this.accounts = accounts;
    this.access = access;
  }

  void block(String user, Request.Block r) throws ChatException {
    String target = access.existingUser(r.user(), "user");
    if (target.equals(user)) {
      throw ChatException.badRequest("user: you cannot block yourself");
    }
    accounts.block(user, target);
    changed(user);
  }

  void unblock(String user, Request.Unblock r) throws ChatException {
    String target = access.existingUser(r.user(), "user");
    accounts.unblock(user, target);
    changed(user);
  }

  Result.Users list(String user) {
    return new Result.Users(accounts.blockedBy(user));
  }

  /** Whether either of the two has blocked the other. */
  boolean between(String a, String b) {
    return blockedSet(a).contains(b) || blockedSet(b).contains(a);
  }

  private Set<String> blockedSet(String user) {
    Set<String> set = blockedBy.get(user);
    if (set == null) {
      long seen = version.get();
      set = Set.copyOf(accounts.blockedBy(user));
      synchronized (this) {
        if (version.get() == seen) {
          blockedBy.putIfAbsent(user, set);
        }
      }
    }
    return set;
  }

  private void changed(String user) {
    changedElsewhere(user);
    link.publish(NodeLink.BLOCKS, o -> o.addProperty("u", user));
  }

  /** {@code user}'s blocks changed (here or on another node): read them again when asked. */
  synchronized void changedElsewhere(String user) {
    version.incrementAndGet();
    blockedBy.remove(user);
  }

  synchronized void forget() {
    version.incrementAndGet();
    blockedBy.clear();
  }
}
