package chat.store.jdbc;

import chat.core.store.AppendListener;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;

/**
 * One append queued for the {@link GroupCommitWriter} and, once its {@link BatchAppender} has
 * run it, its outcome: written by the writer thread, read by the notifier thread after the
 * hand-off (the hand-off queue's put/take orders the two).
 */
final class QueuedAppend {
  final NewMessage message;
  final AppendListener listener;
  private StoredMessage stored;
  private boolean duplicate;
  private Throwable failure;

  QueuedAppend(NewMessage message, AppendListener listener) {
    this.message = message;
    this.listener = listener;
  }

  /** Stored as {@code message}; or, if {@code duplicate}, found stored before as it. */
  void stored(StoredMessage message, boolean duplicate) {
    this.stored = message;
    this.duplicate = duplicate;
    this.failure = null;
  }

  /** Nothing was stored. */
  void failed(Throwable cause) {
    this.stored = null;
    this.duplicate = false;
    this.failure = cause;
  }

  StoredMessage stored() {
    return stored;
  }

  boolean duplicate() {
    return duplicate;
  }

  Throwable failure() {
    return failure;
  }
}
