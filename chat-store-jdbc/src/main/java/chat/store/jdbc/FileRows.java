package chat.store.jdbc;

import chat.core.store.ConvId;
import chat.core.store.StoredFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * How a file's metadata is kept in SQL, the same in SQLite (V5) and PostgreSQL (V2): a row of
 * {@code files}, whose conv and seq name the message it is attached to, NULL while pending.
 * Where the bytes are is each store's business; attaching is {@link MessageRows#attachFiles}.
 */
final class FileRows {
  /** The columns {@link #read} expects, in its order; prefix with {@code SELECT}. */
  static final String COLUMNS = "id, owner, name, size, type, created_at, conv, seq";

  private FileRows() {}

  /** The file with this id, pending or attached. */
  static Optional<StoredFile> one(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = Sql.prepare(c,
        "SELECT " + COLUMNS + " FROM files WHERE id = ?", id);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }
  }

  /** How many pending files {@code owner} has. */
  static int pendingCount(Connection c, String owner) throws SQLException {
    return (int) Sql.queryLong(c,
        "SELECT count(*) FROM files WHERE owner = ? AND conv IS NULL", owner);
  }

  static long storedBytes(Connection c, String owner) throws SQLException {
    return Sql.queryLong(c, "SELECT coalesce(sum(size), 0) FROM files WHERE owner = ?", owner);
  }

  /** The file in the current row (columns as {@link #COLUMNS}). */
  static StoredFile read(ResultSet rs) throws SQLException {
    String conv = rs.getString(7);
    return new StoredFile(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
        rs.getString(5), rs.getLong(6), conv == null ? null : ConvId.parseKey(conv),
        conv == null ? 0 : rs.getLong(8));
  }
}
