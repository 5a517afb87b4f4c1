package chat.core.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
   * Appends a message, as one atomic step: allocate the conversation's next seq, insert, enforce
   * uniqueness of (conversation, sender, cid), and attach the message's files. The listener
   * learns the outcome only once the message is durable. May complete on another thread; see
   * {@link AppendListener} for the ordering guarantee.
   *
   * <p>Files: a repeated cid is answered with the first message whatever its files. Otherwise
   * each file must, at that moment, be a pending file of the sender ({@link FileStore}); if one
   * is not (unknown, someone else's, or attached already, e.g. by a concurrent append), nothing
   * is stored and the listener is told {@link AppendListener#failed} with a {@link
   * FilesUnavailableException}.
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

  /** The message with this seq as it now is, or empty. */
  Optional<StoredMessage> message(ConvId conv, long seq);

  /**
   * Changes a message as one durable step: checks it (see {@link MessageChange}), applies it
   * (a delete erases the message's files, row and bytes),
   * assigns the conversation's next rev (revs start at 1 and grow by exactly 1 per change, like
   * seqs per message) and records the change for {@link #updatesAfter}. Returns once durable.
   * Who may make the change is the caller's business.
   */
  ChangeOutcome change(ConvId conv, long seq, MessageChange change);

  /** The rev of the conversation's last change, or 0 if none. */
  long lastRev(ConvId conv);

  /** A conversation's last seq and last rev (0 and 0 when it has neither). */
  record Heads(long lastSeq, long lastRev) {}

  /**
   * {@link #lastSeq} and {@link #lastRev} of each of {@code convs} (a sign-in on a cluster node
   * reads them for every conversation of the user). Stores that can answer in one query
   * override it; the default asks twice per conversation.
   */
  default Map<ConvId, Heads> heads(Collection<ConvId> convs) {
    Map<ConvId, Heads> heads = new HashMap<>();
    for (ConvId conv : convs) {
      heads.put(conv, new Heads(lastSeq(conv), lastRev(conv)));
    }
    return heads;
  }

  /** Up to {@code limit} recorded changes with rev greater than {@code afterRev}, ascending. */
  List<StoredUpdate> updatesAfter(ConvId conv, long afterRev, int limit);

  /**
   * Erases a conversation: every message, reaction, file and recorded change, and its counters,
   * so that a room created again under the same name starts at seq 1 and rev 1. Called once the
   * room is gone from the account store; a store that keeps the rooms beside the messages (the
   * JDBC ones) erases nothing of a room that exists again by then (created meanwhile by another
   * process or node): what the conversation holds is that room's.
   */
  void deleteConversation(ConvId conv);

  /**
   * Up to {@code query.limit()} messages that match the query, newest first (see
   * {@link SearchQuery} for the order, the paging and what matches). Sees the current text of
   * edited messages and never a deleted one.
   *
   * @throws SearchTooBroadException if a store whose index serves every conversation stopped the
   *     search because it ran too long
   */
  List<StoredMessage> search(SearchQuery query);

  /** The direct conversations {@code user} is a party of that have at least one message. */
  List<ConvId> directConversations(String user);
}
