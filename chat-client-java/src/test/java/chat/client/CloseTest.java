package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client never keeps a JVM alive, and close() ends its threads. */
class CloseTest {

  private static Set<Thread> liveThreads() {
    return new HashSet<>(Thread.getAllStackTraces().keySet());
  }

  private static List<Thread> newThreads(Set<Thread> before) {
    return liveThreads().stream().filter(t -> !before.contains(t) && t.isAlive()).toList();
  }

  /** Waits (bounded) for the threads started since {@code before} to end. */
  private static List<Thread> awaitGone(Set<Thread> before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<Thread> left = newThreads(before);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      left.get(0).join(100);
      left = newThreads(before);
    }
    return left;
  }

  @Test
  void everyThreadOfAConnectedClientIsADaemonAndCloseEndsThemAll() throws Exception {
    try (FakeServer server = new FakeServer()) {
      Set<Thread> before = liveThreads();
      ChatClient client = ChatClient.builder(server.uri()).login("alice", "password1").build();
      client.connect();
      server.accept().acceptLogin("e1");
      client.connect().get(10, TimeUnit.SECONDS);

      List<Thread> started = newThreads(before);
      assertTrue(started.size() >= 3, "state, event and socket threads: " + started);
      for (Thread t : started) {
        assertTrue(t.isDaemon(), t.getName() + " would keep the JVM alive");
      }

      client.close();

      for (Thread t : started) {
        if (t.getName().startsWith("chat-client-")) {
          assertTrue(!t.isAlive(), t.getName() + " still runs after close() returned");
        }
      }
      assertEquals(List.of(), awaitGone(before), "threads left after close");
      assertEquals(ChatClient.State.CLOSED, client.state());
    }
  }

  @Test
  void closeEndsTheThreadsAtOnceEvenWithAReconnectScheduledFarAhead() throws Exception {
    Set<Thread> before = liveThreads();
    Recorder recorder = new Recorder();
    ChatClient client = ChatClient.builder(java.net.URI.create("ws://127.0.0.1:1/ws"))
        .login("alice", "password1").listener(recorder)
        .backoff(Duration.ofSeconds(60), Duration.ofSeconds(60)).build();
    client.connect();
    assertEquals(-1, recorder.next(Recorder.Disconnected.class).code(), "refused: never opened");

    long start = System.nanoTime();
    client.close();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    recorder.next(Recorder.Closed.class);
    assertTrue(ms < 2_000, "close() took " + ms + " ms");
    for (Thread t : newThreads(before)) { // the client's own threads end before close() returns
      assertTrue(!t.getName().startsWith("chat-client-"), t.getName() + " still runs");
    }
    // The WebSocket library's thread of the refused attempt ends by itself, soon after.
    assertEquals(List.of(), awaitGone(before), "threads left after close");
  }

  @Test
  void closeIsIdempotentAndMayBeCalledFromAListener() throws Exception {
    try (FakeServer server = new FakeServer()) {
      Set<Thread> before = liveThreads();
      Recorder closed = new Recorder();
      ChatClient client = ChatClient.builder(server.uri()).login("alice", "password1")
          .listener(new ChatListener() {
            @Override public void onMessage(ChatClient c, chat.protocol.Event.Message m) {
              c.close(); // from the event thread: must not wait for itself
            }

            @Override public void onClosed(ChatClient c) {
              closed.onClosed(c);
            }
          }).build();
      client.connect();
      FakeServer.Conn conn = server.accept();
      conn.acceptLogin("e1", "@bob", 0);
      conn.live("@bob", 1);

      closed.next(Recorder.Closed.class);
      client.close();
      client.close();
      assertEquals(List.of(), awaitGone(before), "threads left after close");
    }
  }
}
