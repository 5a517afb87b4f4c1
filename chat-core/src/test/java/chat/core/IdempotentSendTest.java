package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IdempotentSendTest {
  @RegisterExtension
  final TestChat chat = new TestChat();

  @Test
  void resendingTheSameCidReturnsTheSameSeqAndDeliversNothingTwice() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");

    Result.Sent first = alice.ok(new Request.Send("1", "@bob", "once", "cid-1"), Result.Sent.class);
    bob.events.next(Event.Message.class);
    chat.clock.advance(java.time.Duration.ofSeconds(5));
    Result.Sent again = alice.ok(new Request.Send("2", "@bob", "once", "cid-1"), Result.Sent.class);

    assertEquals(first, again, "same seq, same ts, same cid");
    bob.assertQuiet();
    assertEquals(1, bob.history("@alice", null, null, null).messages().size());
  }

  @Test
  void resendFromAnotherSessionOfTheSenderIsStillTheSameMessage() {
    TestClient alice = chat.user("alice");
    TestClient aliceAfterReconnect = chat.secondSession(alice);
    chat.user("bob");

    long seq = alice.ok(new Request.Send("1", "@bob", "hi", "cid-1"), Result.Sent.class).seq();
    alice.close();

    assertEquals(seq, aliceAfterReconnect.ok(new Request.Send("2", "@bob", "hi", "cid-1"),
        Result.Sent.class).seq());
  }

  @Test
  void sameCidInAnotherConversationOrFromAnotherSenderIsANewMessage() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    chat.user("carol");
    alice.createRoom("general", false);
    bob.join("general");

    assertEquals(1, alice.ok(new Request.Send("1", "#general", "a", "same"), Result.Sent.class).seq());
    assertEquals(2, bob.ok(new Request.Send("2", "#general", "b", "same"), Result.Sent.class).seq());
    assertEquals(1, alice.ok(new Request.Send("3", "@carol", "c", "same"), Result.Sent.class).seq());
  }
}
