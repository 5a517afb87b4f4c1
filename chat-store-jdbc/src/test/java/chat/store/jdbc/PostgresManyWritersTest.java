package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ChangeOutcome;
import chat.core.store.ConvId;
import chat.core.store.MessageChange;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoredMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several stores on one database, as several server nodes will be: their appends into the same
 * conversations interleave, yet seqs stay gapless, each ack names the message stored, a cid
 * resent to another node is a duplicate, and appends are batched.
 */
class PostgresManyWritersTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  private static final ConvId GENERAL = ConvId.room("general");
  private static final ConvId ALICE_BOB = ConvId.direct("alice", "bob");

  private final List<OpenPostgres> nodes = new ArrayList<>();

  private List<OpenPostgres> startNodes(int count) throws Exception {
    String url = postgres.newDatabase();
    for (int i = 0; i < count; i++) {
      nodes.add(OpenPostgres.open(url));
    }
    return nodes;
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(OpenPostgres::close);
  }

  @Test
  void nodesSendingIntoOneConversationGetGaplessSeqs() throws Exception {
    List<OpenPostgres> nodes = startNodes(3);
    int perNode = 400;
    Map<String, RecordingAppendListener> sent = new HashMap<>();
    for (int i = 0; i < perNode; i++) { // interleaved: every node has appends queued at once
      for (int n = 0; n < nodes.size(); n++) {
        String cid = "n" + n + "-" + i;
        RecordingAppendListener l = new RecordingAppendListener();
        sent.put(cid, l);
        ConvId conv = i % 4 == 0 ? ALICE_BOB : GENERAL;
        nodes.get(n).messages.append(new NewMessage(conv, "user" + n, "text " + cid, cid, i), l);
      }
    }
    Map<String, StoredMessage> acked = new HashMap<>();
    sent.forEach((cid, l) -> acked.put(cid, l.awaitStored()));

    for (ConvId conv : List.of(GENERAL, ALICE_BOB)) {
      List<StoredMessage> stored = nodes.get(0).messages.after(conv, 0, 10_000);
      assertEquals(LongStream.rangeClosed(1, stored.size()).boxed().toList(),
          stored.stream().map(StoredMessage::seq).toList(), "gapless in " + conv);
      for (StoredMessage m : stored) {
        assertEquals(acked.get(m.cid()), m, "the ack of " + m.cid() + " names it");
      }
      for (OpenPostgres node : nodes) {
        assertEquals(stored.size(), node.messages.lastSeq(conv));
      }
    }
    assertEquals(3 * perNode, nodes.get(0).messages.lastSeq(GENERAL)
        + nodes.get(0).messages.lastSeq(ALICE_BOB));
    long commits = nodes.stream().mapToLong(n -> n.messages.commitCount()).sum();
    assertTrue(commits < 3 * perNode, "appends were batched: " + commits + " commits");
  }

  /** One cid resent to every node at once: one message, one seq, everyone told of it. */
  @Test
  void aCidRacingThroughSeveralNodesIsStoredOnce() throws Exception {
    List<OpenPostgres> nodes = startNodes(3);
    for (int round = 0; round < 20; round++) {
      List<RecordingAppendListener> tries = new ArrayList<>();
      for (OpenPostgres node : nodes) {
        for (int t = 0; t < 3; t++) {
          RecordingAppendListener l = new RecordingAppendListener();
          tries.add(l);
          node.messages.append(new NewMessage(GENERAL, "alice", "try", "c" + round, round), l);
        }
      }
      Set<StoredMessage> told = new HashSet<>();
      int fresh = 0;
      for (RecordingAppendListener l : tries) {
        RecordingAppendListener.Outcome o = l.await();
        assertNotNull(o.message(), "failed: " + o.failure());
        told.add(o.message());
        fresh += o.duplicate() ? 0 : 1;
      }
      assertEquals(1, fresh, "round " + round);
      assertEquals(1, told.size(), "round " + round);
      assertEquals(round + 1, told.iterator().next().seq());
    }
    assertEquals(20, nodes.get(1).messages.lastSeq(GENERAL));
  }

  /** Changes from several nodes to one conversation: revs gapless, every change recorded. */
  @Test
  void nodesChangingOneConversationGetGaplessRevs() throws Exception {
    List<OpenPostgres> nodes = startNodes(2);
    RecordingAppendListener first = new RecordingAppendListener();
    nodes.get(0).messages.append(new NewMessage(GENERAL, "alice", "hi", "c1", 1L), first);
    long seq = first.awaitStored().seq();
    List<Thread> threads = new ArrayList<>();
    List<String> problems = new CopyOnWriteArrayList<>();
    List<String> users = List.of("u0", "u1", "u2", "u3");
    for (int t = 0; t < users.size(); t++) {
      OpenPostgres node = nodes.get(t % 2);
      String user = users.get(t);
      // On, off, on...: each is a change, so each takes a rev.
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 10; i++) {
          ChangeOutcome o = node.messages.change(GENERAL, seq,
              new MessageChange.React(user, "\uD83D\uDC4D", i % 2 == 0, 20, i));
          if (o.status() != ChangeOutcome.Status.APPLIED) {
            problems.add(user + " " + i + ": " + o.status());
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join(30_000);
    }
    assertEquals(List.of(), problems);
    assertEquals(40, nodes.get(1).messages.lastRev(GENERAL));
    assertEquals(LongStream.rangeClosed(1, 40).boxed().collect(Collectors.toList()),
        nodes.get(0).messages.updatesAfter(GENERAL, 0, 100).stream()
            .map(u -> u.rev()).collect(Collectors.toList()));
  }
}
