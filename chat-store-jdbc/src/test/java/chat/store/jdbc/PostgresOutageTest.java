package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL crashes under a running store (fsync on, as in production): every acknowledged
 * message is still there after its recovery, appends during the outage fail and leave nothing,
 * and the same store serves again once the server is back, without being restarted itself.
 */
class PostgresOutageTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.durable();
  private static final ConvId GENERAL = ConvId.room("general");

  private OpenPostgres store;

  @AfterEach
  void close() throws Exception {
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
}
