package chat.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * What the client tests against a {@link FakeServer} share: the recorded listener, the scripted
 * server and the client under test, both closed after each test.
 */
abstract class ScriptedServerTest {
  final Recorder recorder = new Recorder();
  FakeServer server;
  ChatClient client;

  @AfterEach
  void closeClientAndServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /**
   * Starts a scripted server and returns a builder of a client for it, its calls recorded and
   * reconnecting within 20 ms; without a sign-in (add login(), register() or token()).
   */
  ChatClient.Builder scripted() throws InterruptedException {
    server = new FakeServer();
    return ChatClient.builder(server.uri()).listener(recorder)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(20));
  }

  /**
   * Builds the client, signs it in on the scripted server (epoch e1) with these pairs of
   * conversation and last seq, and waits until it is connected; returns the server's side.
   */
  FakeServer.Conn connected(ChatClient.Builder b, Object... convAndLastSeq) throws Exception {
    client = b.build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLogin("e1", convAndLastSeq);
    client.connect().get(10, TimeUnit.SECONDS);
    return conn;
  }

  /** {@link #scripted()}, signing in as alice. */
  ChatClient.Builder builder() throws InterruptedException {
    return scripted().login("alice", "password1");
  }
}
