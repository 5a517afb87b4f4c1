package chat.server.it.sdk;

import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.protocol.Event;
import chat.protocol.Result;
import chat.server.it.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network between the SDK and the server breaks while messages flow (a relay in the test
 * resets the connection, or silently stops passing bytes): nothing is lost, nothing repeated.
 */
class SdkNetworkDropIT {
  @TempDir Path tmp;

  @Test
  void resettingTheConnectionWhileMessagesFlowLosesAndRepeatsNothing() throws Exception {
    try (ServerProcess server = Sdk.fastServer(tmp.resolve("data"));
        TcpProxy link = new TcpProxy(server.wsPort())) {
      Recorder aliceInbox = new Recorder();
      ChatClient bob = connected(server.wsUri(), "bob", new Recorder());
      ChatClient alice = Sdk.client(link.wsUri(), "alice", aliceInbox).historyPage(25).build();
      try (bob; alice) {
        await(alice.connect());
        await(bob.createRoom("busy", "", false));
        await(alice.join("busy"));

        // five rounds: bob and alice pipeline sends, and the link is reset while they flow
        List<CompletableFuture<Result.Sent>> sends = new ArrayList<>();
        int cuts = 5;
        for (int round = 0; round < cuts; round++) {
          awaitConnected(alice, link, round + 1);
          for (int i = round * 60 + 1; i <= round * 60 + 60; i++) {
            sends.add(bob.send("#busy", "b" + i));
            if (i % 3 == 0) {
              sends.add(alice.send("#busy", "a" + i, "a-" + i)); // through the breaking link
            }
            if (i == round * 60 + 30) {
              link.cut(); // events, requests and replies in flight are lost with it
            }
          }
        }
        for (CompletableFuture<Result.Sent> f : sends) {
          await(f);
        }
        await(bob.send("#busy", "last"));
        aliceInbox.awaitText("#busy", "last");

        aliceInbox.assertExactlyOnceInOrder("#busy", 401);
        assertEquals(300, aliceInbox.messages().stream().filter(m -> m.from().equals("bob")
            && m.text().startsWith("b")).count());
        Map<String, Integer> cids = new HashMap<>();
        for (Event.Message m : SdkReconnectIT.allHistory(bob, "#busy")) {
          cids.merge(m.text(), 1, Integer::sum);
        }
        assertEquals(401, cids.size(), "every send stored");
        assertTrue(cids.values().stream().allMatch(n -> n == 1), "none stored twice");
        assertTrue(link.accepted() > cuts, "reconnected after each of " + cuts + " cuts");
      }
    }
  }

  /** Waits (bounded) until the client is connected over the link's {@code n}th connection. */
  private static void awaitConnected(ChatClient client, TcpProxy link, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (link.accepted() < n || client.state() != ChatClient.State.CONNECTED) {
      assertTrue(System.nanoTime() < deadline, "not reconnected: " + client.state());
      LockSupport.parkNanos(1_000_000); // poll the state; bounded by the deadline
    }
  }

  @Test
  void aLinkThatGoesSilentIsDetectedByPingsAndCaughtUpAfter() throws Exception {
    try (ServerProcess server = Sdk.fastServer(tmp.resolve("data"));
        TcpProxy link = new TcpProxy(server.wsPort())) {
      Recorder aliceInbox = new Recorder();
      ChatClient bob = connected(server.wsUri(), "bob", new Recorder());
      ChatClient alice = Sdk.client(link.wsUri(), "alice", aliceInbox)
          .pingInterval(Duration.ofSeconds(1)).build();
      try (bob; alice) {
        await(alice.connect());
        await(bob.send("@alice", "before"));
        aliceInbox.awaitText("@bob", "before");

        link.stall(); // no FIN, no RST: only missing pongs tell; her next connection works
        for (int i = 1; i <= 20; i++) {
          await(bob.send("@alice", "during " + i));
        }
        Recorder.Disconnected lost = aliceInbox.next(Recorder.Disconnected.class);
        aliceInbox.awaitText("@bob", "during 20");
        await(bob.send("@alice", "after"));
        aliceInbox.awaitText("@bob", "after");

        aliceInbox.assertExactlyOnceInOrder("@bob", 22);
        assertTrue(lost.code() != 1000, "an abnormal close: " + lost);
      }
    }
  }
}
