package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versioned migrations: a fresh database gets every migration once; reopening applies none; a
 * newer migration is applied alone on an existing database; a failed migration leaves nothing
 * behind; a database newer than the program is refused.
 */
class MigrationsTest {
  private static final Migrations.Migration V2 = new Migrations.Migration(2, "test: extra table",
      List.of("CREATE TABLE extra (x INTEGER)", "INSERT INTO extra (x) VALUES (42)"));

  @TempDir
  Path dir;

  private SqliteDatabase open(List<Migrations.Migration> migrations) throws Exception {
    SqliteDatabase db = new SqliteDatabase(dir, 1, migrations);
    db.open();
    return db;
  }

  /** (version, applied_at) rows of schema_version, read through a separate connection. */
  private List<List<Long>> versionRows() throws SQLException {
    List<List<Long>> rows = new ArrayList<>();
    try (Connection c = OpenStore.rawConnection(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT version, applied_at FROM schema_version ORDER BY version")) {
      while (rs.next()) {
        rows.add(List.of(rs.getLong(1), rs.getLong(2)));
      }
    }
    return rows;
  }

  private boolean tableExists(String table) throws SQLException {
    try (Connection c = OpenStore.rawConnection(dir);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
      return rs.next();
    }
  }

  /** A new database gets the current schema: every migration, recorded once. */
  @Test
  void freshDatabaseGetsTheCurrentVersion() throws Exception {
    SqliteDatabase db = open(Migrations.ALL);
    try {
      assertEquals(Migrations.ALL.size(), db.appliedMigrations());
      assertEquals(Migrations.latestVersion(Migrations.ALL),
          db.read(Migrations::currentVersion).intValue());
    } finally {
      db.close();
    }
    assertEquals(1, versionRows().size());
    assertEquals(1L, versionRows().get(0).get(0));
    for (String table : List.of("meta", "users", "tokens", "rooms", "memberships",
        "conversations", "messages", "read_markers")) {
      assertTrue(tableExists(table), table);
    }
  }

  /** Reopening applies nothing: V1 is not run again, its record and the data are untouched. */
  @Test
  void reopeningDoesNotRerunMigrations() throws Exception {
    SqliteDatabase first = open(Migrations.ALL);
    String epoch = first.epoch();
    new SqliteAccountStore(first).createUser("alice", "h", 1L);
    first.close();
    List<List<Long>> before = versionRows();

    SqliteDatabase again = open(Migrations.ALL);
    try {
      assertEquals(0, again.appliedMigrations());
      assertEquals(epoch, again.epoch(), "V1 would have made a new epoch");
      assertTrue(new SqliteAccountStore(again).userExists("alice"));
    } finally {
      again.close();
    }
    assertEquals(before, versionRows());
  }

  /** A database at V1 opened by a program with V2 gets V2 alone, and keeps its data. */
  @Test
  void newMigrationIsAppliedToAnExistingDatabase() throws Exception {
    SqliteDatabase v1 = open(List.of(Migrations.V1));
    new SqliteAccountStore(v1).createUser("alice", "h", 1L);
    v1.close();

    SqliteDatabase v2 = open(List.of(Migrations.V1, V2));
    try {
      assertEquals(1, v2.appliedMigrations());
      assertEquals(42, v2.read(c -> {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT x FROM extra")) {
          rs.next();
          return rs.getInt(1);
        }
      }).intValue());
      assertTrue(new SqliteAccountStore(v2).userExists("alice"));
    } finally {
      v2.close();
    }
    assertEquals(List.of(1L, 2L), versionRows().stream().map(r -> r.get(0)).toList());
  }

  /** A migration that fails part-way is rolled back whole; the database stays as it was. */
  @Test
  void failedMigrationLeavesNothingBehind() throws Exception {
    open(List.of(Migrations.V1)).close();
    Migrations.Migration broken = new Migrations.Migration(2, "broken",
        List.of("CREATE TABLE half (x INTEGER)", "THIS IS NOT SQL"));
    SqliteDatabase db = new SqliteDatabase(dir, 1, List.of(Migrations.V1, broken));
    assertThrows(SQLException.class, db::open);
    assertFalse(db.isOpen());
    assertFalse(tableExists("half"));
    assertEquals(1, versionRows().size());
  }

  /** A database migrated by a newer program is refused rather than misread. */
  @Test
  void newerDatabaseIsRefused() throws Exception {
    open(List.of(Migrations.V1, V2)).close();
    SqliteDatabase old = new SqliteDatabase(dir, 1, List.of(Migrations.V1));
    IllegalStateException e = assertThrows(IllegalStateException.class, old::open);
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    assertFalse(old.isOpen());
  }

  /** Migration numbers must follow each other without gaps. */
  @Test
  void versionsMustBeConsecutive() throws Exception {
    Migrations.Migration v3 = new Migrations.Migration(3, "gap", List.of("SELECT 1"));
    SqliteDatabase db = new SqliteDatabase(dir, 1, List.of(Migrations.V1, v3));
    assertThrows(IllegalArgumentException.class, db::open);
  }
}
