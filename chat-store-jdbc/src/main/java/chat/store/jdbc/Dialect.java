package chat.store.jdbc;

/**
 * Where the SQL the two databases share differs. SQLite has one writer at a time, so its
 * transactions never interleave; PostgreSQL's do, and a transaction that reads a room's state
 * before changing it locks the room's row first.
 */
enum Dialect {
  SQLITE("SELECT name FROM rooms WHERE name = ?", "(' ' || r.topic)", ""),
  // LIKE is case-sensitive in PostgreSQL, and lower() folds more than ASCII: fold A-Z only, as
  // RoomQuery does (and SQLite's LIKE). The operator_actions lock makes ids commit in order.
  POSTGRES("SELECT name FROM rooms WHERE name = ? FOR UPDATE",
      "translate(' ' || r.topic, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')",
      "LOCK TABLE operator_actions IN SHARE ROW EXCLUSIVE MODE");

  /** Reads a room's name (no row: no room), locking the row until the transaction ends. */
  final String lockRoom;
  /** The topic of room {@code r}, after a space, with ASCII letters in lower case; for LIKE. */
  final String foldedTopic;
  /** Run before inserting an operator action, in its transaction; "" for nothing. */
  final String beforeOperatorAction;

  Dialect(String lockRoom, String foldedTopic, String beforeOperatorAction) {
    this.lockRoom = lockRoom;
    this.foldedTopic = foldedTopic;
    this.beforeOperatorAction = beforeOperatorAction;
  }
}
