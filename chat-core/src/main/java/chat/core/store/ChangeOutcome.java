package chat.core.store;

/**
 * What {@link MessageStore#change} did.
 *
 * @param status whether the change was made, and if not why
 * @param message the message as it is now (null for {@link Status#NOT_FOUND})
 * @param rev the change's rev when {@link Status#APPLIED}; for {@link Status#UNCHANGED} the rev
 *     of the message's last change (the delete, for a message deleted already)
 */
public record ChangeOutcome(Status status, StoredMessage message, long rev) {

  public enum Status {
    /** Made, under a new rev. */
    APPLIED,
    /** Nothing to do (a reaction already so, a message deleted already): no new rev. */
    UNCHANGED,
    /** No message with that seq. */
    NOT_FOUND,
    /** Refused: the message is deleted. */
    DELETED,
    /** Refused: the message would have too many distinct emoji. */
    TOO_MANY_EMOJI
  }
}
