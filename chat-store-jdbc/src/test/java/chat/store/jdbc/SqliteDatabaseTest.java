package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database file: where it goes, its pragmas, read-only readers, open/close states. */
class SqliteDatabaseTest {
  @TempDir
  Path tmp;

  private static String pragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Opening creates missing directories and the file dataDir/chat.db. */
  @Test
  void openCreatesTheDataDirectory() throws Exception {
    Path dataDir = tmp.resolve("a").resolve("b");
    SqliteDatabase db = new SqliteDatabase(dataDir);
    assertFalse(Files.exists(dataDir), "nothing is touched before open()");
    db.open();
    try {
      assertTrue(Files.isRegularFile(dataDir.resolve("chat.db")));
      assertEquals(dataDir.resolve("chat.db"), db.file());
    } finally {
      db.close();
    }
  }

  /** WAL, synchronous=FULL (durable acks), a busy timeout and foreign keys, on every connection. */
  @Test
  void pragmasAreSet() throws Exception {
    SqliteDatabase db = new SqliteDatabase(tmp);
    db.open();
    try {
      for (boolean writer : new boolean[] {true, false}) {
        SqlWork<Void> check = c -> {
          assertEquals("wal", pragma(c, "journal_mode"));
          assertEquals("2", pragma(c, "synchronous"), "FULL");
          assertEquals("1", pragma(c, "foreign_keys"));
          assertEquals(Integer.toString(SqliteDatabase.BUSY_TIMEOUT_MS), pragma(c, "busy_timeout"));
          return null;
        };
        if (writer) {
          db.write(check);
        } else {
          db.read(check);
        }
      }
      assertEquals("0", db.write(c -> pragma(c, "wal_autocheckpoint")),
          "the writer leaves checkpoints to the checkpointer thread");
      assertEquals("0", db.write(c -> pragma(c, "query_only")));
      assertEquals("1", db.read(c -> pragma(c, "query_only")));
    } finally {
      db.close();
    }
  }

  /**
   * Kept statements hold no read of the database between reads: after reads, one of them by a
   * caller that left its result set open, a TRUNCATE checkpoint copies the whole WAL and empties
   * it, which a read connection still holding a snapshot would prevent.
   */
  @Test
  void keptStatementsLeaveTheWalFreeToBeEmptied() throws Exception {
    // The background checkpointer stays out of the way: a round of its own beside the test's
    // TRUNCATE would make that busy too. Its rounds fail before touching the database.
    WalCheckpointer.Hooks heldOff = new WalCheckpointer.Hooks() {
      @Override
      public void checkpointing() throws SQLException {
        throw new SQLException("held off by the test");
      }
    };
    long hour = 3_600_000;
    SqliteDatabase db = new SqliteDatabase(tmp, 1, Migrations.ALL,
        new WalCheckpointer.Config(4096, 64L << 20, hour, hour, heldOff));
    db.open();
    try {
      String insert = "INSERT INTO users (name, password_hash, created_at) VALUES (?, 'h', 1)";
      db.write(c -> Sql.update(c, insert, "ann"));
      assertEquals(Optional.of("ann"), db.read(c -> Sql.queryString(c,
          "SELECT name FROM users WHERE name = ?", "ann")));
      db.read(c -> {
        PreparedStatement ps = c.prepareStatement("SELECT name FROM users");
        ResultSet rs = ps.executeQuery();
        assertTrue(rs.next());
        ps.close(); // its result set left open
        return null;
      });
      db.write(c -> Sql.update(c, insert, "bob")); // a commit the old snapshot would not see
      WalCheckpointer.Result done = db.write(c -> WalCheckpointer.checkpoint(c, "TRUNCATE"));
      assertFalse(done.busy(), "a read connection still held a snapshot");
      assertEquals(0, Files.size(tmp.resolve(SqliteDatabase.FILE_NAME + "-wal")));
    } finally {
      db.close();
    }
  }

  /** A read compiles its statement once per read connection, not once per read. */
  @Test
  void readConnectionsKeepTheirStatementsCompiled() throws Exception {
    SqliteDatabase db = new SqliteDatabase(tmp, 1, Migrations.ALL);
    db.open();
    try {
      SqlWork<Long> readAndCount = c -> {
        assertEquals(Optional.empty(), Sql.queryString(c, "SELECT name FROM users WHERE name = ?",
            "nobody"));
        return CachingConnection.prepared(c);
      };
      long first = db.read(readAndCount);
      assertEquals(first, db.read(readAndCount));
      assertEquals(first, db.read(readAndCount));
    } finally {
      db.close();
    }
  }

  /** Read connections refuse to write. */
  @Test
  void readConnectionsCannotWrite() throws Exception {
    SqliteDatabase db = new SqliteDatabase(tmp);
    db.open();
    try {
      assertThrows(StoreException.class, () -> db.read(c -> {
        try (Statement s = c.createStatement()) {
          return s.executeUpdate("INSERT INTO users VALUES ('x', 'h', 1)");
        }
      }));
    } finally {
      db.close();
    }
  }

  /** The epoch is made with the file and read back the same after reopening. */
  @Test
  void epochIsKeptInTheFile() throws Exception {
    SqliteDatabase first = new SqliteDatabase(tmp);
    first.open();
    String epoch = first.epoch();
    first.close();
    SqliteDatabase second = new SqliteDatabase(tmp);
    second.open();
    try {
      assertEquals(epoch, second.epoch());
      assertTrue(epoch.matches("[0-9a-f]{32}"), epoch);
    } finally {
      second.close();
    }
    SqliteDatabase other = new SqliteDatabase(tmp.resolve("other"));
    other.open();
    try {
      assertFalse(epoch.equals(other.epoch()), "another file, another epoch");
    } finally {
      other.close();
    }
  }

  /** Use before open or after close is refused; open works once; close is idempotent. */
  @Test
  void statesAreEnforced() throws Exception {
    SqliteDatabase db = new SqliteDatabase(tmp);
    assertThrows(IllegalStateException.class, db::epoch);
    assertThrows(IllegalStateException.class, () -> db.read(c -> null));
    db.open();
    assertThrows(IllegalStateException.class, db::open);
    db.close();
    db.close();
    assertThrows(IllegalStateException.class, () -> db.write(c -> null));
    assertThrows(IllegalStateException.class, () -> db.read(c -> null));
    assertFalse(db.isOpen());
  }

  /** A clean close checkpoints the WAL into the database file and removes it. */
  @Test
  void cleanCloseLeavesNoWal() throws Exception {
    SqliteDatabase db = new SqliteDatabase(tmp);
    db.open();
    new SqliteAccountStore(db).createUser("alice", "h", 1L);
    assertTrue(Files.exists(tmp.resolve("chat.db-wal")));
    db.close();
    assertFalse(Files.exists(tmp.resolve("chat.db-wal")));
  }

  /** A failed transaction is rolled back whole and the write connection stays usable. */
  @Test
  void failedTransactionRollsBack() throws Exception {
    SqliteDatabase db = new SqliteDatabase(tmp);
    db.open();
    try {
      SqliteAccountStore accounts = new SqliteAccountStore(db);
      assertThrows(IllegalStateException.class, () -> db.transaction(c -> {
        try (Statement s = c.createStatement()) {
          s.executeUpdate(
              "INSERT INTO users (name, password_hash, created_at) VALUES ('ghost', 'h', 1)");
        }
        throw new IllegalStateException("abort");
      }));
      assertFalse(accounts.userExists("ghost"));
      assertTrue(accounts.createUser("alice", "h", 1L));
    } finally {
      db.close();
    }
  }
}
