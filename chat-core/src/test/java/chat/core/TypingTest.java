package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md, "Receipts, typing, presence": typing notifications. */
class TypingTest {
  private TestChat chat;

  @BeforeEach
  void setUp() {
    chat = new TestChat();
  }

  @AfterEach
  void tearDown() {
    chat.close();
  }

  private static void typing(TestClient c, String conv) {
    c.ok(new Request.Typing(TestClient.nextId(), conv));
  }

  private static void drainAll(List<TestClient> clients) {
    for (TestClient c : clients) {
      c.barrier();
      c.events.drain();
    }
  }

  private static List<Result.ConversationInfo> conversations(TestClient c) {
    return c.ok(new Request.ListConversations(TestClient.nextId()), Result.Conversations.class)
        .conversations();
  }

  @Test
  void typingInADirectConversationReachesEveryPeerSessionNamedFromThePeersSide() {
    TestClient alice = chat.user("alice");
    TestClient alicePhone = chat.secondSession(alice);
    TestClient bob = chat.user("bob");
    TestClient bobPhone = chat.secondSession(bob);
    TestClient carol = chat.user("carol");
    List<TestClient> all = List.of(alice, alicePhone, bob, bobPhone, carol);
    drainAll(all);

    typing(alice, "@bob");

    assertEquals(new Event.Typing("@alice", "alice"), bob.events.next(Event.Typing.class));
    assertEquals(new Event.Typing("@alice", "alice"), bobPhone.events.next(Event.Typing.class));
    for (TestClient c : all) {
      c.assertQuiet(); // the typer's own sessions get nothing; carol is not a party
    }
  }

  @Test
  void typingWithoutAnIdGetsNoReplyAndStillReachesThePeer() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    drainAll(List.of(alice, bob));

    alice.client.send(new Request.Typing(null, "@bob"));

    assertEquals(new Event.Typing("@alice", "alice"), bob.events.next(Event.Typing.class));
    alice.assertQuiet();
    bob.assertQuiet();
  }

  @Test
  void typingInARoomReachesEveryOtherMemberButNoneOfTheTypersSessions() {
    TestClient alice = chat.user("alice");
    TestClient alicePhone = chat.secondSession(alice);
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    TestClient bobPhone = chat.secondSession(bob);
    TestClient carol = chat.user("carol");
    carol.join("general");
    TestClient outsider = chat.user("dave");
    List<TestClient> all = List.of(alice, alicePhone, bob, bobPhone, carol, outsider);
    drainAll(all);

    typing(alice, "#general");

    Event.Typing expected = new Event.Typing("#general", "alice");
    for (TestClient c : List.of(bob, bobPhone, carol)) {
      assertEquals(expected, c.events.next(Event.Typing.class));
    }
    for (TestClient c : all) {
      c.assertQuiet();
    }
  }

  @Test
  void typingInARoomTheUserIsNotInIsForbiddenAndTellsNobody() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    drainAll(List.of(alice, bob));

    bob.error(new Request.Typing(TestClient.nextId(), "#general"), ErrorCode.FORBIDDEN);

    alice.assertQuiet();
    bob.assertQuiet();
  }

  @Test
  void typingToAnUnknownRoomOrUserIsNotFound() {
    TestClient alice = chat.user("alice");

    alice.error(new Request.Typing(TestClient.nextId(), "#nowhere"), ErrorCode.NOT_FOUND);
    alice.error(new Request.Typing(TestClient.nextId(), "@nobody"), ErrorCode.NOT_FOUND);
  }

  @Test
  void typingIsNotStored() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    alice.send("#general", "one");
    alice.send("@bob", "hi");
    Result.History roomBefore = bob.history("#general", null, null, null);
    Result.History directBefore = bob.history("@alice", null, null, null);
    List<Result.ConversationInfo> conversationsBefore = conversations(bob);

    typing(alice, "#general");
    typing(alice, "@bob");
    typing(bob, "@alice");

    assertEquals(roomBefore, bob.history("#general", null, null, null));
    assertEquals(directBefore, bob.history("@alice", null, null, null));
    assertEquals(1, directBefore.messages().size());
    assertEquals(conversationsBefore, conversations(bob));
    assertEquals(2, alice.send("@bob", "next").seq(), "typing took no seq");
  }

  @Test
  void typingToAPeerWithoutMessagesDoesNotCreateTheConversation() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");

    typing(alice, "@bob");

    assertEquals(new Event.Typing("@alice", "alice"), bob.events.skipTo(Event.Typing.class));
    assertEquals(List.of(), conversations(alice));
    assertEquals(List.of(), conversations(bob));
  }
}
