package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test server itself: private, durable across a crash, restartable on its port. */
class PrivatePostgresTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.durable();

  @Test
  void eachDatabaseIsNewAndEmpty() throws Exception {
    String a = postgres.newDatabase();
    String b = postgres.newDatabase();
    assertNotEquals(a, b);
    execute(a, "CREATE TABLE t (x int)");
    execute(b, "CREATE TABLE t (x int)"); // no clash: another database
  }

  @Test
  void theServerListensOnLoopbackWithFsyncOn() throws Exception {
    String url = postgres.newDatabase();
    assertEquals("on", query(url, "SHOW fsync"));
    assertEquals("on", query(url, "SHOW synchronous_commit"));
    assertEquals("127.0.0.1", query(url, "SHOW listen_addresses"));
    assertEquals(String.valueOf(postgres.port()), query(url, "SHOW port"));
  }

  @Test
  void aCommitSurvivesACrashAndTheServerComesBackOnItsPort() throws Exception {
    String url = postgres.newDatabase();
    execute(url, "CREATE TABLE t (x text)");
    execute(url, "INSERT INTO t VALUES ('committed')");
    int port = postgres.port();

    postgres.crash();
    assertFalse(postgres.isRunning());
    assertThrows(SQLException.class, () -> query(url, "SELECT 1"));
    postgres.start();

    assertEquals(port, postgres.port());
    assertEquals("committed", query(url, "SELECT x FROM t"));

    postgres.stop();
    postgres.start();
    assertTrue(postgres.isRunning());
    assertEquals("committed", query(url, "SELECT x FROM t"));
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
