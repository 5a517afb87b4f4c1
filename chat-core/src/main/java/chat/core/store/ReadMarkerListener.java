package chat.core.store;

/**
 * Learns the outcome of a queued read-marker move ({@link AccountStore#advanceReadMarker(String,
 * ConvId, long, ReadMarkerListener)}). Exactly one method is called, once. Listeners must be
 * quick and must not block: they run on a thread of the store's, or on the calling thread.
 */
public interface ReadMarkerListener {

  /**
   * The marker is durably at or past the move's seq. {@code moved} is true for the move that
   * raised it there; false if it already was, or if a later move of the same marker to a higher
   * seq, stored in the same write, raised it instead.
   */
  void stored(boolean moved);

  /** The move was not stored (the marker is where it was). */
  void failed(Throwable cause);
}
