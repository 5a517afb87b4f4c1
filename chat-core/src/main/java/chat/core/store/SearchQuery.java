package chat.core.store;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A full-text search for {@link MessageStore#search}: the messages of {@code convs} whose current
 * text has, for each of {@code terms}, a word that starts with it (terms as
 * {@link SearchText#words} makes them); never deleted ones. Results come newest first: by ts,
 * then conversation key, then seq, all descending. {@code after} (null for the first page) is
 * the last message of the previous page: only messages after it in that order are wanted.
 */
public record SearchQuery(List<ConvId> convs, List<String> terms, Position after, int limit) {
  public SearchQuery {
    convs = List.copyOf(convs);
    terms = List.copyOf(terms);
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("a search needs at least one term");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
  }

  /** A message's place in the result order. */
  public record Position(long ts, String convKey, long seq) {
    public Position {
      requireNonNull(convKey, "convKey is null");
    }

    public static Position of(StoredMessage m) {
      return new Position(m.ts(), m.conv().key(), m.seq());
    }

    /** Whether {@code m} lies beyond this position: older, in the newest-first order. */
    public boolean isBeyond(StoredMessage m) {
      if (m.ts() != ts) {
        return m.ts() < ts;
      }
      int byConv = m.conv().key().compareTo(convKey);
      return byConv != 0 ? byConv < 0 : m.seq() < seq;
    }
  }
}
