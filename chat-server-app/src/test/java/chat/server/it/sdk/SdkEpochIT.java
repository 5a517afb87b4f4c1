package chat.server.it.sdk;

import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.server.it.ServerProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server comes back with an empty store (a fresh data directory) on the same port: the SDK
 * reports the new epoch, registers its account again, and delivers the new store's messages
 * from seq 1.
 */
class SdkEpochIT {
  @TempDir Path tmp;

  @Test
  void aFreshStoreIsReportedAsANewEpochAndFollowedFromItsStart() throws Exception {
    ServerProcess old = Sdk.fastServer(tmp.resolve("old"));
    ServerProcess fresh = null;
    Recorder aliceInbox = new Recorder();
    try (ChatClient alice = connected(old.wsUri(), "alice", aliceInbox)) {
      try (ChatClient bob = connected(old.wsUri(), "bob", new Recorder())) {
        for (int i = 1; i <= 5; i++) {
          await(bob.send("@alice", "old " + i));
        }
        aliceInbox.awaitText("@bob", "old 5");
      }
      String oldEpoch = alice.epoch();

      old.kill9();
      fresh = ServerProcess.startOnPort(tmp.resolve("fresh"), old.wsPort(), Sdk.FAST);
      Recorder.EpochChanged changed = aliceInbox.next(Recorder.EpochChanged.class);
      assertEquals(oldEpoch, changed.previous());
      assertNotEquals(oldEpoch, changed.epoch());
      aliceInbox.next(Recorder.StateChanged.class, s -> s.state() == ChatClient.State.CONNECTED);
      assertEquals(changed.epoch(), alice.epoch());

      try (ChatClient bob = connected(fresh.wsUri(), "bob", new Recorder())) {
        await(bob.send("@alice", "new 1"));
        await(bob.send("@alice", "new 2"));
      }
      aliceInbox.awaitText("@bob", "new 2");
      assertEquals(java.util.List.of(1L, 2L, 3L, 4L, 5L, 1L, 2L), aliceInbox.seqs("@bob"),
          "the old store's 1-5, then the new store's from 1");
      assertEquals(java.util.Map.of("@bob", 2L), alice.lastSeen());
    } finally {
      old.close();
      if (fresh != null) {
        fresh.close();
      }
    }
  }
}
