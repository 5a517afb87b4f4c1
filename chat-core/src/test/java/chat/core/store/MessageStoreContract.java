package chat.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} must do, whatever keeps the messages: appends, paging,
 * counters, deletion and durability here; the changes to messages (edit, delete, react,
 * revs) in the {@link MessageChangeContract} it extends; and full-text search in the
 * {@link MessageSearchContract} that one extends. A store held to this contract is held to all. See {@link MessageStoreFixture} for what a subclass supplies.
 */
public abstract class MessageStoreContract extends MessageChangeContract {

  // Helpers

  private List<StoredMessage> sendMany(ConvId conv, int count) {
    List<StoredMessage> sent = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      sent.add(send(conv, i % 2 == 0 ? "alice" : "bob", "c" + i));
    }
    return sent;
  }

  private static List<Long> seqs(List<StoredMessage> messages) {
    return messages.stream().map(StoredMessage::seq).collect(Collectors.toList());
  }

  // Seq allocation

  /** The first message of a conversation gets seq 1, each next one exactly 1 more. */
  @Test
  void seqStartsAtOneAndGrowsByOne() {
    for (long expected = 1; expected <= 5; expected++) {
      assertEquals(expected, send(GENERAL, "alice", "m" + expected).seq());
    }
  }

  /** Each conversation counts on its own: rooms and direct conversations alike. */
  @Test
  void seqsAreIndependentPerConversation() {
    assertEquals(1, send(GENERAL, "alice", "a").seq());
    assertEquals(2, send(GENERAL, "alice", "b").seq());
    assertEquals(1, send(RANDOM, "alice", "c").seq());
    assertEquals(1, send(ALICE_BOB, "alice", "d").seq());
    assertEquals(3, send(GENERAL, "bob", "e").seq());
    assertEquals(2, send(ALICE_BOB, "bob", "f").seq());
    assertEquals(1, send(ALICE_CAROL, "carol", "g").seq());
  }

  /** The stored message carries what was appended, plus its seq. */
  @Test
  void storedMessageKeepsEveryField() {
    NewMessage m = new NewMessage(ALICE_BOB, "bob", "hello alice", "cid-1", 1_234_567L);
    RecordingAppendListener.Outcome o = append(m);
    assertEquals(new StoredMessage(ALICE_BOB, 1, "bob", "hello alice", 1_234_567L, "cid-1"),
        o.message());
    assertFalse(o.duplicate());
    assertEquals(List.of(o.message()), store.after(ALICE_BOB, 0, 10));
  }

  /** Text comes back exactly: quotes, SQL-like text, newlines, non-BMP characters, NUL. */
  @Test
  void textIsStoredExactly() {
    List<String> texts = List.of("it's \"quoted\"; DROP TABLE messages; --", "two\nlines\r\n",
        "emoji \uD83D\uDE00 and \u00e9\u4e2d", "nul \u0000 inside", " ", "x".repeat(20_000));
    for (int i = 0; i < texts.size(); i++) {
      append(new NewMessage(GENERAL, "alice", texts.get(i), "t" + i, i));
    }
    List<StoredMessage> page = store.after(GENERAL, 0, 100);
    assertEquals(texts, page.stream().map(StoredMessage::text).collect(Collectors.toList()));
  }

  // Idempotency on (conversation, sender, cid)

  /** The same sender resending a cid gets the first message back, flagged, and no new seq. */
  @Test
  void duplicateCidFromSameSenderReturnsTheFirstMessage() {
    StoredMessage first = send(GENERAL, "alice", "same");
    send(GENERAL, "bob", "other");
    RecordingAppendListener.Outcome again =
        append(new NewMessage(GENERAL, "alice", "different text", "same", 99L));
    assertTrue(again.duplicate());
    assertEquals(first, again.message(), "the first message, with its text and ts");
    assertEquals(2, store.lastSeq(GENERAL));
    assertEquals(2, store.after(GENERAL, 0, 10).size());
    assertEquals(3, send(GENERAL, "alice", "next").seq(), "no seq was used by the duplicate");
  }

  /** A duplicate stays a duplicate however many messages came after the first. */
  @Test
  void duplicateIsFoundAfterManyLaterMessages() {
    StoredMessage first = send(GENERAL, "alice", "early");
    sendMany(GENERAL, 30);
    RecordingAppendListener.Outcome again =
        append(new NewMessage(GENERAL, "alice", "retry", "early", 1L));
    assertTrue(again.duplicate());
    assertEquals(first, again.message());
  }

  /** A cid is only unique per sender: another sender's same cid is a new message. */
  @Test
  void sameCidFromAnotherSenderIsNotADuplicate() {
    StoredMessage a = send(GENERAL, "alice", "shared");
    StoredMessage b = send(GENERAL, "bob", "shared");
    assertEquals(1, a.seq());
    assertEquals(2, b.seq());
    assertEquals("bob", b.from());
  }

  /** A cid is only unique per conversation: the same sender may reuse it elsewhere. */
  @Test
  void sameCidInAnotherConversationIsNotADuplicate() {
    StoredMessage inRoom = send(GENERAL, "alice", "shared");
    StoredMessage inDirect = send(ALICE_BOB, "alice", "shared");
    StoredMessage inOtherRoom = send(RANDOM, "alice", "shared");
    assertEquals(GENERAL, inRoom.conv());
    assertEquals(ALICE_BOB, inDirect.conv());
    assertEquals(RANDOM, inOtherRoom.conv());
    assertEquals(1, store.lastSeq(ALICE_BOB));
    assertEquals(1, store.lastSeq(RANDOM));
  }

  /** Distinct cids never collide, however alike: nothing dedups except an exact (sender, cid). */
  @Test
  void distinctCidsAreNeverDuplicates() {
    List<String> cids = List.of("a", "A", "a ", " a", "a\u0000", "\u00e9", "e\u0301");
    for (String cid : cids) {
      send(GENERAL, "alice", cid);
    }
    assertEquals(cids.size(), store.lastSeq(GENERAL));
  }

  /** Many threads resending one cid at once: exactly one message is stored, all see its seq. */
  @Test
  void concurrentDuplicatesStoreOneMessage() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<RecordingAppendListener>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String text = "try " + i;
        futures.add(pool.submit(() -> {
          go.await();
          RecordingAppendListener l = new RecordingAppendListener();
          store.append(new NewMessage(GENERAL, "alice", text, "once", 1L), l);
          return l;
        }));
      }
      go.countDown();
      int fresh = 0;
      Set<StoredMessage> seen = new HashSet<>();
      for (Future<RecordingAppendListener> f : futures) {
        RecordingAppendListener l = f.get(10, TimeUnit.SECONDS);
        RecordingAppendListener.Outcome o = l.await();
        l.assertCalledOnce();
        assertNotNull(o.message(), "append failed: " + o.failure());
        seen.add(o.message());
        if (!o.duplicate()) {
          fresh++;
        }
      }
      assertEquals(1, fresh, "exactly one append stores the message");
      assertEquals(1, seen.size(), "everyone is told about the same message");
      assertEquals(1, store.lastSeq(GENERAL));
    } finally {
      pool.shutdownNow();
    }
  }

  // Paging: after

  /** after() returns messages with seq greater than the given one, ascending, up to limit. */
  @Test
  void afterPagesForward() {
    List<StoredMessage> sent = sendMany(GENERAL, 5);
    assertEquals(sent, store.after(GENERAL, 0, 10));
    assertEquals(range(1, 2), seqs(store.after(GENERAL, 0, 2)));
    assertEquals(range(3, 4), seqs(store.after(GENERAL, 2, 2)));
    assertEquals(range(4, 5), seqs(store.after(GENERAL, 3, 2)), "page ends exactly at the end");
    assertEquals(range(5, 5), seqs(store.after(GENERAL, 4, 10)));
    assertEquals(range(1, 5), seqs(store.after(GENERAL, 0, 5)), "limit equal to the count");
  }

  /** after() at or beyond the end, with limit 0, or in an empty conversation is empty. */
  @Test
  void afterEdgesAreEmpty() {
    sendMany(GENERAL, 5);
    assertEquals(List.of(), store.after(GENERAL, 5, 10));
    assertEquals(List.of(), store.after(GENERAL, 6, 10));
    assertEquals(List.of(), store.after(GENERAL, Long.MAX_VALUE, 10));
    assertEquals(List.of(), store.after(GENERAL, 0, 0));
    assertEquals(List.of(), store.after(RANDOM, 0, 10));
    assertEquals(List.of(), store.after(ALICE_BOB, 0, 10));
  }

  // Paging: before

  /** before() returns the latest messages below the given seq, ascending, up to limit. */
  @Test
  void beforePagesBackward() {
    List<StoredMessage> sent = sendMany(GENERAL, 5);
    assertEquals(sent, store.before(GENERAL, Long.MAX_VALUE, 10));
    assertEquals(range(4, 5), seqs(store.before(GENERAL, Long.MAX_VALUE, 2)));
    assertEquals(range(2, 3), seqs(store.before(GENERAL, 4, 2)));
    assertEquals(range(1, 2), seqs(store.before(GENERAL, 3, 2)), "page ends exactly at seq 1");
    assertEquals(range(1, 1), seqs(store.before(GENERAL, 2, 10)));
    assertEquals(range(1, 5), seqs(store.before(GENERAL, 6, 5)), "just past the end");
    assertEquals(range(3, 5), seqs(store.before(GENERAL, 100, 3)), "far past the end");
  }

  /** before() at seq 1 or lower, with limit 0, or in an empty conversation is empty. */
  @Test
  void beforeEdgesAreEmpty() {
    sendMany(GENERAL, 5);
    assertEquals(List.of(), store.before(GENERAL, 1, 10));
    assertEquals(List.of(), store.before(GENERAL, 0, 10));
    assertEquals(List.of(), store.before(GENERAL, Long.MAX_VALUE, 0));
    assertEquals(List.of(), store.before(RANDOM, Long.MAX_VALUE, 10));
    assertEquals(List.of(), store.before(ALICE_BOB, 3, 10));
  }

  /** Paging never mixes conversations. */
  @Test
  void pagesHoldOnlyTheirConversation() {
    send(GENERAL, "alice", "g1");
    send(ALICE_BOB, "alice", "d1");
    send(GENERAL, "bob", "g2");
    send(ALICE_BOB, "bob", "d2");
    assertEquals(List.of("g1", "g2"), store.after(GENERAL, 0, 10).stream()
        .map(StoredMessage::cid).collect(Collectors.toList()));
    assertEquals(List.of("d1", "d2"), store.before(ALICE_BOB, Long.MAX_VALUE, 10).stream()
        .map(StoredMessage::cid).collect(Collectors.toList()));
    assertTrue(store.after(ALICE_BOB, 0, 10).stream().allMatch(m -> m.conv().equals(ALICE_BOB)));
  }

  // lastSeq and directConversations

  /** lastSeq is 0 until the first message, then the seq of the last one. */
  @Test
  void lastSeqFollowsTheConversation() {
    assertEquals(0, store.lastSeq(GENERAL));
    send(GENERAL, "alice", "a");
    assertEquals(1, store.lastSeq(GENERAL));
    send(GENERAL, "alice", "b");
    assertTrue(append(new NewMessage(GENERAL, "alice", "again", "b", 1L)).duplicate());
    assertEquals(2, store.lastSeq(GENERAL));
    assertEquals(0, store.lastSeq(RANDOM));
    assertEquals(0, store.lastSeq(ALICE_BOB));
  }

  /** A direct conversation is listed for both parties once it has a message, and only then. */
  @Test
  void directConversationsListThoseWithMessages() {
    assertEquals(List.of(), store.directConversations("alice"));
    send(GENERAL, "alice", "room message"); // rooms are not direct conversations
    assertEquals(List.of(), store.directConversations("alice"));

    send(ALICE_BOB, "bob", "1");
    send(ALICE_BOB, "alice", "2");
    assertEquals(List.of(ALICE_BOB), store.directConversations("alice"));
    assertEquals(List.of(ALICE_BOB), store.directConversations("bob"));
    assertEquals(List.of(), store.directConversations("carol"));

    send(ALICE_CAROL, "carol", "3");
    assertEquals(Set.of(ALICE_BOB, ALICE_CAROL), new HashSet<>(store.directConversations("alice")));
    assertEquals(2, store.directConversations("alice").size(), "each conversation once");
    assertEquals(List.of(ALICE_CAROL), store.directConversations("carol"));
  }

  // deleteConversation

  /**
   * Deleting a conversation erases its messages and its counter: the next message is seq 1,
   * and an old cid is new again. Other conversations keep theirs.
   */
  @Test
  void deleteConversationThenAppendStartsAtSeqOne() {
    sendMany(GENERAL, 3);
    List<StoredMessage> random = sendMany(RANDOM, 2);

    store.deleteConversation(GENERAL);

    assertEquals(List.of(), store.after(GENERAL, 0, 10));
    assertEquals(List.of(), store.before(GENERAL, Long.MAX_VALUE, 10));
    assertEquals(0, store.lastSeq(GENERAL));
    assertEquals(random, store.after(RANDOM, 0, 10));
    StoredMessage again = send(GENERAL, "bob", "c1"); // c1 was bob's first message
    assertEquals(1, again.seq());
    assertEquals(List.of(again), store.after(GENERAL, 0, 10));
    assertEquals(2, send(GENERAL, "alice", "c2").seq());
    assertEquals(3, send(RANDOM, "alice", "next").seq());
  }

  /** A deleted direct conversation is no longer listed; deleting an empty one is harmless. */
  @Test
  void deleteDirectConversationUnlistsIt() {
    send(ALICE_BOB, "alice", "1");
    send(ALICE_CAROL, "carol", "2");
    store.deleteConversation(ALICE_BOB);
    store.deleteConversation(ALICE_BOB);
    store.deleteConversation(ConvId.room("never-used"));
    assertEquals(List.of(ALICE_CAROL), store.directConversations("alice"));
    assertEquals(List.of(), store.directConversations("bob"));
    assertEquals(1, send(ALICE_BOB, "bob", "3").seq());
    assertEquals(Set.of(ALICE_BOB, ALICE_CAROL), new HashSet<>(store.directConversations("alice")));
  }

  /**
   * Appends racing a deletion: whatever the interleaving, the conversation ends gapless from
   * seq 1, and every message it holds is the one its sender was told about.
   */
  @Test
  void appendsRacingADeletionLeaveAGaplessConversation() throws Exception {
    int senders = 4;
    int perSender = 50;
    Map<String, StoredMessage> acked = new ConcurrentHashMap<>();
    List<String> problems = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(senders * perSender);
    ExecutorService pool = Executors.newFixedThreadPool(senders + 1);
    try {
      CountDownLatch go = new CountDownLatch(1);
      for (int t = 0; t < senders; t++) {
        String from = "user" + t;
        pool.execute(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < perSender; i++) {
            String cid = from + "-" + i;
            store.append(new NewMessage(GENERAL, from, "m", cid, i), new AppendListener() {
              @Override
              public void stored(StoredMessage m, boolean duplicate) {
                acked.put(cid, m);
                done.countDown();
              }

              @Override
              public void failed(Throwable cause) {
                problems.add("failed: " + cause);
                done.countDown();
              }
            });
          }
        });
      }
      Future<?> deleter = pool.submit(() -> {
        go.await();
        for (int i = 0; i < 5; i++) {
          store.deleteConversation(GENERAL);
        }
        return null;
      });
      go.countDown();
      deleter.get(20, TimeUnit.SECONDS);
      assertTrue(done.await(20, TimeUnit.SECONDS), "all appends reported");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), problems);
    List<StoredMessage> kept = store.after(GENERAL, 0, 10_000);
    assertEquals(range(1, kept.size()), seqs(kept));
    assertEquals(kept.size(), store.lastSeq(GENERAL));
    for (StoredMessage m : kept) {
      assertEquals(acked.get(m.cid()), m, "the stored message is the one acked");
    }
  }

  // Listener guarantees

  /**
   * Appends from many threads to a few conversations: every listener is called exactly once,
   * each conversation's seqs are 1..N without gaps or repeats, and stored() calls for one
   * conversation come in seq order and never overlap.
   */
  @Test
  void concurrentAppendsAreNotifiedOnceInOrderPerConversation() throws Exception {
    int threads = 8;
    int perThread = 60;
    List<ConvId> convs = List.of(GENERAL, RANDOM, ALICE_BOB);
    Map<ConvId, List<Long>> notified = new ConcurrentHashMap<>();
    Map<ConvId, AtomicInteger> inside = new ConcurrentHashMap<>();
    List<String> problems = new CopyOnWriteArrayList<>();
    List<RecordingAppendListener> recorders = new CopyOnWriteArrayList<>();
    for (ConvId c : convs) {
      notified.put(c, new CopyOnWriteArrayList<>());
      inside.put(c, new AtomicInteger());
    }
    CountDownLatch done = new CountDownLatch(threads * perThread);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      for (int t = 0; t < threads; t++) {
        int thread = t;
        pool.execute(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < perThread; i++) {
            ConvId conv = convs.get((thread + i) % convs.size());
            String from = thread % 2 == 0 ? "alice" : "bob";
            RecordingAppendListener recorder = new RecordingAppendListener();
            recorders.add(recorder);
            store.append(new NewMessage(conv, from, "m", "t" + thread + "-" + i, i),
                new AppendListener() {
                  @Override
                  public void stored(StoredMessage m, boolean duplicate) {
                    if (inside.get(conv).incrementAndGet() != 1) {
                      problems.add("overlapping stored() calls in " + conv);
                    }
                    notified.get(conv).add(m.seq());
                    if (duplicate) {
                      problems.add("unexpected duplicate " + m);
                    }
                    inside.get(conv).decrementAndGet();
                    recorder.stored(m, duplicate);
                    done.countDown();
                  }

                  @Override
                  public void failed(Throwable cause) {
                    problems.add("failed: " + cause);
                    recorder.failed(cause);
                    done.countDown();
                  }
                });
          }
        });
      }
      go.countDown();
      assertTrue(done.await(20, TimeUnit.SECONDS), "all appends reported");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), problems);
    long total = 0;
    for (ConvId conv : convs) {
      List<Long> seqs = notified.get(conv);
      assertEquals(range(1, seqs.size()), seqs, "seqs of " + conv + " in notification order");
      assertEquals(seqs.size(), store.lastSeq(conv));
      assertEquals(seqs.size(), store.after(conv, 0, 10_000).size());
      total += seqs.size();
    }
    assertEquals(threads * perThread, total);
    for (RecordingAppendListener r : recorders) {
      r.assertCalledOnce();
    }
  }

  // Epoch

  /** The epoch is set, and the same on every call. */
  @Test
  void epochIsStableForAStore() {
    String epoch = store.epoch();
    assertNotNull(epoch);
    assertFalse(epoch.isBlank());
    send(GENERAL, "alice", "a");
    assertEquals(epoch, store.epoch());
  }

  /** A new, empty store is a new history, so it has another epoch. */
  @Test
  void aNewStoreHasAnotherEpoch() throws Exception {
    String first = store.epoch();
    MessageStore other = newStore();
    assertNotEquals(first, other.epoch());
  }

  // Durability (skipped by stores that keep nothing)

  /** After a restart every message is there, with its seq, and the epoch is the same. */
  @Test
  void messagesAndEpochSurviveReopen() throws Exception {
    List<StoredMessage> room = sendMany(GENERAL, 7);
    StoredMessage direct = send(ALICE_BOB, "alice", "dm");
    String epoch = store.epoch();

    store = reopen();

    assertEquals(epoch, store.epoch());
    assertEquals(room, store.after(GENERAL, 0, 100));
    assertEquals(List.of(direct), store.before(ALICE_BOB, Long.MAX_VALUE, 100));
    assertEquals(7, store.lastSeq(GENERAL));
    assertEquals(List.of(ALICE_BOB), store.directConversations("bob"));
  }

  /** A deletion survives a restart, and so does the counter started again after it. */
  @Test
  void deletionSurvivesReopen() throws Exception {
    sendMany(GENERAL, 4);
    store.deleteConversation(GENERAL);
    StoredMessage fresh = send(GENERAL, "alice", "fresh");

    store = reopen();

    assertEquals(List.of(fresh), store.after(GENERAL, 0, 10));
    assertEquals(2, send(GENERAL, "alice", "later").seq());
  }

  /** After a restart seqs continue where they were, and old cids are still duplicates. */
  @Test
  void seqsAndDuplicatesContinueAfterReopen() throws Exception {
    StoredMessage first = send(GENERAL, "alice", "one");
    send(GENERAL, "alice", "two");

    store = reopen();

    RecordingAppendListener.Outcome again =
        append(new NewMessage(GENERAL, "alice", "resent", "one", 5L));
    assertTrue(again.duplicate());
    assertEquals(first, again.message());
    assertEquals(3, send(GENERAL, "alice", "three").seq());
    assertEquals(1, send(ALICE_BOB, "bob", "one").seq());
  }
}
