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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server is killed with SIGKILL and started again on the same data directory and port: the
 * SDK reconnects, logs in with its token and catches up, so its listener sees every message
 * exactly once and in order, and sends made meanwhile are stored exactly once.
 */
class SdkReconnectIT {
  @TempDir Path tmp;

  @Test
  void killDashNineAndRestartLosesNothingAndRepeatsNothing() throws Exception {
    ServerProcess first = Sdk.fastServer(tmp.resolve("data"));
    ServerProcess second = null;
    Recorder aliceInbox = new Recorder();
    try (TcpProxy link = new TcpProxy(first.wsPort());
        ChatClient bob = connected(first.wsUri(), "bob", new Recorder())) {
      ChatClient alice = Sdk.client(link.wsUri(), "alice", aliceInbox).historyPage(7).build();
      try (alice) {
        await(alice.connect());
        await(bob.createRoom("general", "", false));
        await(alice.join("general"));
        String epoch = alice.epoch();

        // 1-10 live in both conversations
        for (int i = 1; i <= 10; i++) {
          await(bob.send("@alice", "dm " + i));
          await(bob.send("#general", "room " + i));
        }
        aliceInbox.awaitText("@bob", "dm 10");
        aliceInbox.awaitText("#general", "room 10");

        // kill -9; alice stays away (her link refuses) while the server comes back and bob,
        // who sends before he has reconnected, gets 11-30 stored
        link.refuse(true);
        first.kill9();
        aliceInbox.next(Recorder.Disconnected.class);
        List<CompletableFuture<Result.Sent>> meanwhile = new ArrayList<>();
        for (int i = 11; i <= 30; i++) {
          meanwhile.add(bob.send("@alice", "dm " + i, "dm-" + i));
          meanwhile.add(bob.send("#general", "room " + i, "room-" + i));
        }
        List<CompletableFuture<Result.Sent>> aliceOffline = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
          aliceOffline.add(alice.send("@bob", "from alice " + i, "alice-" + i));
        }
        second = first.restart(Sdk.FAST);
        for (CompletableFuture<Result.Sent> f : meanwhile) {
          await(f);
        }

        // alice comes back while bob keeps sending: 31-40 arrive during her catch-up
        link.refuse(false);
        for (int i = 31; i <= 40; i++) {
          bob.send("@alice", "dm " + i, "dm-" + i);
          bob.send("#general", "room " + i, "room-" + i);
        }
        for (CompletableFuture<Result.Sent> f : aliceOffline) {
          await(f);
        }
        aliceInbox.awaitText("@bob", "dm 40");
        aliceInbox.awaitText("#general", "room 40");
        await(bob.send("#general", "room 41")); // a last live one: nothing repeated before it
        aliceInbox.awaitText("#general", "room 41");

        aliceInbox.assertExactlyOnceInOrder("#general", 41);
        aliceInbox.assertExactlyOnceInOrder("@bob", 45); // bob's 40 and alice's own 5
        assertTextsOnce(aliceInbox.messages(), "@bob", 40, "dm ");
        assertTextsOnce(aliceInbox.messages(), "@bob", 5, "from alice ");
        assertEquals(epoch, alice.epoch(), "same store, same epoch");
        assertTrue(aliceInbox.calls.stream().noneMatch(c -> c instanceof Recorder.EpochChanged));

        // the store has each of bob's and alice's messages once
        Map<String, Integer> cids = new HashMap<>();
        for (Event.Message m : allHistory(bob, "@alice")) {
          cids.merge(m.cid(), 1, Integer::sum);
        }
        assertEquals(45, cids.size());
        assertTrue(cids.values().stream().allMatch(n -> n == 1), cids.toString());
      }
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  private static void assertTextsOnce(List<Event.Message> messages, String conv, int n,
      String prefix) {
    List<String> texts = messages.stream().filter(m -> m.conv().equals(conv))
        .map(Event.Message::text).filter(t -> t.startsWith(prefix)).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      expected.add(prefix + i);
    }
    assertEquals(expected.size(), texts.size(), texts.toString());
    assertTrue(texts.containsAll(expected), texts.toString());
  }

  static List<Event.Message> allHistory(ChatClient client, String conv) throws Exception {
    List<Event.Message> all = new ArrayList<>();
    long after = 0;
    while (true) {
      Result.History page = await(client.history(conv, after, null, 100));
      all.addAll(page.messages());
      if (!page.more()) {
        return all;
      }
      after = page.messages().get(page.messages().size() - 1).seq();
    }
  }

  /**
   * The server stores a send and acknowledges it, but the acknowledgement is lost with the
   * connection: the SDK resends the same cid after reconnecting and gets the same seq back, and
   * the message is stored and delivered once.
   */
  @Test
  void aSendWhoseAcknowledgementWasLostIsStoredOnce() throws Exception {
    try (ServerProcess server = Sdk.fastServer(tmp.resolve("data"));
        TcpProxy link = new TcpProxy(server.wsPort())) {
      Recorder bobInbox = new Recorder();
      Recorder aliceInbox = new Recorder();
      ChatClient bob = connected(server.wsUri(), "bob", bobInbox);
      ChatClient alice = Sdk.client(link.wsUri(), "alice", aliceInbox).build();
      try (bob; alice) {
        await(alice.connect());
        link.dropReplies(); // the server hears alice; she hears nothing
        CompletableFuture<Result.Sent> sent = alice.send("@bob", "exactly once", "once-1");
        Event.Message atBob = bobInbox.nextMessage("@alice"); // so it is stored
        link.cut(); // her next connection works again

        Result.Sent result = await(sent);
        assertEquals(atBob.seq(), result.seq(), "the resend got the first send's seq");
        List<Event.Message> stored = allHistory(bob, "@alice");
        assertEquals(1, stored.stream().filter(m -> m.cid().equals("once-1")).count());
        assertTrue(link.accepted() >= 2, "it reconnected");
        await(bob.send("@alice", "after"));
        aliceInbox.awaitText("@bob", "after");
        aliceInbox.assertExactlyOnceInOrder("@bob", 2);
      }
    }
  }
}
