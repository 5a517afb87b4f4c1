package chat.transport.ws;

import java.nio.ByteBuffer;

/**
 * Collects the bytes of an HTTP upgrade request until the blank line that ends its head, with a
 * cap. The loop hands the whole head to Java-WebSocket in one piece: the library, given a head in
 * parts, copies all it has so far on every part (a cost that grows with the square of the head's
 * size), and has no limit of its own. Loop thread only.
 */
final class HandshakeHead {
  private final int maxBytes;
  private byte[] bytes = new byte[512];
  private int size;
  /** How much of "\r\n\r\n" the bytes so far end with. */
  private int matched;
  private boolean complete;

  HandshakeHead(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Outcome of {@link #append}. */
  enum State { INCOMPLETE, COMPLETE, TOO_LARGE }

  /**
   * Takes bytes read from the client. Once the head is complete, {@link #take} returns it with the
   * bytes that followed it in the same read (the first frames of a client that does not wait for
   * the response).
   */
  State append(ByteBuffer data) {
    if (complete) {
      throw new IllegalStateException("head already complete");
    }
    int n = data.remaining();
    int end = -1;
    for (int i = 0; i < n; i++) {
      byte b = data.get(data.position() + i);
      if (b == (matched % 2 == 0 ? '\r' : '\n')) {
        matched++;
      } else {
        matched = b == '\r' ? 1 : 0;
      }
      if (matched == 4) {
        end = i + 1;
        break;
      }
      if (size + i + 1 > maxBytes) {
        return State.TOO_LARGE;
      }
    }
    ensureCapacity(size + n);
    data.get(bytes, size, n);
    size += n;
    if (end < 0) {
      return State.INCOMPLETE;
    }
    complete = true;
    return State.COMPLETE;
  }

  /** The head and what followed it, once {@link State#COMPLETE}; the collected bytes are freed. */
  ByteBuffer take() {
    ByteBuffer all = ByteBuffer.wrap(bytes, 0, size);
    bytes = null;
    return all;
  }

  boolean isComplete() {
    return complete;
  }

  private void ensureCapacity(int needed) {
    if (needed > bytes.length) {
      byte[] bigger = new byte[Math.max(needed, Math.min(bytes.length * 2, maxBytes + 65_536))];
      System.arraycopy(bytes, 0, bigger, 0, size);
      bytes = bigger;
    }
  }
}
