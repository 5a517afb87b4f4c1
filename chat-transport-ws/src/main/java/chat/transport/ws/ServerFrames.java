package chat.transport.ws;

import chat.core.Outbound;
import java.nio.ByteBuffer;

/**
 * Server-to-client WebSocket text frames (RFC 6455: FIN, opcode 1, unmasked), built once per
 * event. Core hands the same {@link Outbound} to every receiver of a room event, one receiver
 * after another on one thread, so a one-entry cache per thread builds the frame once for all of
 * them; the buffer returned is shared and must only be read (through a duplicate).
 */
final class ServerFrames {
  private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[2]);

  private ServerFrames() {}

  /** The whole frame (header and payload) for {@code out}; read-only, position 0. */
  static ByteBuffer textFrame(Outbound out) {
    Object[] last = LAST.get();
    if (last[0] == out) {
      return (ByteBuffer) last[1];
    }
    ByteBuffer frame = build(out.utf8());
    last[0] = out;
    last[1] = frame;
    return frame;
  }

  static ByteBuffer build(byte[] payload) {
    int len = payload.length;
    int header = WsSession.headerBytes(len);
    byte[] f = new byte[header + len];
    f[0] = (byte) 0x81; // FIN, text
    if (len <= 125) {
      f[1] = (byte) len;
    } else if (len <= 65_535) {
      f[1] = 126;
      f[2] = (byte) (len >>> 8);
      f[3] = (byte) len;
    } else {
      f[1] = 127;
      long l = len;
      for (int i = 0; i < 8; i++) {
        f[2 + i] = (byte) (l >>> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, f, header, len);
    return ByteBuffer.wrap(f).asReadOnlyBuffer();
  }
}
