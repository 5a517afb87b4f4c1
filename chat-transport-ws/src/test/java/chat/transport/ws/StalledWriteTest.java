package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.ChatService;
import chat.core.Connection;
import chat.core.Session;
import chat.protocol.Request;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.TextFrame;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.server.DefaultWebSocketServerFactory;
import org.junit.jupiter.api.Test;

/**
 * Java-WebSocket 1.6.0 can leave a queued frame without write interest (its selector thread
 * resets a drained connection to OP_READ after another thread queued more): the frame then waits
 * for the next write, up to a ping interval. {@link ChatWebSocketServer#flushStalled} repairs
 * that state; this test puts a connection into it on purpose.
 */
class StalledWriteTest {

  /** A core that accepts connections and ignores what they send. */
  private static final class SilentChat implements ChatService {
    @Override public void start() {}

    @Override public Connection open(Session session) {
      return new Connection() {
        @Override public void receive(Request request) {}

        @Override public void receiveInvalid(String re, String reason) {}

        @Override public void receiveFrame(String frame) {}

        @Override public void closed() {}

        @Override public String user() {
          return null;
        }
      };
    }

    @Override public void stop() {}

    @Override public int connectionCount() {
      return 0;
    }
  }

  @Test
  void aFrameQueuedWithoutWriteInterestIsSentByTheSweep() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    WsConfig config = WsConfig.loopback();
    ChatWebSocketServer server = new ChatWebSocketServer(new SilentChat(),
        new WsConfig(config.host(), 0, config.allowedOrigins(), 600, 10_000, 1 << 20, 1, null),
        new Origins(config.allowedOrigins()), 65_536, new CountingServerFactory(new DefaultWebSocketServerFactory()), timer);
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocketClient client = null;
    try {
      server.start();
      server.started.get(10, TimeUnit.SECONDS);
      client = new WebSocketClient(URI.create("ws://127.0.0.1:" + server.getPort() + "/ws"),
          new Draft_6455(), Map.of(), 5_000) {
        @Override public void onOpen(ServerHandshake handshake) {}

        @Override public void onMessage(String message) {
          received.add(message);
        }

        @Override public void onClose(int code, String reason, boolean remote) {}

        @Override public void onError(Exception ex) {}
      };
      assertTrue(client.connectBlocking(10, TimeUnit.SECONDS));
      WebSocketImpl conn = awaitConnection(server);

      // The state the race leaves behind: a frame in the queue, the key reading only.
      conn.getSelectionKey().interestOps(SelectionKey.OP_READ);
      TextFrame frame = new TextFrame();
      frame.setPayload(ByteBuffer.wrap("stuck".getBytes(StandardCharsets.UTF_8)));
      frame.setFin(true);
      conn.outQueue.put(conn.getDraft().createBinaryFrame(frame)); // no ping for 10 minutes
      assertNull(received.poll(300, TimeUnit.MILLISECONDS), "the frame is stuck, as in the race");

      server.flushStalled();

      assertEquals("stuck", received.poll(5, TimeUnit.SECONDS));
    } finally {
      if (client != null) {
        client.closeBlocking();
      }
      server.stop(1_000);
      timer.shutdownNow();
    }
  }

  private static WebSocketImpl awaitConnection(ChatWebSocketServer server)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<WebSocket> open = List.copyOf(server.getConnections());
      if (!open.isEmpty() && open.get(0).isOpen()) {
        return (WebSocketImpl) open.get(0);
      }
      assertTrue(System.nanoTime() < deadline, "no server-side connection");
      Thread.sleep(5); // polling a library's state, bounded by the deadline
    }
  }
}
