package chat.core.store;

/**
 * Learns the outcome of a queued read-marker move ({@link AccountStore#advanceReadMarker(String,
 * ConvId, long, ReadMarkerListener)}). Exactly one method is called, once. Listeners must be
 * quick and must not block: they run on a thread of the store's, or on the calling thread.
 */
public interface ReadMarkerListener {

  /**
   * The marker is durably at or past the move's seq. {@code moved}: whether this move raised it,
   * as if each move were written alone in the order they were made (false if it already was).
   */
  void stored(boolean moved);

  /** The move was not stored (the marker is where it was). */
  void failed(Throwable cause);
}
