package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
