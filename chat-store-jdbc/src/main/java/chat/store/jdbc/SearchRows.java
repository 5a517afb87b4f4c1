package chat.store.jdbc;

import chat.core.store.ConvId;
import chat.core.store.SearchQuery;
import chat.core.store.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Full-text search over the FTS5 index {@code message_search} (schema V4): the index finds the
 * rowids whose words match, the join to {@code messages} keeps the conversations asked for and
 * orders the hits newest first.
 */
final class SearchRows {
  /** {@link MessageRows#COLUMNS} of the joined messages row, then its conversation. */
  private static final String COLUMNS = Stream.of(MessageRows.COLUMNS.split(", "))
      .map(column -> "m." + column).collect(Collectors.joining(", ")) + ", m.conv";
  private static final int CONV_COLUMN = MessageRows.COLUMNS.split(", ").length + 1;

  private SearchRows() {}

  /** The messages {@code query} asks for, with their reactions and files. */
  static List<StoredMessage> search(Connection c, SearchQuery query) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS)
        .append(" FROM message_search s JOIN messages m ON m.rowid = s.rowid")
        .append(" WHERE message_search MATCH ?")
        .append(" AND m.conv IN (SELECT value FROM json_each(?)) AND m.deleted = 0");
    if (query.after() != null) {
      sql.append(" AND (m.ts, m.conv, m.seq) < (?, ?, ?)");
    }
    sql.append(" ORDER BY m.ts DESC, m.conv DESC, m.seq DESC LIMIT ?");
    List<StoredMessage> hits = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      ps.setString(i++, matchExpression(query.terms()));
      ps.setString(i++, jsonArray(query.convs()));
      if (query.after() != null) {
        ps.setLong(i++, query.after().ts());
        ps.setString(i++, query.after().convKey());
        ps.setLong(i++, query.after().seq());
      }
      ps.setInt(i, query.limit());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          hits.add(MessageRows.read(ConvId.parseKey(rs.getString(CONV_COLUMN)), rs));
        }
      }
    }
    for (int h = 0; h < hits.size(); h++) {
      hits.set(h, MessageRows.complete(c, hits.get(h)));
    }
    return hits;
  }

  /**
   * Each term as an FTS5 prefix query ({@code "term"*}), all of them required. Quoting makes a
   * term a string, never an operator ({@code OR}, {@code NEAR}) or a column filter.
   */
  static String matchExpression(List<String> terms) {
    return terms.stream().map(t -> "\"" + t.replace("\"", "\"\"") + "\"*")
        .collect(Collectors.joining(" "));
  }

  /** The conversation keys as a JSON array of strings, for {@code json_each}. */
  private static String jsonArray(List<ConvId> convs) {
    StringBuilder json = new StringBuilder("[");
    for (ConvId conv : convs) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append('"');
      for (char ch : conv.key().toCharArray()) {
        if (ch == '"' || ch == '\\') {
          json.append('\\');
        }
        json.append(ch);
      }
      json.append('"');
    }
    return json.append(']').toString();
  }
}
