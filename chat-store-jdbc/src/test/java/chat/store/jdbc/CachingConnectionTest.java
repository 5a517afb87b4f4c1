package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Statements kept compiled on a connection, against a real SQLite file in WAL mode. */
class CachingConnectionTest {
  @TempDir
  Path tmp;

  private Connection writer;
  private Connection raw;
  private Connection reader;

  @BeforeEach
  void open() throws SQLException {
    String url = "jdbc:sqlite:" + tmp.resolve("t.db");
    writer = DriverManager.getConnection(url);
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
      s.execute("INSERT INTO t VALUES ('a', 1), ('b', 2), ('c', 3)");
    }
    raw = DriverManager.getConnection(url);
    reader = CachingConnection.wrap(raw, 2);
  }

  @AfterEach
  void close() throws SQLException {
    reader.close();
    writer.close();
  }

  private static Integer value(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : null;
      }
    }
  }

  private void insert(String key, int v) throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
      ps.setString(1, key);
      ps.setInt(2, v);
      ps.executeUpdate();
    }
  }

  @Test
  void theSameSqlIsCompiledOnceAndAnswersEachCallersParameters() throws SQLException {
    assertEquals(1, value(reader, "a"));
    assertEquals(2, value(reader, "b"));
    assertEquals(null, value(reader, "zzz"));
    assertEquals(3, value(reader, "c"));
    assertEquals(1, CachingConnection.prepared(reader));
    assertEquals(1, CachingConnection.kept(reader));
  }

  @Test
  void parametersDoNotCarryOverToTheNextCaller() throws SQLException {
    assertEquals(1, value(reader, "a"));
    try (PreparedStatement ps = reader.prepareStatement("SELECT v FROM t WHERE k = ?")) {
      // Nothing bound: SQLite reads a missing parameter as NULL, which matches no key.
      try (ResultSet rs = ps.executeQuery()) {
        assertFalse(rs.next(), "the last caller's 'a' must not still be bound");
      }
    }
  }

  /**
   * A caller that closes its statement but not its result set must not leave the connection
   * reading an old snapshot: in WAL mode an unfinished statement holds its read transaction.
   */
  @Test
  void closingAStatementEndsItsReadEvenWithItsResultSetLeftOpen() throws SQLException {
    PreparedStatement ps = reader.prepareStatement("SELECT count(*) FROM t");
    ResultSet rs = ps.executeQuery();
    assertTrue(rs.next());
    assertEquals(3, rs.getInt(1));
    ps.close(); // rs left open: the kept statement must still be reset

    insert("d", 4);
    try (PreparedStatement other = reader.prepareStatement("SELECT count(*) FROM t WHERE 1");
        ResultSet now = other.executeQuery()) {
      now.next();
      assertEquals(4, now.getInt(1), "a snapshot from before the insert was still held");
    }
  }

  @Test
  void theSameSqlInUseTwiceAtOnceGetsTwoStatements() throws SQLException {
    try (PreparedStatement outer = reader.prepareStatement("SELECT k FROM t ORDER BY k")) {
      try (ResultSet rs = outer.executeQuery()) {
        assertTrue(rs.next());
        assertEquals("a", rs.getString(1));
        try (PreparedStatement inner = reader.prepareStatement("SELECT k FROM t ORDER BY k");
            ResultSet again = inner.executeQuery()) {
          assertTrue(again.next());
          assertEquals("a", again.getString(1));
        }
        assertTrue(rs.next(), "the outer statement was disturbed by the inner one");
        assertEquals("b", rs.getString(1));
      }
    }
    assertEquals(2, CachingConnection.prepared(reader));
    assertEquals(1, CachingConnection.kept(reader), "the nested statement is not kept");
    try (PreparedStatement again = reader.prepareStatement("SELECT k FROM t ORDER BY k")) {
      assertTrue(again.executeQuery().next());
    }
    assertEquals(2, CachingConnection.prepared(reader), "the first one was kept");
  }

  @Test
  void aStatementWithChangedSettingsIsNotKept() throws SQLException {
    try (PreparedStatement ps = reader.prepareStatement("SELECT k FROM t")) {
      ps.setMaxRows(1);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
      }
    }
    assertEquals(0, CachingConnection.kept(reader));
    try (PreparedStatement ps = reader.prepareStatement("SELECT k FROM t");
        ResultSet rs = ps.executeQuery()) {
      assertEquals(0, ps.getMaxRows(), "a fresh statement, without the last caller's limit");
      int rows = 0;
      while (rs.next()) {
        rows++;
      }
      assertEquals(3, rows);
    }
    assertEquals(2, CachingConnection.prepared(reader));
  }

  @Test
  void theLeastRecentlyUsedStatementIsDroppedBeyondCapacity() throws SQLException {
    String[] sql = {"SELECT 1", "SELECT 2", "SELECT 3"};
    for (String s : new String[] {sql[0], sql[1], sql[0], sql[2]}) {
      try (PreparedStatement ps = reader.prepareStatement(s)) {
        ps.executeQuery().next();
      }
    }
    assertEquals(2, CachingConnection.kept(reader));
    assertEquals(3, CachingConnection.prepared(reader));
    try (PreparedStatement ps = reader.prepareStatement(sql[0])) {
      ps.executeQuery().next();
    }
    assertEquals(3, CachingConnection.prepared(reader), "'SELECT 1' was used last: kept");
    try (PreparedStatement ps = reader.prepareStatement(sql[1])) {
      ps.executeQuery().next();
    }
    assertEquals(4, CachingConnection.prepared(reader), "'SELECT 2' was the eldest: dropped");
  }

  @Test
  void aClosedStatementCannotBeUsedAgain() throws SQLException {
    PreparedStatement ps = reader.prepareStatement("SELECT v FROM t WHERE k = ?");
    ps.close();
    assertTrue(ps.isClosed());
    assertThrows(SQLException.class, () -> ps.setString(1, "a"));
    assertThrows(SQLException.class, ps::executeQuery);
    assertEquals(1, value(reader, "a"), "the kept statement itself still works");
  }

  @Test
  void statementsKnowTheirConnection() throws SQLException {
    try (PreparedStatement ps = reader.prepareStatement("SELECT 1")) {
      assertSame(reader, ps.getConnection());
    }
  }

  @Test
  void closingTheConnectionClosesItAndItsStatements() throws SQLException {
    assertEquals(1, value(reader, "a"));
    reader.close();
    assertTrue(raw.isClosed());
    assertTrue(reader.isClosed());
    assertEquals(0, CachingConnection.kept(reader));
  }
}
