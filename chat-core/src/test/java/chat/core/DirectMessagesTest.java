package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DirectMessagesTest {
  @RegisterExtension
  final TestChat chat = new TestChat();

  @Test
  void directMessagesFlowBothWaysNamedFromEachSide() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");

    Result.Sent sent = alice.ok(new Request.Send("1", "@bob", "hi bob", "c1"), Result.Sent.class);
    assertEquals(new Result.Sent("@bob", 1, chat.clock.millis(), "c1"), sent);
    assertEquals(new Event.Message("@alice", 1, "alice", "hi bob", chat.clock.millis(), "c1"),
        bob.events.next(Event.Message.class));
    assertEquals(new Event.Message("@bob", 1, "alice", "hi bob", chat.clock.millis(), "c1"),
        alice.events.next(Event.Message.class), "the sender's own session gets the message too");

    Result.Sent reply = bob.ok(new Request.Send("2", "@alice", "hi alice", "c2"), Result.Sent.class);
    assertEquals("@alice", reply.conv());
    assertEquals(2, reply.seq(), "one conversation, one seq sequence, whoever sends");
    assertEquals(new Event.Message("@bob", 2, "bob", "hi alice", chat.clock.millis(), "c2"),
        alice.events.next(Event.Message.class));
    assertEquals("@alice", bob.events.next(Event.Message.class).conv());

    alice.assertQuiet();
    bob.assertQuiet();
  }

  @Test
  void everySessionOfBothPartiesReceivesTheMessage() {
    TestClient alice = chat.user("alice");
    TestClient alicePhone = chat.secondSession(alice);
    TestClient bob = chat.user("bob");
    TestClient bobPhone = chat.secondSession(bob);

    alice.send("@bob", "to all of you");

    for (TestClient c : new TestClient[] {alice, alicePhone}) {
      assertEquals("@bob", c.events.skipTo(Event.Message.class).conv());
    }
    for (TestClient c : new TestClient[] {bob, bobPhone}) {
      assertEquals("@alice", c.events.skipTo(Event.Message.class).conv());
    }
  }

  @Test
  void userNamesInConversationNamesAreCaseFolded() {
    TestClient alice = chat.user("alice");
    chat.user("bob");

    assertEquals("@bob", alice.send("@BoB", "hi").conv());
  }

  @Test
  void sendToUnknownUserIsNotFoundAndStoresNothing() {
    TestClient alice = chat.user("alice");

    alice.error(new Request.Send(TestClient.nextId(), "@nobody", "hi", "c1"), ErrorCode.NOT_FOUND);
    alice.ok(new Request.ListConversations(TestClient.nextId()), Result.Conversations.class)
        .conversations().forEach(c -> assertEquals(0, c.lastSeq()));
  }

  @Test
  void messagingYourselfIsABadRequest() {
    TestClient alice = chat.user("alice");

    alice.error(new Request.Send(TestClient.nextId(), "@alice", "hi me", "c1"),
        ErrorCode.BAD_REQUEST);
  }

  @Test
  void emptyOrBlankTextIsABadRequest() {
    TestClient alice = chat.user("alice");
    chat.user("bob");

    alice.error(new Request.Send(TestClient.nextId(), "@bob", "", "c1"), ErrorCode.BAD_REQUEST);
    alice.error(new Request.Send(TestClient.nextId(), "@bob", " \n\t ", "c2"),
        ErrorCode.BAD_REQUEST);
    // Unicode's other white space (no-break, ideographic, next line) and invisible characters.
    for (String blank : new String[] {"\u00a0", " \u2007\u202f ", "\u3000", "\u0085",
        "\u200b\ufeff\u2060"}) {
      alice.error(new Request.Send(TestClient.nextId(), "@bob", blank, "c3"),
          ErrorCode.BAD_REQUEST);
    }
    assertEquals(1, alice.send("@bob", "\u00a0x\u00a0").seq()); // spaces around a word: text
  }

  @Test
  void textOverTheLimitIsTooLargeCountingCodePoints() {
    TestChat small = new TestChat(ChatConfig.builder().maxTextChars(5));
    try {
      TestClient alice = small.user("alice");
      small.user("bob");

      // Five emoji are ten UTF-16 units but five characters: allowed.
      assertEquals(1, alice.send("@bob", "😀😀😀😀😀").seq());
      alice.error(new Request.Send(TestClient.nextId(), "@bob", "123456", "c2"),
          ErrorCode.TOO_LARGE);
    } finally {
      small.close();
    }
  }

  @Test
  void cidMustBeOneToSixtyFourChars() {
    TestClient alice = chat.user("alice");
    chat.user("bob");

    alice.error(new Request.Send(TestClient.nextId(), "@bob", "hi", ""), ErrorCode.BAD_REQUEST);
    alice.error(new Request.Send(TestClient.nextId(), "@bob", "hi", "x".repeat(65)),
        ErrorCode.BAD_REQUEST);
    assertEquals(1, alice.ok(new Request.Send(TestClient.nextId(), "@bob", "hi", "x".repeat(64)),
        Result.Sent.class).seq());
  }

  @Test
  void sendWithoutIdGetsNoReplyButIsDelivered() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");

    alice.client.send(new Request.Send(null, "@bob", "fire and forget", "c1"));

    assertEquals("fire and forget", bob.events.next(Event.Message.class).text());
    assertEquals("fire and forget", alice.events.next(Event.Message.class).text());
    alice.assertQuiet();
  }

  @Test
  void failedSendWithoutIdStillGetsAnErrorWithNullRe() {
    TestClient alice = chat.user("alice");

    alice.client.send(new Request.Send(null, "@nobody", "hi", "c1"));

    Event.Error error = alice.events.next(Event.Error.class);
    assertEquals(ErrorCode.NOT_FOUND, error.code());
    assertEquals(null, error.re());
  }
}
