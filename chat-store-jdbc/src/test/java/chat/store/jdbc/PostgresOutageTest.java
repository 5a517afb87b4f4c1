package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoredMessage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL crashes under a running store (fsync on, as in production): every acknowledged
 * message is still there after its recovery, appends during the outage fail and leave nothing,
 * and the same store serves again once the server is back, without being restarted itself. And
 * PostgreSQL hangs (every process stopped, connections open, nothing answers): the socket
 * timeout fails appends and reads within a bounded time instead of never.
 */
class PostgresOutageTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.durable();
  private static final ConvId GENERAL = ConvId.room("general");

  private OpenPostgres store;

  @AfterEach
  void close() throws Exception {
    postgres.resume();
    if (!postgres.isRunning()) {
      postgres.start();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aCrashLosesNothingAckedAndTheStoreServesAgainOnceTheServerIsBack() throws Exception {
    store = OpenPostgres.open(postgres.newDatabase());
    List<RecordingAppendListener> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RecordingAppendListener l = new RecordingAppendListener();
      store.messages.append(new NewMessage(GENERAL, "alice", "before " + i, "b" + i, i), l);
      sent.add(l);
    }
    List<StoredMessage> acked = new ArrayList<>();
    sent.forEach(l -> acked.add(l.awaitStored()));
    store.accounts.createUser("alice", "hash", 1L);

    postgres.crash();

    RecordingAppendListener during = new RecordingAppendListener();
    store.messages.append(new NewMessage(GENERAL, "alice", "during", "d1", 1L), during);
    assertNotNull(during.awaitFailed(), "an append while the database is down fails");
    assertThrows(StoreException.class, () -> store.accounts.passwordHash("alice"));
    assertFalse(store.database.isReachable(1));

    postgres.start();
    long back = System.nanoTime();
    StoredMessage after = null;
    while (after == null && System.nanoTime() - back < 10_000_000_000L) {
      RecordingAppendListener l = new RecordingAppendListener();
      store.messages.append(new NewMessage(GENERAL, "alice", "after", "a1", 2L), l);
      RecordingAppendListener.Outcome o = l.await();
      after = o.message();
    }
    assertNotNull(after, "serving again within 10 s of the database being back");
    assertTrue(store.database.isReachable(1));

    assertEquals(201, after.seq(), "nothing of the failed append was kept, no seq was lost");
    assertEquals(acked, store.messages.after(GENERAL, 0, 200), "every acked message");
    assertEquals("hash", store.accounts.passwordHash("alice").orElseThrow());
  }

  /**
   * A short socket timeout through the URL (3 s instead of 30: the operator's parameter wins),
   * so that the test's bound is well under the default. A query under way when the server
   * hangs is what only the socket timeout ends (a connection taken from the pool later fails
   * its validity check anyway); an append then fails too, and nothing of it is kept.
   */
  @Test
  void aHungServerFailsWorkWithinTheSocketTimeoutAndTheStoreServesOnceItAnswers()
      throws Exception {
    String url = postgres.newDatabase();
    store = OpenPostgres.open(url + "&socketTimeout=3&connectTimeout=2");
    RecordingAppendListener first = new RecordingAppendListener();
    store.messages.append(new NewMessage(GENERAL, "alice", "before", "b1", 1L), first);
    StoredMessage before = first.awaitStored();

    CompletableFuture<Long> query = CompletableFuture.supplyAsync(() -> store.database.read(
        c -> Sql.queryLong(c, "SELECT count(*) FROM pg_sleep(2)"))); // answers in 2 s...
    try (Connection watcher = DriverManager.getConnection(url)) {
      awaitActive(watcher, "pg_sleep(2)");
    }
    postgres.pause(); // ...unless the server hangs meanwhile
    try {
      long start = System.nanoTime();
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> query.get(PostgresDatabase.SOCKET_TIMEOUT_S, TimeUnit.SECONDS));
      assertInstanceOf(StoreException.class, failed.getCause());
      RecordingAppendListener during = new RecordingAppendListener();
      store.messages.append(new NewMessage(GENERAL, "alice", "during", "d1", 2L), during);
      assertNotNull(during.awaitFailed(), "an append while the database hangs fails");
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      assertTrue(seconds < PostgresDatabase.SOCKET_TIMEOUT_S,
          "failed after " + seconds + " s: the URL's socket timeout, not the default");
    } finally {
      postgres.resume();
    }

    long back = System.nanoTime();
    StoredMessage after = null;
    while (after == null && System.nanoTime() - back < 10_000_000_000L) {
      RecordingAppendListener l = new RecordingAppendListener();
      store.messages.append(new NewMessage(GENERAL, "alice", "after", "a1", 3L), l);
      after = l.await().message();
    }
    assertNotNull(after, "serving again within 10 s of the database answering again");
    assertEquals(2, after.seq(), "nothing of the failed append was kept, no seq was lost");
    assertEquals(List.of(before, after), store.messages.after(GENERAL, 0, 10));
  }

  /** Waits (bounded) until another session runs a query containing {@code text}. */
  private static void awaitActive(Connection watcher, String text) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (Sql.queryLong(watcher, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
        + " AND pid <> pg_backend_pid() AND position(? IN query) > 0", text) == 0) {
      assertTrue(System.nanoTime() < deadline, "the query never started");
      Thread.sleep(10); // polling the server's view of the other session
    }
  }

  /** The socket timeout is 30 s by default, the URL's if it sets one; slow work sets its own. */
  @Test
  void theSocketTimeoutIsTheDefaultUnlessTheUrlSetsOne() throws Exception {
    String url = postgres.newDatabase();
    store = OpenPostgres.open(url);
    assertEquals(PostgresDatabase.SOCKET_TIMEOUT_S * 1000,
        store.database.<Integer>read(c -> c.getNetworkTimeout()));
    assertEquals(0, store.database.<Integer>withSocketTimeout(0, c -> c.getNetworkTimeout()));
    assertEquals(PostgresDatabase.SOCKET_TIMEOUT_S * 1000,
        store.database.<Integer>read(c -> c.getNetworkTimeout()), "back to the default after");
    store.close();
    store = OpenPostgres.open(url + "&socketTimeout=7");
    assertEquals(7000, store.database.<Integer>read(c -> c.getNetworkTimeout()));
  }
}
