package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background WAL checkpointer: under a steady stream of commits the WAL file stays near its
 * restart size and the writer never checkpoints, a failing checkpoint is retried without ending
 * the thread, and when the checkpointer cannot keep up the writer bounds the WAL itself.
 *
 * <p>Each test writes 20,000 messages over 200 conversations in batches of at most 100: some
 * 200 commits which, without any checkpoint, leave a WAL of tens of MiB (about 58 here;
 * {@link #withoutCheckpointsTheWalGrows} shows it), so the 8 MiB bounds below can fail.
 */
class WalCheckpointerTest {
  private static final int MESSAGES = 20_000;
  private static final int CONVERSATIONS = 200;
  private static final int MAX_BATCH = 100;
  /** 256 frames: a 1 MiB WAL before the checkpointer holds the writer off to restart it. */
  private static final int RESTART_FRAMES = 256;
  private static final long MIB = 1 << 20;

  @TempDir
  Path dir;

  private static WalCheckpointer.Config config(int restartFrames, long hardLimitBytes,
      WalCheckpointer.Hooks hooks) {
    return new WalCheckpointer.Config(restartFrames, hardLimitBytes, 1, 5, hooks);
  }

  /** Opens a database with {@code config}, appends the load, returns it still open. */
  private SqliteDatabase load(WalCheckpointer.Config config) throws Exception {
    SqliteDatabase db = new SqliteDatabase(dir, 2, Migrations.ALL, config);
    SqliteMessageStore messages =
        new SqliteMessageStore(db, 10_000, MAX_BATCH, WriterHooks.NONE);
    db.open();
    messages.start();
    try {
      appendMany(messages);
    } finally {
      messages.stop();
    }
    assertTrue(messages.commitCount() >= MESSAGES / MAX_BATCH, "many commits");
    return db;
  }

  private static void appendMany(SqliteMessageStore messages) throws InterruptedException {
    Semaphore window = new Semaphore(2_000);
    CountDownLatch done = new CountDownLatch(MESSAGES);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AppendListener listener = new AppendListener() {
      @Override
      public void stored(StoredMessage message, boolean duplicate) {
        window.release();
        done.countDown();
      }

      @Override
      public void failed(Throwable cause) {
        failure.compareAndSet(null, cause);
        window.release();
        done.countDown();
      }
    };
    for (int i = 0; i < MESSAGES; i++) {
      assertTrue(window.tryAcquire(30, TimeUnit.SECONDS), "appends are being acknowledged");
      messages.append(new NewMessage(ConvId.room("r" + (i % CONVERSATIONS)), "alice",
          "message number " + i + " of the WAL test", "c" + i, 1L), listener);
    }
    assertTrue(done.await(60, TimeUnit.SECONDS), "every append acknowledged");
    assertNull(failure.get(), "no append failed");
  }

  private long walBytes(SqliteDatabase db) throws Exception {
    return Files.size(db.walFile());
  }

  /** The control: with no checkpoint before close, the same load leaves a WAL over 16 MiB. */
  @Test
  void withoutCheckpointsTheWalGrows() throws Exception {
    SqliteDatabase db = load(config(Integer.MAX_VALUE, Long.MAX_VALUE, new WalCheckpointer.Hooks() {
      @Override
      public void checkpointing() throws SQLException {
        throw new SQLException("checkpoints disabled for this test");
      }
    }));
    try {
      assertTrue(walBytes(db) > 16 * MIB, "WAL of " + walBytes(db) + " bytes");
      assertEquals(0, db.writerCheckpoints());
    } finally {
      db.close();
    }
    assertTrue(Files.notExists(db.walFile()), "a clean close still removes the WAL");
  }

  /**
   * With the checkpointer running, the WAL restarts again and again: its file stays within a
   * few MiB of the restart size, and the writer never had to checkpoint.
   */
  @Test
  void backgroundCheckpointsKeepTheWalSmall() throws Exception {
    SqliteDatabase db = load(config(RESTART_FRAMES, 64 * MIB, WalCheckpointer.Hooks.NONE));
    try {
      long wal = walBytes(db);
      assertTrue(wal < 8 * MIB, "WAL of " + wal + " bytes");
      assertEquals(0, db.writerCheckpoints(), "the writer never checkpointed");
      WalCheckpointer cp = db.checkpointer();
      assertTrue(cp.lockedRounds() > 0, "rounds held the writer off to restart the WAL");
      assertEquals(0, cp.failures());
    } finally {
      db.close();
    }
    assertTrue(Files.notExists(db.walFile()), "a clean close removes the WAL");
    SqliteDatabase again = new SqliteDatabase(dir);
    again.open();
    try {
      long rows = again.read(c -> {
        try (var s = c.createStatement();
            var rs = s.executeQuery("SELECT count(*), sum(last_seq) FROM conversations")) {
          rs.next();
          assertEquals(CONVERSATIONS, rs.getLong(1));
          return rs.getLong(2);
        }
      });
      assertEquals(MESSAGES, rows, "every message is in the file");
    } finally {
      again.close();
    }
  }

  /** Failing rounds (SQL errors, a runtime exception) are retried; the thread lives on. */
  @Test
  void checkpointerSurvivesFailures() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch succeeded = new CountDownLatch(3);
    WalCheckpointer.Hooks hooks = new WalCheckpointer.Hooks() {
      @Override
      public void checkpointing() throws SQLException {
        int n = calls.incrementAndGet();
        if (n <= 3) {
          throw new SQLException("injected checkpoint failure " + n);
        }
        if (n == 4) {
          throw new IllegalStateException("injected runtime failure");
        }
      }

      @Override
      public void checkpointed(WalCheckpointer.Result result) {
        succeeded.countDown();
      }
    };
    SqliteDatabase db = load(config(RESTART_FRAMES, 64 * MIB, hooks));
    try {
      // A failed round retries on its own, so this does not need more writes.
      assertTrue(succeeded.await(10, TimeUnit.SECONDS), "checkpoints succeed after failures");
      WalCheckpointer cp = db.checkpointer();
      assertEquals(4, cp.failures());
      assertTrue(cp.isAlive(), "the checkpointer thread is still running");
      assertTrue(walBytes(db) < 8 * MIB, "WAL of " + walBytes(db) + " bytes");
      assertEquals(0, db.writerCheckpoints());
    } finally {
      db.close();
    }
    assertTrue(Files.notExists(db.walFile()));
  }

  /**
   * A checkpointer that always fails cannot bound the WAL: past the hard limit the writer
   * checkpoints itself, so the file stays near that limit instead of growing with every commit.
   */
  @Test
  void writerCheckpointsPastTheHardLimit() throws Exception {
    long hardLimit = 4 * MIB;
    SqliteDatabase db = load(config(RESTART_FRAMES, hardLimit, new WalCheckpointer.Hooks() {
      @Override
      public void checkpointing() throws SQLException {
        throw new SQLException("the checkpointer is broken");
      }
    }));
    try {
      long wal = walBytes(db);
      assertTrue(wal < hardLimit + 4 * MIB, "WAL of " + wal + " bytes");
      assertTrue(db.writerCheckpoints() > 0, "the writer checkpointed");
      WalCheckpointer cp = db.checkpointer();
      assertTrue(cp.failures() > 0);
      assertTrue(cp.isAlive(), "a failing checkpointer keeps retrying");
    } finally {
      db.close();
    }
  }
}
