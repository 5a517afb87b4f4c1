package chat.server.it.sdk;

import static chat.server.it.sdk.Sdk.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.server.it.ServerProcess;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client never keeps the JVM alive, and close() ends its threads. */
class SdkThreadsIT {
  @TempDir Path tmp;

  private static List<Thread> startedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive()).toList();
  }

  @Test
  void allThreadsAreDaemonsAndCloseEndsThem() throws Exception {
    try (ServerProcess server = Sdk.fastServer(tmp.resolve("data"))) {
      Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
      ChatClient alice = Sdk.connected(server.wsUri(), "alice", new Recorder());
      ChatClient bob = Sdk.connected(server.wsUri(), "bob", new Recorder());
      await(alice.send("@bob", "hi"));
      await(bob.send("@alice", "hi"));

      List<Thread> started = startedSince(before);
      assertTrue(started.stream().anyMatch(t -> t.getName().startsWith("chat-client-")),
          started.toString());
      List<String> nonDaemons = started.stream().filter(t -> !t.isDaemon())
          .map(Thread::getName).toList();
      assertEquals(List.of(), nonDaemons, "threads that would keep a JVM alive");

      alice.close();
      bob.close();

      List<String> clientThreads = startedSince(before).stream().map(Thread::getName)
          .filter(n -> n.startsWith("chat-client-")).toList();
      assertEquals(List.of(), clientThreads, "client threads alive after close() returned");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      List<Thread> left = startedSince(before);
      while (!left.isEmpty() && System.nanoTime() < deadline) {
        left.get(0).join(100);
        left = startedSince(before);
      }
      assertEquals(List.of(), left.stream().map(Thread::getName).toList(),
          "threads (e.g. of the WebSocket library) left after close");
    }
  }
}
