package chat.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on a connection, handed to a database's read, write or transaction method. */
@FunctionalInterface
interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
