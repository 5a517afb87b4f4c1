package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md, "Catch-up and history": the history request and its paging. */
class HistoryTest {
  private TestChat chat;
  private TestClient alice;
  private TestClient bob;

  /** Send limits high enough for the long conversations these tests build. */
  private static ChatConfig.Builder roomy() {
    return ChatConfig.builder().sendBurst(1_000).requestBurst(10_000);
  }

  @BeforeEach
  void setUp() {
    start(roomy());
  }

  private void start(ChatConfig.Builder config) {
    chat = new TestChat(config);
    alice = chat.user("alice");
    bob = chat.user("bob");
  }

  @AfterEach
  void tearDown() {
    chat.close();
  }

  /** Sends texts "m1".."mN" from {@code from} to {@code to}, each at a distinct clock time. */
  private List<Long> sendMany(TestClient from, String to, int n) {
    List<Long> times = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      chat.clock.advance(Duration.ofMillis(1_000));
      Result.Sent sent = from.send(to, "m" + i);
      assertEquals(i, sent.seq());
      times.add(sent.ts());
    }
    return times;
  }

  private static List<Long> seqs(Result.History page) {
    return page.messages().stream().map(Event.Message::seq).toList();
  }

  private static List<Long> range(long fromInclusive, long toInclusive) {
    return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
  }

  // --- the latest page -----------------------------------------------------------------------

  @Test
  void latestPageIsTheNewestMessagesAscendingWithMoreWhenOlderOnesExist() {
    sendMany(alice, "@bob", 12);

    Result.History page = alice.history("@bob", null, null, 5);

    assertEquals(range(8, 12), seqs(page));
    assertTrue(page.more(), "seqs 1..7 are older than the page");
  }

  @Test
  void latestPageHasNoMoreWhenItHoldsTheWholeConversation() {
    sendMany(alice, "@bob", 5);

    Result.History exact = alice.history("@bob", null, null, 5);
    assertEquals(range(1, 5), seqs(exact));
    assertFalse(exact.more(), "a page exactly as long as the conversation has nothing beyond it");

    Result.History roomier = alice.history("@bob", null, null, 20);
    assertEquals(range(1, 5), seqs(roomier));
    assertFalse(roomier.more());
  }

  // --- after ---------------------------------------------------------------------------------

  @Test
  void afterPagingWalksEveryMessageOnceInOrderAndTheLastPageHasNoMore() {
    sendMany(alice, "@bob", 11);

    List<Long> seen = new ArrayList<>();
    List<Boolean> mores = new ArrayList<>();
    long after = 0;
    for (int pages = 0; pages < 10; pages++) {
      Result.History page = bob.history("@alice", after, null, 4);
      seen.addAll(seqs(page));
      mores.add(page.more());
      if (!page.more()) {
        break;
      }
      after = page.messages().get(page.messages().size() - 1).seq();
    }

    assertEquals(range(1, 11), seen, "every message exactly once, ascending");
    assertEquals(List.of(true, true, false), mores, "pages 1-4, 5-8, 9-11");
  }

  @Test
  void afterPagingWhenTheLastPageIsExactlyFullThePageAfterItIsEmptyWithoutMore() {
    sendMany(alice, "@bob", 8);

    Result.History first = alice.history("@bob", 0L, null, 4);
    assertEquals(range(1, 4), seqs(first));
    assertTrue(first.more());

    Result.History last = alice.history("@bob", 4L, null, 4);
    assertEquals(range(5, 8), seqs(last));
    assertFalse(last.more(), "seq 8 is the last message: nothing lies beyond this full page");

    Result.History beyond = alice.history("@bob", 8L, null, 4);
    assertEquals(List.of(), beyond.messages());
    assertFalse(beyond.more());
  }

  @Test
  void afterTheLastSeqIsAnEmptyPageWithoutMore() {
    sendMany(alice, "@bob", 3);

    Result.History page = alice.history("@bob", 3L, null, 10);

    assertEquals(List.of(), page.messages());
    assertFalse(page.more());
  }

  @Test
  void afterBeyondTheLastSeqIsAnEmptyPageWithoutMore() {
    sendMany(alice, "@bob", 3);

    Result.History page = alice.history("@bob", 1_000L, null, 10);

    assertEquals(List.of(), page.messages());
    assertFalse(page.more());
  }

  // --- before --------------------------------------------------------------------------------

  @Test
  void beforePagingWalksBackwardToTheFirstMessage() {
    sendMany(alice, "@bob", 10);

    Result.History latest = alice.history("@bob", null, null, 4);
    assertEquals(range(7, 10), seqs(latest));
    assertTrue(latest.more());

    Result.History older = alice.history("@bob", null, 7L, 4);
    assertEquals(range(3, 6), seqs(older));
    assertTrue(older.more(), "seqs 1 and 2 are still older");

    Result.History oldest = alice.history("@bob", null, 3L, 4);
    assertEquals(range(1, 2), seqs(oldest));
    assertFalse(oldest.more(), "seq 1 is the first message");
  }

  @Test
  void beforePagingWhenTheOldestPageIsExactlyFullItHasNoMore() {
    sendMany(alice, "@bob", 8);

    Result.History page = alice.history("@bob", null, 5L, 4);

    assertEquals(range(1, 4), seqs(page));
    assertFalse(page.more());
  }

  @Test
  void beforeTheFirstSeqIsAnEmptyPageWithoutMore() {
    sendMany(alice, "@bob", 3);

    Result.History page = alice.history("@bob", null, 1L, 10);

    assertEquals(List.of(), page.messages());
    assertFalse(page.more());
  }

  // --- limit ---------------------------------------------------------------------------------

  @Test
  void limitDefaultsToFifty() {
    sendMany(alice, "@bob", 60);

    Result.History page = alice.history("@bob", null, null, null);

    assertEquals(range(11, 60), seqs(page));
    assertTrue(page.more());

    Result.History afterPage = alice.history("@bob", 0L, null, null);
    assertEquals(range(1, 50), seqs(afterPage));
    assertTrue(afterPage.more());
  }

  @Test
  void limitAboveHistoryMaxIsClampedToHistoryMax() {
    chat.close();
    start(roomy().historyMax(10));
    assertEquals(10, chat.config.limits().historyMax());
    sendMany(alice, "@bob", 15);

    Result.History latest = alice.history("@bob", null, null, 100);
    assertEquals(range(6, 15), seqs(latest));
    assertTrue(latest.more());

    Result.History after = alice.history("@bob", 0L, null, 100);
    assertEquals(range(1, 10), seqs(after));
    assertTrue(after.more());

    Result.History byDefault = alice.history("@bob", null, null, null);
    assertEquals(range(6, 15), seqs(byDefault), "the default of 50 is clamped too");
    assertTrue(byDefault.more());
  }

  @Test
  void limitZeroIsABadRequest() {
    sendMany(alice, "@bob", 3);

    alice.error(new Request.History(TestClient.nextId(), "@bob", null, null, 0),
        ErrorCode.BAD_REQUEST);
    alice.error(new Request.History(TestClient.nextId(), "@bob", 0L, null, 0),
        ErrorCode.BAD_REQUEST);
    alice.error(new Request.History(TestClient.nextId(), "@bob", null, null, -1),
        ErrorCode.BAD_REQUEST);
  }

  // --- direct conversations ------------------------------------------------------------------

  @Test
  void directConversationWithoutMessagesHasAnEmptyHistoryForBothSides() {
    Result.History ofAlice = alice.history("@bob", null, null, null);
    assertEquals(new Result.History("@bob", List.of(), false), ofAlice);

    Result.History ofBob = bob.history("@alice", null, null, null);
    assertEquals(new Result.History("@alice", List.of(), false), ofBob);

    assertEquals(new Result.History("@bob", List.of(), false),
        alice.history("@bob", 0L, null, 10));
  }

  @Test
  void directHistoryIsNamedFromTheViewersSideWithCompleteMessages() {
    chat.clock.advance(Duration.ofSeconds(5));
    long t1 = chat.clock.millis();
    alice.ok(new Request.Send(TestClient.nextId(), "@bob", "hi bob", "cid-a"), Result.Sent.class);
    chat.clock.advance(Duration.ofSeconds(7));
    long t2 = chat.clock.millis();
    bob.ok(new Request.Send(TestClient.nextId(), "@alice", "hi alice", "cid-b"), Result.Sent.class);

    assertEquals(new Result.History("@bob", List.of(
            new Event.Message("@bob", 1, "alice", "hi bob", t1, "cid-a"),
            new Event.Message("@bob", 2, "bob", "hi alice", t2, "cid-b")), false),
        alice.history("@bob", null, null, null));
    assertEquals(new Result.History("@alice", List.of(
            new Event.Message("@alice", 1, "alice", "hi bob", t1, "cid-a"),
            new Event.Message("@alice", 2, "bob", "hi alice", t2, "cid-b")), false),
        bob.history("@alice", null, null, null));
  }

  @Test
  void historyOfADirectConversationWithAnUnknownUserIsNotFound() {
    alice.error(new Request.History(TestClient.nextId(), "@nobody", null, null, null),
        ErrorCode.NOT_FOUND);
  }

  // --- rooms ---------------------------------------------------------------------------------

  @Test
  void roomHistoryCarriesTheRoomNameAndEveryMembersMessages() {
    alice.createRoom("general", false);
    bob.join("general");
    long t = chat.clock.millis();
    alice.ok(new Request.Send(TestClient.nextId(), "#general", "one", "c1"), Result.Sent.class);
    bob.ok(new Request.Send(TestClient.nextId(), "#general", "two", "c2"), Result.Sent.class);

    Result.History expected = new Result.History("#general", List.of(
        new Event.Message("#general", 1, "alice", "one", t, "c1"),
        new Event.Message("#general", 2, "bob", "two", t, "c2")), false);
    assertEquals(expected, alice.history("#general", null, null, null));
    assertEquals(expected, bob.history("#general", null, null, null));
  }

  @Test
  void emptyRoomHasAnEmptyHistory() {
    alice.createRoom("quiet", false);

    assertEquals(new Result.History("#quiet", List.of(), false),
        alice.history("#quiet", null, null, null));
  }

  @Test
  void historyOfAnUnknownRoomIsNotFound() {
    alice.error(new Request.History(TestClient.nextId(), "#nowhere", null, null, null),
        ErrorCode.NOT_FOUND);
  }

  @Test
  void historyOfARoomTheUserIsNotInIsForbidden() {
    alice.createRoom("general", false);
    alice.send("#general", "members only");
    alice.createRoom("secret", true);

    bob.error(new Request.History(TestClient.nextId(), "#general", null, null, null),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.History(TestClient.nextId(), "#general", 0L, null, 10),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.History(TestClient.nextId(), "#secret", null, null, null),
        ErrorCode.FORBIDDEN);
  }
}
