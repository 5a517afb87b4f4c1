package chat.store.jdbc;

import chat.core.store.RoomQuery;
import java.util.ArrayList;
import java.util.List;

/**
 * The statement behind {@code AccountStore.directory}: one page of the rooms a user may see that
 * a {@link RoomQuery} matches, filtered, ordered and cut in SQL so that a page costs the rows it
 * returns (plus the rooms skipped over), not a read of every room.
 *
 * <p>The match is {@link RoomQuery#matches}'s, in SQL: the name prefix compared exactly with
 * {@code substr} (names are case-sensitive there too), and each word as
 * {@code ' ' || topic LIKE '% word%'}, the topic folded as {@link Dialect#foldedTopic} says: ASCII
 * letters only, as {@link RoomQuery} does (the words are folded already); the word's {@code %},
 * {@code _} and {@code \} are escaped so they match themselves.
 */
final class DirectorySql {
  static final String ROOM_COLUMNS = "r.name, r.topic, r.private, r.created_at";

  /** SQL text and its parameters, in order. */
  record Statement(String sql, List<Object> params) {}

  private DirectorySql() {}

  static Statement page(String user, RoomQuery query, String after, int limit,
      Dialect dialect) {
    StringBuilder sql = new StringBuilder("SELECT ").append(ROOM_COLUMNS)
        .append(" FROM rooms r WHERE (r.private = 0 OR EXISTS (SELECT 1 FROM memberships m")
        .append(" WHERE m.room = r.name AND m.user_name = ?))");
    List<Object> params = new ArrayList<>();
    params.add(user);
    if (after != null) {
      sql.append(" AND r.name > ?");
      params.add(after);
    }
    if (query != null) {
      sql.append(" AND (");
      if (!query.namePrefix().isEmpty()) {
        sql.append("substr(r.name, 1, length(?)) = ? OR ");
        params.add(query.namePrefix());
        params.add(query.namePrefix());
      }
      sql.append('(');
      for (int i = 0; i < query.words().size(); i++) {
        sql.append(i == 0 ? "" : " AND ").append(dialect.foldedTopic)
            .append(" LIKE ? ESCAPE '\\'");
        params.add("% " + Sql.escapeLike(query.words().get(i)) + "%");
      }
      sql.append("))");
    }
    sql.append(" ORDER BY r.name LIMIT ?");
    params.add(limit);
    return new Statement(sql.toString(), params);
  }
}
