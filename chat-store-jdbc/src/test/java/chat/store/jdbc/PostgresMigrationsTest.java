package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.store.jdbc.Migrations.Migration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PostgreSQL schema's migrations: numbered, recorded, all or nothing, one node at a time. */
class PostgresMigrationsTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();

  @Test
  void aNewDatabaseGetsEveryMigrationOnceAndAnOpenedOneNone() throws Exception {
    String url = postgres.newDatabase();
    try (Connection c = DriverManager.getConnection(url)) {
      assertEquals(PostgresMigrations.ALL.size(),
          PostgresMigrations.migrate(c, PostgresMigrations.ALL));
      assertEquals(Migrations.latestVersion(PostgresMigrations.ALL),
          Migrations.currentVersion(c));
      assertEquals(0, PostgresMigrations.migrate(c, PostgresMigrations.ALL));
      assertTrue(c.getAutoCommit(), "the connection is left in auto-commit mode");
      assertEquals(32, Sql.queryString(c, "SELECT value FROM meta WHERE key = 'epoch'")
          .orElseThrow().length());
    }
  }

  @Test
  void aFailingMigrationLeavesNothingBehind() throws Exception {
    String url = postgres.newDatabase();
    List<Migration> broken = new ArrayList<>(PostgresMigrations.ALL);
    broken.add(new Migration(broken.size() + 1, "half done", List.of(
        "CREATE TABLE half (x int)", "THIS IS NOT SQL")));
    try (Connection c = DriverManager.getConnection(url)) {
      assertThrows(SQLException.class, () -> PostgresMigrations.migrate(c, broken));
      assertEquals(0, Sql.queryLong(c, "SELECT count(*) FROM pg_tables"
          + " WHERE schemaname = 'public'"), "not even schema_version or V1's tables");
      assertEquals(PostgresMigrations.ALL.size(),
          PostgresMigrations.migrate(c, PostgresMigrations.ALL), "the good ones still apply");
    }
  }

  @Test
  void aDatabaseNewerThanTheProgramIsRefused() throws Exception {
    String url = postgres.newDatabase();
    List<Migration> newer = new ArrayList<>(PostgresMigrations.ALL);
    newer.add(new Migration(newer.size() + 1, "from the future", List.of(
        "CREATE TABLE future (x int)")));
    try (Connection c = DriverManager.getConnection(url)) {
      PostgresMigrations.migrate(c, newer);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> PostgresMigrations.migrate(c, PostgresMigrations.ALL));
      assertTrue(e.getMessage().contains("newer than this program"), e.getMessage());
    }
  }

  /** Nodes starting together: one migrates, the others wait for it and find nothing to do. */
  @Test
  void nodesMigratingAtOnceApplyEachMigrationOnce() throws Exception {
    String url = postgres.newDatabase();
    int nodes = 4;
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> applied = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        Callable<Integer> node = () -> {
          try (Connection c = DriverManager.getConnection(url)) {
            go.await();
            return PostgresMigrations.migrate(c, PostgresMigrations.ALL);
          }
        };
        applied.add(pool.submit(node));
      }
      go.countDown();
      int total = 0;
      for (Future<Integer> f : applied) {
        total += f.get(30, TimeUnit.SECONDS);
      }
      assertEquals(PostgresMigrations.ALL.size(), total);
    } finally {
      pool.shutdownNow();
    }
    try (Connection c = DriverManager.getConnection(url)) {
      assertEquals(PostgresMigrations.ALL.size(),
          Sql.queryLong(c, "SELECT count(*) FROM schema_version"));
    }
  }
}
