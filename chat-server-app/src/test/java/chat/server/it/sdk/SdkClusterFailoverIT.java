package chat.server.it.sdk;

import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.cluster.redis.PrivateRedis;
import chat.protocol.Event;
import chat.protocol.Result;
import chat.server.it.ServerProcess;
import chat.store.jdbc.PrivatePostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes behind a load balancer; the node an SDK client is on is killed with SIGKILL while
 * messages keep coming from a user on another node: the client reconnects through the balancer
 * to a live node and sees every message exactly once, in order; its own sends made meanwhile are
 * stored once.
 */
class SdkClusterFailoverIT {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  @RegisterExtension
  static final PrivateRedis redis = new PrivateRedis();

  @TempDir Path tmp;

  @Test
  void aKilledNodesClientsCarryOnOnAnotherExactlyOnce() throws Exception {
    String db = postgres.newDatabase();
    List<ServerProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(Sdk.fastServer(tmp.resolve("node" + i), "--store", "postgres",
            "--postgres-url", db, "--redis-url", redis.url()));
      }
      Recorder aliceInbox = new Recorder();
      try (TcpProxy balancer = new TcpProxy(nodes.get(0).wsPort(), nodes.get(1).wsPort(),
              nodes.get(2).wsPort());
          ChatClient bob = connected(nodes.get(2).wsUri(), "bob", new Recorder());
          ChatClient alice = Sdk.client(balancer.wsUri(), "alice", aliceInbox).build()) {
        await(alice.connect()); // the balancer's first: node 0
        await(bob.createRoom("general", "", false));
        await(alice.join("general"));
        for (int i = 1; i <= 20; i++) {
          await(bob.send("#general", "room " + i));
          await(bob.send("@alice", "dm " + i));
        }
        aliceInbox.awaitText("#general", "room 20");
        aliceInbox.awaitText("@bob", "dm 20");

        nodes.get(0).kill9(); // alice's node
        List<CompletableFuture<Result.Sent>> meanwhile = new ArrayList<>();
        for (int i = 21; i <= 60; i++) {
          meanwhile.add(bob.send("#general", "room " + i, "room-" + i));
          meanwhile.add(bob.send("@alice", "dm " + i, "dm-" + i));
        }
        List<CompletableFuture<Result.Sent>> aliceSends = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
          aliceSends.add(alice.send("@bob", "from alice " + i, "alice-" + i));
        }
        for (CompletableFuture<Result.Sent> f : meanwhile) {
          await(f);
        }
        for (CompletableFuture<Result.Sent> f : aliceSends) {
          await(f);
        }
        aliceInbox.awaitText("#general", "room 60");
        aliceInbox.awaitText("@bob", "dm 60");
        await(bob.send("#general", "room 61")); // a last live one: nothing repeated before it
        aliceInbox.awaitText("#general", "room 61");

        aliceInbox.assertExactlyOnceInOrder("#general", 61);
        aliceInbox.assertExactlyOnceInOrder("@bob", 65); // bob's 60 and alice's own 5
        assertTrue(balancer.accepted() >= 2, "alice reconnected through the balancer");

        Map<String, Integer> cids = new HashMap<>();
        for (Event.Message m : SdkReconnectIT.allHistory(bob, "@alice")) {
          cids.merge(m.cid(), 1, Integer::sum);
        }
        assertEquals(65, cids.size());
        assertTrue(cids.values().stream().allMatch(n -> n == 1), cids.toString());
      }
    } finally {
      for (ServerProcess node : nodes) {
        node.close();
      }
    }
  }
}
