package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.protocol.Event;
import chat.protocol.FrameCodec;
import chat.protocol.Request;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * A {@link ChatPeer} over the JDK's {@code java.net.http} WebSocket: a normal, independent client
 * implementation (it answers pings, reassembles fragments, validates what it receives), for the
 * happy paths.
 */
final class JdkWsClient extends ChatPeer {
  private static final FrameCodec CODEC = new FrameCodec();

  private final WebSocket ws;
  final Event.Hello hello;

  private JdkWsClient(WebSocket ws, Listener listener) throws InterruptedException {
    this.ws = ws;
    listener.attach(this);
    this.hello = assertInstanceOf(Event.Hello.class, next());
  }

  static JdkWsClient connect(URI uri) throws Exception {
    return connect(uri, null);
  }

  /** Opens {@code uri} ({@code ws:} or {@code wss:} trusting {@code tls}) and reads the hello. */
  static JdkWsClient connect(URI uri, SSLContext tls) throws Exception {
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (tls != null) {
      http.sslContext(tls);
    }
    Listener listener = new Listener();
    WebSocket ws = http.build().newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, listener)
        .get(10, TimeUnit.SECONDS);
    return new JdkWsClient(ws, listener);
  }

  /** Reassembles text frames into events, holding them until the client is attached. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private final List<Event> early = new ArrayList<>();
    private RawWebSocket.Closed earlyEnd;
    private Throwable earlyError;
    private JdkWsClient peer; // guarded by this

    synchronized void attach(JdkWsClient c) {
      peer = c;
      early.forEach(c::received);
      early.clear();
      if (earlyEnd != null || earlyError != null) {
        c.ended(earlyEnd, earlyError);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        Event e = CODEC.decodeEvent(text.toString());
        text.setLength(0);
        synchronized (this) {
          if (peer == null) {
            early.add(e);
          } else {
            peer.received(e);
          }
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public synchronized CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      if (peer == null) {
        earlyEnd = new RawWebSocket.Closed(statusCode, reason);
      } else {
        peer.ended(new RawWebSocket.Closed(statusCode, reason), null);
      }
      return null; // the JDK answers the close
    }

    @Override
    public synchronized void onError(WebSocket ws, Throwable error) {
      if (peer == null) {
        earlyError = error;
      } else {
        peer.ended(null, error);
      }
    }
  }

  @Override
  void send(Request request) throws IOException {
    try {
      ws.sendText(CODEC.encode(request), true).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    ws.abort();
  }
}
