package chat.core;

import chat.core.store.AccountStore;
import chat.protocol.Request;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
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
 *
 * <p>Each block or unblock that changes something is a write to the store and, in a cluster, a
 * message to every node, so a user may make {@link #CHANGES_PER_MINUTE} of them a minute (a burst
 * of {@link #CHANGE_BURST}: enough to block a raid's accounts at once) and hold at most {@link
 * #MAX_BLOCKED}; blocking someone blocked, or unblocking someone not, changes nothing and is free.
 */
@Singleton
final class Blocks {
  static final int MAX_BLOCKED = 1_000;
  static final int CHANGES_PER_MINUTE = 60;
  static final int CHANGE_BURST = 100;

  private final AccountStore accounts;
  private final Access access;
  private final NodeLink link;
  private final LocalLimits limits;
  private final RequestBudget budget;
  private final Map<String, Set<String>> blockedBy = new ConcurrentHashMap<>();
  /** Bumped by every change: a set read under an older version is used but not kept. */
  private final AtomicLong version = new AtomicLong();

  @Inject
  Blocks(AccountStore accounts, Access access, NodeLink link, LocalLimits limits,
      RequestBudget budget) {
    this.limits = limits;
    this.budget = budget;
    this.link = link;
    this.accounts = accounts;
    this.access = access;
  }

  void block(String user, Request.Block r) throws ChatException {
    String target = access.existingUser(r.user(), "user");
    if (target.equals(user)) {
      throw ChatException.badRequest("user: you cannot block yourself");
    }
    // The store's list, not the cache: another node may have changed it a moment ago.
    List<String> blocked = accounts.blockedBy(user);
    if (blocked.contains(target)) {
      return;
    }
    if (blocked.size() >= MAX_BLOCKED) {
      throw ChatException.forbidden("you have blocked " + blocked.size()
          + " users, the most one may; unblock some first");
    }
    takeChange(user);
    accounts.block(user, target);
    changed(user);
  }

  void unblock(String user, Request.Unblock r) throws ChatException {
    String target = access.existingUser(r.user(), "user");
    if (!accounts.blockedBy(user).contains(target)) {
      return;
    }
    takeChange(user);
    accounts.unblock(user, target);
    changed(user);
  }

  Result.Users list(String user) throws ChatException {
    List<String> blocked = accounts.blockedBy(user);
    budget.takeForListing(user, blocked.size());
    return new Result.Users(blocked);
  }

  private void takeChange(String user) throws ChatException {
    long waitMs = limits.tryTake("block", user, CHANGES_PER_MINUTE / 60.0, CHANGE_BURST);
    ChatException.refuseIfWaiting(waitMs, "blocking and unblocking too fast");
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
