package chat.transport.ws;

import chat.core.Outbound;
import java.nio.ByteBuffer;

/**
 * Server-to-client WebSocket text frames (RFC 6455: FIN, opcode 1, unmasked). The frame of an
 * event is built once, by the first session that sends it, and kept with the event ({@link
 * Outbound#encoded}), so every other receiver of a room event shares its bytes.
 */
final class ServerFrames {
  /** The key of this transport's encoding in {@link Outbound#encoded}. */
  private static final Object TEXT_FRAME = new Object();

  private ServerFrames() {}

  /** The whole frame (header and payload) for {@code out}; read-only, position 0, shared. */
  static ByteBuffer textFrame(Outbound out) {
    return out.encoded(TEXT_FRAME, e -> build(e.utf8()));
  }

  static ByteBuffer build(byte[] payload) {
    int len = payload.length;
    int header = headerBytes(len);
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

  /** Size of an unmasked server frame header for a payload of this length. */
  static int headerBytes(int payloadLength) {
    return payloadLength <= 125 ? 2 : payloadLength <= 65_535 ? 4 : 10;
  }
}
