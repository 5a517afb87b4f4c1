package chat.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small JDBC helpers for one-off statements: parameters bound in order, resources closed. */
final class Sql {
  private Sql() {}

  static PreparedStatement prepare(Connection c, String sql, Object... params)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
    return ps;
  }

  /** Runs an insert, update or delete; returns how many rows it changed. */
  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  /** The first column of the first row, if there is a row. */
  static Optional<String> queryString(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
    }
  }

  /** The first column of every row, in the query's order. */
  static List<String> queryStrings(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      List<String> list = new ArrayList<>();
      while (rs.next()) {
        list.add(rs.getString(1));
      }
      return list;
    }
  }

  /** The first column of the first row as a long; the query must return a row. */
  static long queryLong(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("no row: " + sql);
      }
      return rs.getLong(1);
    }
  }

  /**
   * {@code text} for use inside a LIKE pattern with {@code ESCAPE '\'}: its {@code %}, {@code _}
   * and {@code \} match themselves.
   */
  static String escapeLike(String text) {
    StringBuilder b = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '%' || ch == '_' || ch == '\\') {
        b.append('\\');
      }
      b.append(ch);
    }
    return b.toString();
  }
}
