package chat.store.jdbc;

import chat.core.store.NewMessage;
import java.sql.SQLException;

/**
 * Points in the group-commit writer where tests can pause it or inject a failure. Called on the
 * writer thread (never the notifier thread, which runs the append listeners). Production uses
 * {@link #NONE}.
 */
interface WriterHooks {
  WriterHooks NONE = new WriterHooks() {};

  /** A batch begins: its first append was taken; the rest are drained from the queue after this. */
  default void batchStarting() throws InterruptedException {}

  /**
   * {@code message} was inserted, inside the batch's transaction (and, when a failed batch is
   * stored again one message at a time, inside its savepoint). A failure here fails this
   * message alone.
   */
  default void inserted(NewMessage message) throws SQLException {}

  /** The batch's transaction is about to commit. */
  default void committing(int batchSize) throws SQLException {}

  /**
   * The batch's transaction committed; its listeners have not been handed to the notifier yet
   * (the writer may block on a full hand-off right after this). Not called for a failed batch.
   */
  default void committed(int batchSize) {}
}
