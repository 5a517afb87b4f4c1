package chat.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the {@link AccountStore} contract tests stand on: a fresh, empty, ready store per test,
 * supplied by a subclass, which also says how to reopen it on the same data (or aborts the
 * durability tests with an assumption); and the helpers the tests share.
 */
public abstract class AccountStoreFixture {
  protected static final ConvId GENERAL = ConvId.room("general");
  protected static final ConvId ALICE_BOB = ConvId.direct("alice", "bob");

  /** The store under test; {@link #reopenAccountStore} replaces it. */
  protected AccountStore accounts;

  /** A new, empty, ready store; each call gives a different store. */
  protected abstract AccountStore newAccountStore() throws Exception;

  /**
   * Closes {@link #accounts} cleanly and opens the same data again, as after a restart. A store
   * that keeps nothing across restarts aborts the calling test with an assumption.
   */
  protected abstract AccountStore reopenAccountStore() throws Exception;

  @BeforeEach
  void createStore() throws Exception {
    accounts = newAccountStore();
  }

  static Room publicRoom(String name) {
    return new Room(name, "about " + name, false, 1_000L);
  }

  static Room privateRoom(String name) {
    return new Room(name, "secret " + name, true, 2_000L);
  }

  List<String> memberNames(String room) {
    return accounts.members(room).stream().map(Membership::user).collect(Collectors.toList());
  }

  static List<String> names(List<Room> rooms) {
    return rooms.stream().map(Room::name).collect(Collectors.toList());
  }

  /** Runs {@code task} on {@code threads} threads at once; returns their results. */
  static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          go.await();
          return task.call();
        }));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(10, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
