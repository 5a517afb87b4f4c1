package chat.core.store;

import java.util.ArrayList;
import java.util.List;

/**
 * A room directory search: a room matches when its name starts with the query (a leading
 * {@code #} ignored), or when every word of the query starts a word of its topic. A topic's
 * words are separated by spaces; letters are compared without case (ASCII only, so that SQL's
 * {@code lower} agrees with this class).
 */
public final class RoomQuery {
  private final String namePrefix;
  private final List<String> words;

  private RoomQuery(String namePrefix, List<String> words) {
    this.namePrefix = namePrefix;
    this.words = List.copyOf(words);
  }

  /** The query for {@code text}, or null when it has no words (every room matches). */
  public static RoomQuery parse(String text) {
    if (text == null) {
      return null;
    }
    List<String> words = new ArrayList<>();
    for (String w : asciiLower(text).trim().split("\\s+")) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    if (words.isEmpty()) {
      return null;
    }
    String first = words.get(0);
    String prefix = words.size() == 1 ? (first.startsWith("#") ? first.substring(1) : first) : "";
    return new RoomQuery(prefix, words);
  }

  /** The name prefix to match, or "" when the query has several words (names have none). */
  public String namePrefix() {
    return namePrefix;
  }

  /** The query's words, lower case: each must start a word of the topic. */
  public List<String> words() {
    return words;
  }

  public boolean matches(Room room) {
    if (!namePrefix.isEmpty() && room.name().startsWith(namePrefix)) {
      return true;
    }
    String topic = " " + asciiLower(room.topic());
    for (String w : words) {
      if (!topic.contains(" " + w)) {
        return false;
      }
    }
    return true;
  }

  /** Lower case of ASCII letters only, as SQLite's {@code lower}. */
  public static String asciiLower(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (b == null) {
          b = new StringBuilder(s);
        }
        b.setCharAt(i, (char) (c + ('a' - 'A')));
      }
    }
    return b == null ? s : b.toString();
  }

  @Override
  public String toString() {
    return "RoomQuery" + words;
  }

}
