package chat.core.store;

/**
 * A search that the store stopped because it ran past the time one search may take: its words
 * match too much of the whole server's messages (the index is shared by every conversation, so
 * what a search costs grows with everyone's messages, not with the user's). Nothing is wrong with
 * the store; the user should search for longer or rarer words, or in one conversation.
 */
public final class SearchTooBroadException extends RuntimeException {
  public SearchTooBroadException(long budgetMs) {
    super("the search ran past its " + budgetMs + " ms", null, false, false);
  }
}
