package chat.store.jdbc;

import java.util.List;

/** Stores the batches of a {@link GroupCommitWriter}, on its writer thread. */
interface BatchAppender {

  /**
   * Stores {@code batch} in one transaction and sets each append's outcome: stored, a duplicate
   * of one stored before, or failed alone (the others still stored, with gapless seqs).
   *
   * @throws RuntimeException if the transaction failed: none of the batch was stored, and the
   *     writer reports every append failed
   */
  void append(List<QueuedAppend> batch);
}
