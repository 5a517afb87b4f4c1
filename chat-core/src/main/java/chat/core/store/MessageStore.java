package chat.core.store;

import java.util.List;

/**
 * Messages, per conversation, each with a seq that starts at 1 and grows by exactly 1.
 * Implementations are thread-safe.
 */
public interface MessageStore {

  /**
   * Identifies this store's history: created with the store and changed only when history was
   * lost (a new, empty store).
   */
  String epoch();

  /**
   * Appends a message, as one atomic step: allocate the conversation's next seq, insert, and
   * enforce uniqueness of (conversation, sender, cid). The listener learns the outcome only once
   * the message is durable. May complete on another thread; see {@link AppendListener} for the
   * ordering guarantee.
   */
  void append(NewMessage message, AppendListener listener);

  /** Up to {@code limit} messages with seq greater than {@code afterSeq}, ascending. */
  List<StoredMessage> after(ConvId conv, long afterSeq, int limit);

  /**
   * The latest {@code limit} messages with seq less than {@code beforeSeq}, ascending. Use
   * {@link Long#MAX_VALUE} for the latest messages of the conversation.
   */
  List<StoredMessage> before(ConvId conv, long beforeSeq, int limit);

  /** The seq of the conversation's last message, or 0 if it has none. */
  long lastSeq(ConvId conv);

  /**
   * Erases a conversation: every message, and its counter, so that a room created again under
   * the same name starts at seq 1.
   */
  void deleteConversation(ConvId conv);

  /** The direct conversations {@code user} is a party of that have at least one message. */
  List<ConvId> directConversations(String user);
}
