package chat.transport.ws;

import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.protocols.Protocol;

/**
 * RFC 6455 with no extensions (so no permessage-deflate) and a limit on the size of a whole
 * message. Java-WebSocket checks each frame against {@code maxFrameSize} but does not check the
 * continuation frames in the middle of a fragmented message (its issue #1508), so a client could
 * grow one message without bound; this draft sums the fragments and closes with 1009 as soon as
 * the total passes the limit. One instance per connection ({@link #copyInstance()}).
 */
final class MessageSizeLimitDraft extends Draft_6455 {
  private final int maxMessageBytes;
  private long messageBytes; // only accessed by the connection's decoder thread

  MessageSizeLimitDraft(int maxMessageBytes) {
    super(List.of(), List.of(new Protocol("")), maxMessageBytes);
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public Draft copyInstance() {
    return new MessageSizeLimitDraft(maxMessageBytes);
  }

  @Override
  public void processFrame(WebSocketImpl conn, Framedata frame) throws InvalidDataException {
    Opcode op = frame.getOpcode();
    if (op == Opcode.TEXT || op == Opcode.BINARY || op == Opcode.CONTINUOUS) {
      if (op != Opcode.CONTINUOUS) {
        messageBytes = 0;
      }
      messageBytes += frame.getPayloadData().remaining();
      if (messageBytes > maxMessageBytes) {
        throw new LimitExceededException("message larger than " + maxMessageBytes + " bytes",
            maxMessageBytes);
      }
      if (frame.isFin()) {
        messageBytes = 0;
      }
    }
    super.processFrame(conn, frame);
  }
}
