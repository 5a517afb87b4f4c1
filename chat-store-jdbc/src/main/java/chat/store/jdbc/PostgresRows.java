package chat.store.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;

import chat.core.store.ConvId;
import chat.core.store.StoredMessage;
import chat.core.store.SearchText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How a message is kept in PostgreSQL: as in SQLite ({@link MessageRows}: mentions joined in one
 * column, reactions and files as numbered rows), but with its text and cid as UTF-8
 * {@code bytea} (see {@link PostgresMigrations}) and the words of its text in the {@code search}
 * tsvector.
 */
final class PostgresRows {
  /** The columns {@link #read} expects, in its order. */
  static final String COLUMNS = MessageRows.COLUMNS;
  /** {@link #COLUMNS} of messages row {@code m}, then its conversation, at {@link #CONV_COLUMN}. */
  static final String COLUMNS_AND_CONV = Stream.of(COLUMNS.split(", "))
      .map(column -> "m." + column).collect(Collectors.joining(", ")) + ", m.conv";
  static final int CONV_COLUMN = COLUMNS.split(", ").length + 1;

  /** PostgreSQL's longest lexeme, in bytes; a longer word is cut to it. */
  static final int MAX_LEXEME_BYTES = 2047;
  /** A tsvector holds at most 1 MiB of lexemes; words past this many bytes are not indexed. */
  static final int MAX_LEXEMES_BYTES = 1_000_000;

  private PostgresRows() {}

  static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  /** The message in the current row (columns as {@link #COLUMNS}), without its reactions. */
  static StoredMessage read(ConvId conv, ResultSet rs) throws SQLException {
    long replyTo = rs.getLong(6);
    Long reply = rs.wasNull() ? null : replyTo;
    String mentions = rs.getString(7);
    long editedAt = rs.getLong(8);
    Long edited = rs.wasNull() ? null : editedAt;
    return new StoredMessage(conv, rs.getLong(1), rs.getString(2),
        new String(rs.getBytes(3), UTF_8), rs.getLong(4), new String(rs.getBytes(5), UTF_8),
        reply, MessageRows.splitMentions(mentions), edited, rs.getBoolean(9), Map.of(),
        rs.getLong(10));
  }

  /**
   * The messages {@code ps} selects (columns as {@link #COLUMNS}, ascending or descending by
   * seq), with their reactions and files ({@link MessageRows#completed}). Run it in a snapshot
   * so that all the queries see the same moment.
   */
  static List<StoredMessage> page(Connection c, ConvId conv, PreparedStatement ps)
      throws SQLException {
    List<StoredMessage> page = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        page.add(read(conv, rs));
      }
    }
    return MessageRows.completed(c, conv, page);
  }

  /** The message with this seq as it now is, reactions and files included. */
  static Optional<StoredMessage> one(Connection c, ConvId conv, long seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM messages WHERE conv = ? AND seq = ?")) {
      ps.setString(1, conv.key());
      ps.setLong(2, seq);
      List<StoredMessage> found = page(c, conv, ps);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /**
   * The lexemes of {@code text} for its tsvector: its words as {@link SearchText#words} finds
   * them, each once, cut to PostgreSQL's limits (a word longer than a lexeme may be is cut, so
   * its start is still found; words past the tsvector's size are left out).
   */
  static String[] lexemes(String text) {
    Set<String> lexemes = new LinkedHashSet<>();
    int total = 0;
    for (String word : SearchText.words(text)) {
      String lexeme = cut(word);
      int size = bytes(lexeme).length;
      if (total + size > MAX_LEXEMES_BYTES) {
        break;
      }
      if (lexemes.add(lexeme)) {
        total += size;
      }
    }
    return lexemes.toArray(new String[0]);
  }

  /**
   * A tsquery (for a {@code ::tsquery} cast, which parses no words) that matches a vector with,
   * for each term, a lexeme that starts with it: {@code 'term1':* & 'term2':*}. Each term is
   * quoted (quotes doubled, backslashes escaped), so it is a lexeme, never an operator.
   */
  static String prefixQuery(List<String> terms) {
    StringBuilder q = new StringBuilder();
    for (String term : terms) {
      if (q.length() > 0) {
        q.append(" & ");
      }
      q.append('\'').append(cut(term).replace("\\", "\\\\").replace("'", "''")).append("':*");
    }
    return q.toString();
  }

  /** {@code word} cut to at most {@link #MAX_LEXEME_BYTES} of UTF-8, at a code point. */
  private static String cut(String word) {
    if (word.length() * 3 <= MAX_LEXEME_BYTES || bytes(word).length <= MAX_LEXEME_BYTES) {
      return word;
    }
    int bytes = 0;
    int end = 0;
    while (end < word.length()) {
      int cp = word.codePointAt(end);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > MAX_LEXEME_BYTES) {
        break;
      }
      bytes += size;
      end += Character.charCount(cp);
    }
    return word.substring(0, end);
  }
}
