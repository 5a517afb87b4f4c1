package chat.store.jdbc;

import chat.core.store.SearchText;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.Function;

/**
 * The SQL function {@code search_words(text)}: the words of a message's text as {@link
 * SearchText#words} finds them (the memory and PostgreSQL stores' words), separated by spaces.
 * The FTS5 index {@code message_search} (schema V8) indexes these with its {@code ascii}
 * tokenizer, which splits only at the spaces between them (the words hold no other ASCII
 * punctuation) and leaves every non-ASCII character as it is, so SQLite matches the words the
 * other stores match. Registered on every connection of the store: the triggers that keep the
 * index call it, and a connection without it fails rather than index other words.
 *
 * <p>The index must take words out as it put them in: a change to what {@link SearchText}
 * makes of a text needs a migration that rebuilds {@code message_search}.
 */
final class SqliteSearchWords extends Function {
  static final String NAME = "search_words";

  private SqliteSearchWords() {}

  static void register(Connection c) throws SQLException {
    Function.create(c, NAME, new SqliteSearchWords(), 1, Function.FLAG_DETERMINISTIC);
  }

  @Override
  protected void xFunc() throws SQLException {
    String text = value_text(0);
    result(text == null ? "" : String.join(" ", SearchText.words(text)));
  }
}
