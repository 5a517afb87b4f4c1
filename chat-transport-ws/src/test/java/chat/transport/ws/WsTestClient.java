package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.protocol.Event;
import chat.protocol.FrameCodec;
import chat.protocol.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChatPeer} over a {@link RawWebSocket}: a reader thread decodes every text frame into
 * an event, counts pings and (unless told not to) answers them, and records how the connection
 * ended.
 */
final class WsTestClient extends ChatPeer {
  private static final FrameCodec CODEC = new FrameCodec();

  private final RawWebSocket ws;
  private final boolean answerPings;
  private final AtomicInteger pings = new AtomicInteger();
  final Event.Hello hello;

  private WsTestClient(RawWebSocket ws, boolean answerPings) throws IOException {
    this.ws = ws;
    this.answerPings = answerPings;
    // Read synchronously: the hello must be the very first frame.
    this.hello = assertInstanceOf(Event.Hello.class, CODEC.decodeEvent(ws.readText()));
    Thread reader = new Thread(this::readLoop, "ws-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Takes over an upgraded connection and reads its hello. */
  static WsTestClient connect(RawWebSocket ws) throws IOException {
    return new WsTestClient(ws, true);
  }

  static WsTestClient connect(int port) throws IOException {
    return connect(RawWebSocket.connect(port));
  }

  /** A client that reads but never answers pings, as a dead-but-open peer would. */
  static WsTestClient connectNoPongs(int port) throws IOException {
    return new WsTestClient(RawWebSocket.connect(port), false);
  }

  private void readLoop() {
    try {
      RawWebSocket.Closed end = ws.readUntilClose(0, frame -> {
        switch (frame.opcode()) {
          case RawWebSocket.TEXT -> received(CODEC.decodeEvent(frame.text()));
          case RawWebSocket.PING -> {
            pings.incrementAndGet();
            if (answerPings) {
              try {
                ws.sendFrame(true, RawWebSocket.PONG, frame.payload());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          }
          default -> { } // pongs: nothing to do
        }
      });
      ended(end, null);
    } catch (IOException | RuntimeException e) {
      ended(null, e);
    }
  }

  RawWebSocket raw() {
    return ws;
  }

  int pingsReceived() {
    return pings.get();
  }

  @Override
  void send(Request request) throws IOException {
    ws.sendText(CODEC.encode(request));
  }

  @Override
  public void close() {
    ws.close();
  }
}
