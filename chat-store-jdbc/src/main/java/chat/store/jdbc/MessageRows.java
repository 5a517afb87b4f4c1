package chat.store.jdbc;

import chat.core.store.ConvId;
import chat.core.store.FileRef;
import chat.core.store.FilesUnavailableException;
import chat.core.store.StoredMessage;
import chat.core.store.StoredUpdate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a message is kept in SQL (schema V3, V5): a row of {@code messages} with its mentions as
 * one text, its reactions as rows of {@code reactions} numbered by {@code position} (emoji in the
 * order they first came, users under an emoji in the order they reacted), and its files as rows
 * of {@code files} numbered by {@code position}. Reading a page costs three queries, the page's
 * rows and then all their reactions and all their files, whatever the page's size.
 */
final class MessageRows {
  /** The columns {@link #read} expects, in its order; prefix with {@code SELECT}. */
  static final String COLUMNS =
      "seq, sender, text, ts, cid, reply_to, mentions, edited, deleted, rev";

  /** Mentions are user names, which never hold a newline (like operator_actions.members). */
  private static final String MENTION_SEPARATOR = "\n";

  private MessageRows() {}

  /** The mentions column for {@code mentions}: NULL for none, so plain messages store nothing. */
  static String joinMentions(List<String> mentions) {
    return mentions.isEmpty() ? null : String.join(MENTION_SEPARATOR, mentions);
  }

  static List<String> splitMentions(String column) {
    return column == null || column.isEmpty()
        ? List.of() : List.of(column.split(MENTION_SEPARATOR, -1));
  }

  /** The message in the current row (columns as {@link #COLUMNS}), without its reactions. */
  static StoredMessage read(ConvId conv, ResultSet rs) throws SQLException {
    long replyTo = rs.getLong(6);
    Long reply = rs.wasNull() ? null : replyTo;
    String mentions = rs.getString(7);
    long editedAt = rs.getLong(8);
    Long edited = rs.wasNull() ? null : editedAt;
    return new StoredMessage(conv, rs.getLong(1), rs.getString(2), rs.getString(3),
        rs.getLong(4), rs.getString(5), reply, splitMentions(mentions), edited,
        rs.getInt(9) != 0, Map.of(), rs.getLong(10));
  }

  /**
   * The messages {@code ps} selects (columns as {@link #COLUMNS}, ascending or descending by
   * seq), with their reactions and files (see {@link #completed}).
   */
  static List<StoredMessage> page(Connection c, ConvId conv, PreparedStatement ps)
      throws SQLException {
    List<StoredMessage> page = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        page.add(read(conv, rs));
      }
    }
    return completed(c, conv, page);
  }

  /**
   * {@code page}, messages of {@code conv} read without reactions and files (ascending or
   * descending by seq), with them, read with one more query each over the page's seq range.
   * The SQL is the same in SQLite and PostgreSQL.
   */
  static List<StoredMessage> completed(Connection c, ConvId conv, List<StoredMessage> page)
      throws SQLException {
    if (page.isEmpty()) {
      return page;
    }
    long first = page.get(0).seq();
    long last = page.get(page.size() - 1).seq();
    long from = Math.min(first, last);
    long to = Math.max(first, last);
    Map<Long, Map<String, List<String>>> reactions = reactions(c, conv, from, to);
    Map<Long, List<FileRef>> files = files(c, conv, from, to);
    if (reactions.isEmpty() && files.isEmpty()) {
      return page;
    }
    for (int i = 0; i < page.size(); i++) {
      StoredMessage m = page.get(i);
      Map<String, List<String>> r = reactions.get(m.seq());
      List<FileRef> f = files.get(m.seq());
      if (r != null || f != null) {
        page.set(i, new StoredMessage(m.conv(), m.seq(), m.from(), m.text(), m.ts(), m.cid(),
            m.replyTo(), m.mentions(), m.edited(), m.deleted(), r == null ? m.reactions() : r,
            m.rev(), f == null ? m.files() : f));
      }
    }
    return page;
  }

  /** Up to {@code limit} recorded changes of {@code conv} after {@code afterRev}, by rev. */
  static List<StoredUpdate> updatesAfter(Connection c, ConvId conv, long afterRev, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT rev, seq, by_user, action, ts"
        + " FROM message_changes WHERE conv = ? AND rev > ? ORDER BY rev LIMIT ?")) {
      ps.setString(1, conv.key());
      ps.setLong(2, afterRev);
      ps.setInt(3, limit);
      List<StoredUpdate> updates = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          updates.add(new StoredUpdate(rs.getLong(1), rs.getLong(2), rs.getString(3),
              rs.getString(4), rs.getLong(5)));
        }
      }
      return updates;
    }
  }

  /** {@code m}, read by {@link #read}, with its reactions and files. */
  static StoredMessage complete(Connection c, StoredMessage m) throws SQLException {
    Map<String, List<String>> reactions =
        reactions(c, m.conv(), m.seq(), m.seq()).getOrDefault(m.seq(), Map.of());
    List<FileRef> files = files(c, m.conv(), m.seq(), m.seq()).getOrDefault(m.seq(), List.of());
    return new StoredMessage(m.conv(), m.seq(), m.from(), m.text(), m.ts(), m.cid(),
        m.replyTo(), m.mentions(), m.edited(), m.deleted(), reactions, m.rev(), files);
  }

  /** The files attached to the messages with seq from {@code from} to {@code to}, by seq. */
  static Map<Long, List<FileRef>> files(Connection c, ConvId conv, long from, long to)
      throws SQLException {
    Map<Long, List<FileRef>> bySeq = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, id, name, size, type FROM files"
        + " WHERE conv = ? AND seq BETWEEN ? AND ? ORDER BY seq, position")) {
      ps.setString(1, conv.key());
      ps.setLong(2, from);
      ps.setLong(3, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          bySeq.computeIfAbsent(rs.getLong(1), s -> new ArrayList<>()).add(
              new FileRef(rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5)));
        }
      }
    }
    return bySeq;
  }

  /**
   * Attaches {@code files}, in order, to message {@code seq} of {@code conv}: each must be a
   * pending file of {@code owner} at this moment, else {@link FilesUnavailableException} (the
   * caller rolls back).
   */
  static void attachFiles(Connection c, ConvId conv, long seq, String owner, List<FileRef> files)
      throws SQLException {
    int position = 0;
    for (FileRef f : files) {
      if (Sql.update(c, "UPDATE files SET conv = ?, seq = ?, position = ?"
          + " WHERE id = ? AND owner = ? AND conv IS NULL", conv.key(), seq, position++, f.id(),
          owner) != 1) {
        throw new FilesUnavailableException(f.id());
      }
    }
  }

  /**
   * Runs {@code work} in one read transaction on a read connection, so the page's rows and its
   * reactions come from one snapshot: a change committed between the two queries would
   * otherwise show a message with the reactions of a later rev.
   */
  static <T> T snapshot(Connection c, SqlWork<T> work) throws SQLException {
    SqliteDatabase.execute(c, "BEGIN");
    T result;
    try {
      result = work.run(c);
    } catch (SQLException | RuntimeException | Error e) {
      try {
        SqliteDatabase.execute(c, "ROLLBACK"); // the connection goes back to the pool clean
      } catch (SQLException r) {
        e.addSuppressed(r);
      }
      throw e;
    }
    SqliteDatabase.execute(c, "COMMIT"); // read only: ends the snapshot
    return result;
  }

  /** The message with this seq as it now is, reactions included. */
  static Optional<StoredMessage> one(Connection c, ConvId conv, long seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM messages WHERE conv = ? AND seq = ?")) {
      ps.setString(1, conv.key());
      ps.setLong(2, seq);
      List<StoredMessage> found = page(c, conv, ps);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /** The reactions of the messages with seq from {@code from} to {@code to}, by seq. */
  static Map<Long, Map<String, List<String>>> reactions(Connection c, ConvId conv, long from,
      long to) throws SQLException {
    Map<Long, Map<String, List<String>>> bySeq = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, emoji, user_name FROM reactions"
        + " WHERE conv = ? AND seq BETWEEN ? AND ? ORDER BY seq, position")) {
      ps.setString(1, conv.key());
      ps.setLong(2, from);
      ps.setLong(3, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          bySeq.computeIfAbsent(rs.getLong(1), s -> new LinkedHashMap<>())
              .computeIfAbsent(rs.getString(2), e -> new ArrayList<>())
              .add(rs.getString(3));
        }
      }
    }
    return bySeq;
  }

  /** Replaces the stored reactions of one message by {@code reactions}, in their order. */
  static void writeReactions(Connection c, ConvId conv, long seq,
      Map<String, List<String>> reactions) throws SQLException {
    Sql.update(c, "DELETE FROM reactions WHERE conv = ? AND seq = ?", conv.key(), seq);
    if (reactions.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO reactions"
        + " (conv, seq, position, emoji, user_name) VALUES (?, ?, ?, ?, ?)")) {
      int position = 0;
      for (Map.Entry<String, List<String>> e : reactions.entrySet()) {
        for (String user : e.getValue()) {
          ps.setString(1, conv.key());
          ps.setLong(2, seq);
          ps.setInt(3, position++);
          ps.setString(4, e.getKey());
          ps.setString(5, user);
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

}
