package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md: the conversations list, and read markers with their read events. */
class ReadMarkersTest {
  private TestChat chat;

  @BeforeEach
  void setUp() {
    chat = new TestChat();
  }

  @AfterEach
  void tearDown() {
    chat.close();
  }

  private static List<Result.ConversationInfo> conversations(TestClient c) {
    return c.ok(new Request.ListConversations(TestClient.nextId()), Result.Conversations.class)
        .conversations().stream()
        .sorted(Comparator.comparing(Result.ConversationInfo::conv))
        .toList();
  }

  private static Result.ConversationInfo conversation(TestClient c, String conv) {
    return conversations(c).stream().filter(i -> i.conv().equals(conv)).findFirst()
        .orElseThrow(() -> new AssertionError(conv + " not in " + conversations(c)));
  }

  private static void read(TestClient c, String conv, long seq) {
    c.ok(new Request.MarkRead(TestClient.nextId(), conv, seq));
  }

  private static void drainAll(TestClient... clients) {
    for (TestClient c : clients) {
      c.barrier();
      c.events.drain();
    }
  }

  // --- conversations -------------------------------------------------------------------------

  @Test
  void conversationsListEveryJoinedRoomAndEveryDirectConversationWithMessages() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    TestClient carol = chat.user("carol");
    chat.user("dave");
    alice.createRoom("general", false);
    alice.createRoom("empty", false);
    alice.createRoom("secret", true);
    bob.createRoom("elsewhere", false); // alice is not a member
    bob.join("general");
    alice.send("#general", "one");
    bob.send("#general", "two");
    alice.send("@bob", "hi");
    carol.send("@alice", "hey");
    carol.send("@alice", "you there?");
    carol.send("@alice", "?");
    // a direct conversation with no messages: alice looked at dave's, but nobody wrote
    alice.history("@dave", null, null, null);

    assertEquals(List.of(
            new Result.ConversationInfo("#empty", 0, 0),
            new Result.ConversationInfo("#general", 2, 0),
            new Result.ConversationInfo("#secret", 0, 0),
            new Result.ConversationInfo("@bob", 1, 0),
            new Result.ConversationInfo("@carol", 3, 0)),
        conversations(alice));
    assertEquals(List.of(
            new Result.ConversationInfo("#elsewhere", 0, 0),
            new Result.ConversationInfo("#general", 2, 0),
            new Result.ConversationInfo("@alice", 1, 0)),
        conversations(bob));
  }

  @Test
  void newUserHasNoConversations() {
    TestClient alice = chat.user("alice");
    chat.user("bob");

    assertEquals(List.of(), conversations(alice));
  }

  // --- read markers --------------------------------------------------------------------------

  @Test
  void readMovesTheReadSeqForwardAndConversationsShowIt() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    for (int i = 0; i < 5; i++) {
      alice.send("@bob", "m" + i);
    }

    read(bob, "@alice", 3);
    assertEquals(new Result.ConversationInfo("@alice", 5, 3), conversation(bob, "@alice"));
    assertEquals(new Result.ConversationInfo("@bob", 5, 0), conversation(alice, "@bob"),
        "a read marker is per user");

    read(bob, "@alice", 5);
    assertEquals(new Result.ConversationInfo("@alice", 5, 5), conversation(bob, "@alice"));
  }

  @Test
  void readInARoomMovesTheReadSeqForward() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    alice.send("#general", "one");
    alice.send("#general", "two");

    read(alice, "#general", 2);

    assertEquals(new Result.ConversationInfo("#general", 2, 2), conversation(alice, "#general"));
  }

  @Test
  void readWithALowerSeqDoesNotMoveTheMarkerBackAndSendsNoEvent() {
    TestClient alice = chat.user("alice");
    TestClient alicePhone = chat.secondSession(alice);
    TestClient bob = chat.user("bob");
    for (int i = 0; i < 4; i++) {
      alice.send("@bob", "m" + i);
    }
    read(bob, "@alice", 3);
    assertEquals(new Event.Read("@bob", "bob", 3), alice.events.skipTo(Event.Read.class));
    drainAll(alice, alicePhone, bob);

    read(bob, "@alice", 2);
    read(bob, "@alice", 3);

    assertEquals(new Result.ConversationInfo("@alice", 4, 3), conversation(bob, "@alice"));
    alice.assertQuiet();
    alicePhone.assertQuiet();
    bob.assertQuiet();
  }

  @Test
  void readBeyondTheLastSeqIsABadRequest() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    alice.send("@bob", "one");
    alice.send("@bob", "two");
    alice.createRoom("general", false);
    drainAll(alice, bob);

    bob.error(new Request.MarkRead(TestClient.nextId(), "@alice", 3), ErrorCode.BAD_REQUEST);
    alice.error(new Request.MarkRead(TestClient.nextId(), "#general", 1), ErrorCode.BAD_REQUEST);

    assertEquals(new Result.ConversationInfo("@alice", 2, 0), conversation(bob, "@alice"));
    assertEquals(new Result.ConversationInfo("#general", 0, 0), conversation(alice, "#general"));
    alice.assertQuiet();
    bob.assertQuiet();
  }

  @Test
  void readInARoomTheUserIsNotInIsForbidden() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    alice.createRoom("general", false);
    alice.send("#general", "one");

    bob.error(new Request.MarkRead(TestClient.nextId(), "#general", 1), ErrorCode.FORBIDDEN);
    alice.error(new Request.MarkRead(TestClient.nextId(), "#nowhere", 1), ErrorCode.NOT_FOUND);
  }

  // --- read events ---------------------------------------------------------------------------

  @Test
  void readInADirectConversationTellsThePeerAndTheReadersOtherSessionsNotTheReadingSession() {
    TestClient alice = chat.user("alice");
    TestClient alicePhone = chat.secondSession(alice);
    TestClient bob = chat.user("bob");
    TestClient bobPhone = chat.secondSession(bob);
    TestClient carol = chat.user("carol");
    alice.send("@bob", "one");
    alice.send("@bob", "two");
    drainAll(alice, alicePhone, bob, bobPhone);

    read(alice, "@bob", 2);

    assertEquals(new Event.Read("@bob", "alice", 2), alicePhone.events.next(Event.Read.class),
        "the reader's other session sees the conversation from the reader's side");
    assertEquals(new Event.Read("@alice", "alice", 2), bob.events.next(Event.Read.class));
    assertEquals(new Event.Read("@alice", "alice", 2), bobPhone.events.next(Event.Read.class));
    alice.assertQuiet(); // only the ok reply, which call() consumed
    alicePhone.assertQuiet();
    bob.assertQuiet();
    bobPhone.assertQuiet();
    carol.assertQuiet();
  }

  @Test
  void readInARoomTellsEveryMembersSessionsButTheReadingOne() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    TestClient bobPhone = chat.secondSession(bob);
    TestClient carol = chat.user("carol");
    carol.join("general");
    TestClient carolPhone = chat.secondSession(carol);
    TestClient outsider = chat.user("dave");
    alice.send("#general", "one");
    List<TestClient> all = List.of(alice, bob, bobPhone, carol, carolPhone, outsider);
    drainAll(all.toArray(new TestClient[0]));

    read(carol, "#general", 1);

    Event.Read expected = new Event.Read("#general", "carol", 1);
    for (TestClient c : List.of(alice, bob, bobPhone, carolPhone)) {
      assertEquals(expected, c.events.next(Event.Read.class));
    }
    for (TestClient c : all) {
      c.assertQuiet();
    }
  }

  @Test
  void readWithoutAnIdGetsNoReplyButStillMovesTheMarkerAndTellsThePeer() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    alice.send("@bob", "one");
    drainAll(alice, bob);

    bob.client.send(new Request.MarkRead(null, "@alice", 1));

    assertEquals(new Event.Read("@bob", "bob", 1), alice.events.next(Event.Read.class));
    bob.assertQuiet();
    assertEquals(new Result.ConversationInfo("@alice", 1, 1), conversation(bob, "@alice"));
  }

  @Test
  void readWithoutAnIdThatFailsGetsAnErrorWithNoRe() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    alice.send("@bob", "one");
    drainAll(alice, bob);

    bob.client.send(new Request.MarkRead(null, "@alice", 9));

    Event.Error error = bob.events.next(Event.Error.class);
    assertEquals(ErrorCode.BAD_REQUEST, error.code());
    assertEquals(null, error.re());
    bob.assertQuiet();
    alice.assertQuiet();
  }
}
