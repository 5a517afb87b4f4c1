package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/protocol.md, "Read markers": a user's {@code read} events go out at most at a rate (here 2
 * a second, a burst of 3); beyond it markers still move and reads are answered at once, while
 * each conversation's event waits and then says the highest seq reached. Time is the test's
 * ticker: a waiting event goes out only once the ticker has given its token back.
 */
class ReadEventsTest {
  private static final ChatConfig.UserLimits TWO_A_SECOND =
      ChatConfig.UserLimits.DEFAULTS.withReadEvents(2, 3);

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().userLimits(TWO_A_SECOND)
      .sendPerSecond(1_000).sendBurst(1_000).requestsPerSecond(1_000).requestBurst(1_000));

  private static void read(TestClient c, String conv, long seq) {
    c.ok(new Request.MarkRead(TestClient.nextId(), conv, seq));
  }

  private static Result.ConversationInfo conversation(TestClient c, String conv) {
    return c.ok(new Request.ListConversations(TestClient.nextId()), Result.Conversations.class)
        .conversations().stream().filter(i -> i.conv().equals(conv)).findFirst().orElseThrow();
  }

  /** A room of alice and bob with {@code messages} messages, everything so far drained. */
  private void room(TestClient alice, TestClient bob, String room, int messages) {
    alice.createRoom(room, false);
    bob.join(room);
    for (int i = 0; i < messages; i++) {
      alice.send("#" + room, "m" + i);
    }
    for (TestClient c : List.of(alice, bob)) {
      c.barrier();
      c.events.drain();
    }
  }

  /** Bob's read events of alice, until a barrier: what has reached him by now. */
  private static List<Event.Read> readsSoFar(TestClient bob) {
    bob.barrier();
    List<Event.Read> reads = new ArrayList<>();
    for (Object o : bob.events.drain()) {
      if (o instanceof Event.Read r) {
        reads.add(r);
      }
    }
    return reads;
  }

  @Test
  void withinTheBurstEveryMoveIsToldAtOnceInOrder() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    room(alice, bob, "general", 5);

    read(alice, "#general", 1);
    read(alice, "#general", 2);
    read(alice, "#general", 3);

    assertEquals(List.of(new Event.Read("#general", "alice", 1),
        new Event.Read("#general", "alice", 2), new Event.Read("#general", "alice", 3)),
        readsSoFar(bob));
  }

  @Test
  void beyondTheBurstMarkersMoveAtOnceAndOneEventWithTheHighestSeqFollowsItsToken() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    room(alice, bob, "general", 200);

    for (int seq = 1; seq <= 200; seq++) {
      read(alice, "#general", seq); // each answered ok at once
    }

    // the burst of three was told; the rest wait, and the marker is stored at 200 already
    assertEquals(List.of(new Event.Read("#general", "alice", 1),
        new Event.Read("#general", "alice", 2), new Event.Read("#general", "alice", 3)),
        readsSoFar(bob));
    assertEquals(200, conversation(alice, "#general").readSeq());
    assertEquals(200, conversation(bob, "#general").lastSeq());

    chat.ticker.advance(Duration.ofMillis(500)); // one token back
    assertEquals(new Event.Read("#general", "alice", 200), bob.events.next(Event.Read.class));
    bob.assertQuiet(); // 197 moves cost one event
  }

  @Test
  void waitingConversationsGoOutInTheOrderTheyFirstWaitedOnePerToken() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    room(alice, bob, "a", 3);
    room(alice, bob, "b", 3);
    room(alice, bob, "c", 3);
    read(alice, "#a", 1);
    read(alice, "#a", 2);
    read(alice, "#a", 3); // the burst is spent
    readsSoFar(bob);

    read(alice, "#b", 1);
    read(alice, "#c", 2);
    read(alice, "#b", 3); // replaces b's waiting 1, keeps b's place ahead of c
    bob.assertQuiet();

    chat.ticker.advance(Duration.ofMillis(500));
    assertEquals(new Event.Read("#b", "alice", 3), bob.events.next(Event.Read.class));
    bob.assertQuiet(); // one token, one event: c still waits

    chat.ticker.advance(Duration.ofMillis(500));
    assertEquals(new Event.Read("#c", "alice", 2), bob.events.next(Event.Read.class));
    bob.assertQuiet();
  }

  @Test
  void aMoveWhileOthersWaitWaitsBehindThemSoOneConversationNeverGoesBack() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    room(alice, bob, "general", 9);
    for (int seq = 1; seq <= 5; seq++) {
      read(alice, "#general", seq);
    }
    assertEquals(3, readsSoFar(bob).size());

    // Tokens are back before the waiting move is sent; a new move may not overtake it.
    chat.ticker.advance(Duration.ofSeconds(10));
    read(alice, "#general", 7);

    Event.Read first = bob.events.next(Event.Read.class);
    List<Long> seqs = new ArrayList<>(List.of(first.seq()));
    if (first.seq() != 7) { // the waiting 5 went out first, then 7 on its own
      seqs.add(bob.events.next(Event.Read.class).seq());
    }
    // Either 5 then 7, or 7 alone (7 joined 5 while it waited): never 7 then 5.
    assertEquals(7L, seqs.get(seqs.size() - 1), seqs.toString());
    awaitNoneWaiting();
    bob.assertQuiet();
  }

  /** Waits (bounded) until no user has an event waiting: every flush has sent what it had. */
  private void awaitNoneWaiting() {
    ReadEvents events = chat.core.instance(ReadEvents.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (events.waitingUsers() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(events.waitingUsers() + " users still have events waiting");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  @Test
  void oneUsersWaitingEventsDoNotHoldBackAnothers() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    TestClient carol = chat.user("carol");
    room(alice, bob, "general", 9);
    carol.join("general");
    carol.barrier();
    carol.events.drain();
    for (int seq = 1; seq <= 6; seq++) {
      read(alice, "#general", seq);
    }
    assertEquals(3, readsSoFar(bob).size());

    read(carol, "#general", 4);

    assertEquals(List.of(new Event.Read("#general", "carol", 4)), readsSoFar(bob));
    assertEquals(1, chat.core.instance(ReadEvents.class).waitingUsers());
  }
}
