package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md, "Changing messages": edit, delete, react, replies, mentions and the updates
 * catch-up, each change numbered by a gap-free rev per conversation while seqs count messages.
 */
class ChangesTest {
  private static final String THUMBS = "\uD83D\uDC4D";
  @RegisterExtension
  final TestChat chat = new TestChat();
  private TestClient alice;
  private TestClient bob;
  private TestClient mod;

  @BeforeEach
  void room() {
    alice = chat.user("alice");
    alice.createRoom("general", false);
    bob = chat.user("bob");
    bob.join("general");
    mod = chat.user("mod");
    mod.join("general");
    alice.ok(new Request.SetRole(TestClient.nextId(), "general", "mod", "moderator"));
    for (TestClient c : List.of(alice, bob, mod)) {
      c.settle();
    }
  }

  private Result.Changed changed(TestClient c, Request r) {
    return c.ok(r, Result.Changed.class);
  }

  @Test
  void editsAreTheSendersAndEveryoneSeesTheMessageAsItNowIs() {
    long seq = bob.send("#general", "helo @alice").seq();
    for (TestClient c : List.of(alice, bob, mod)) {
      assertEquals(List.of("alice"), c.events.next(Event.Message.class).mentions());
    }

    Result.Changed ok = changed(bob, new Request.Edit(TestClient.nextId(), "#general", seq,
        "hello @mod and @nobody"));

    assertEquals(new Result.Changed("#general", seq, 1), ok);
    for (TestClient c : List.of(alice, bob, mod)) {
      Event.Update u = c.events.next(Event.Update.class);
      assertEquals(1, u.rev());
      assertEquals("edit", u.action());
      assertEquals("bob", u.by());
      assertEquals("hello @mod and @nobody", u.message().text());
      assertEquals(List.of("mod"), u.message().mentions());
      assertTrue(u.message().edited() != null);
    }
    alice.error(new Request.Edit(TestClient.nextId(), "#general", seq, "mine now"),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.Edit(TestClient.nextId(), "#general", 99, "x"), ErrorCode.NOT_FOUND);
    bob.error(new Request.Edit(TestClient.nextId(), "#general", seq, " "), ErrorCode.BAD_REQUEST);
    bob.error(new Request.Edit(TestClient.nextId(), "#general", seq, "\u00a0\u200b"),
        ErrorCode.BAD_REQUEST);
    bob.error(new Request.Edit(TestClient.nextId(), "#general", seq, "x".repeat(4_001)),
        ErrorCode.TOO_LARGE);
    TestClient outsider = chat.user("outsider");
    outsider.error(new Request.Edit(TestClient.nextId(), "#general", seq, "x"),
        ErrorCode.FORBIDDEN);
    assertEquals(2, bob.send("#general", "seqs count only messages").seq());
  }

  @Test
  void deletingErasesAndOnlyTheSenderOrAModeratorMay() {
    long seq = bob.send("#general", "oops").seq();
    changed(alice, new Request.React(TestClient.nextId(), "#general", seq, THUMBS, true));
    alice.error(new Request.DeleteMessage(TestClient.nextId(), "@bob", 1), ErrorCode.NOT_FOUND);
    TestClient carol = chat.user("carol");
    carol.join("general");
    carol.error(new Request.DeleteMessage(TestClient.nextId(), "#general", seq),
        ErrorCode.FORBIDDEN);

    Result.Changed first = changed(mod, new Request.DeleteMessage(TestClient.nextId(),
        "#general", seq));
    Result.Changed again = changed(bob, new Request.DeleteMessage(TestClient.nextId(),
        "#general", seq));

    assertEquals(2, first.rev());
    assertEquals(first, again); // deleting twice is ok, same rev back
    Event.Message now = bob.history("#general", null, null, null).messages().get(0);
    assertEquals("", now.text());
    assertTrue(now.deleted());
    assertEquals(Map.of(), now.reactions());
    bob.error(new Request.Edit(TestClient.nextId(), "#general", seq, "undo"),
        ErrorCode.FORBIDDEN);
    alice.error(new Request.React(TestClient.nextId(), "#general", seq, THUMBS, true),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.Send(TestClient.nextId(), "#general", "re", "c", seq),
        ErrorCode.NOT_FOUND);
  }

  @Test
  void reactionsToggleInOrderAndAreLimited() {
    long seq = alice.send("#general", "vote").seq();
    changed(bob, new Request.React(TestClient.nextId(), "#general", seq, THUMBS, true));
    changed(alice, new Request.React(TestClient.nextId(), "#general", seq, THUMBS, true));
    Result.Changed same = changed(alice,
        new Request.React(TestClient.nextId(), "#general", seq, THUMBS, true));
    assertEquals(2, same.rev()); // already so: no new rev
    changed(mod, new Request.React(TestClient.nextId(), "#general", seq, "\u2764\uFE0F", true));
    changed(bob, new Request.React(TestClient.nextId(), "#general", seq, THUMBS, false));

    Event.Message now = alice.history("#general", null, null, null).messages().get(0);
    assertEquals(List.of(THUMBS, "\u2764\uFE0F"), List.copyOf(now.reactions().keySet()));
    assertEquals(List.of("alice"), now.reactions().get(THUMBS));

    for (String notEmoji : List.of("", "a", "\uD83D\uDC4D ok", "x".repeat(40), "\u0007")) {
      alice.error(new Request.React(TestClient.nextId(), "#general", seq, notEmoji, true),
          ErrorCode.BAD_REQUEST);
    }
    String[] many = {"\uD83D\uDE00", "\uD83D\uDE01", "\uD83D\uDE02", "\uD83D\uDE03",
        "\uD83D\uDE04", "\uD83D\uDE05", "\uD83D\uDE06", "\uD83D\uDE07", "\uD83D\uDE08",
        "\uD83D\uDE09", "\uD83D\uDE0A", "\uD83D\uDE0B", "\uD83D\uDE0C", "\uD83D\uDE0D",
        "\uD83D\uDE0E", "\uD83D\uDE0F", "\uD83D\uDE10", "\uD83D\uDE11", "\uD83D\uDE12"};
    for (String e : many) { // 2 + 18 = 20 distinct
      if (!e.equals(many[18])) {
        changed(bob, new Request.React(TestClient.nextId(), "#general", seq, e, true));
      }
    }
    alice.error(new Request.React(TestClient.nextId(), "#general", seq, many[18], true),
        ErrorCode.BAD_REQUEST);
    changed(alice, new Request.React(TestClient.nextId(), "#general", seq, many[0], true));
  }

  @Test
  void repliesNameAnExistingMessageOfTheSameConversation() {
    long first = alice.send("#general", "question?").seq();
    Result.Sent reply = bob.ok(new Request.Send(TestClient.nextId(), "#general", "answer", "c1",
        first), Result.Sent.class);
    Event.Message m = alice.history("#general", reply.seq() - 1, null, null).messages().get(0);
    assertEquals(first, m.replyTo());
    assertNull(alice.history("#general", null, null, 1).messages().get(0).edited());
    bob.error(new Request.Send(TestClient.nextId(), "#general", "to nothing", "c2", 99L),
        ErrorCode.NOT_FOUND);
    bob.error(new Request.Send(TestClient.nextId(), "@alice", "wrong conversation", "c3",
        first), ErrorCode.NOT_FOUND);
  }

  @Test
  void updatesCatchUpInRevOrderLeavingOutSupersededOnes() {
    long a = alice.send("#general", "one").seq();
    long b = alice.send("#general", "two").seq();
    changed(alice, new Request.Edit(TestClient.nextId(), "#general", a, "one!"));  // rev 1
    changed(bob, new Request.React(TestClient.nextId(), "#general", b, THUMBS, true)); // rev 2
    changed(alice, new Request.Edit(TestClient.nextId(), "#general", a, "one!!")); // rev 3

    Result.Updates all = bob.ok(new Request.Updates(TestClient.nextId(), "#general", 0, null),
        Result.Updates.class);
    assertEquals(List.of(2L, 3L), all.updates().stream().map(Event.Update::rev).toList());
    assertEquals("one!!", all.updates().get(1).message().text());
    Result.Updates paged = bob.ok(new Request.Updates(TestClient.nextId(), "#general", 0, 1),
        Result.Updates.class);
    assertEquals(1, paged.updates().get(0).rev());
    assertTrue(paged.more());
    assertEquals(3, bob.ok(new Request.ListConversations(TestClient.nextId()),
        Result.Conversations.class).conversations().get(0).lastRev());
    TestClient outsider = chat.user("outsider");
    outsider.error(new Request.Updates(TestClient.nextId(), "#general", 0, null),
        ErrorCode.FORBIDDEN);
    outsider.error(new Request.Updates(TestClient.nextId(), "#nowhere", 0, null),
        ErrorCode.NOT_FOUND);
  }

  @Test
  void directConversationsNameTheMessageFromEachSide() {
    long seq = alice.send("@bob", "hi @bob").seq();
    bob.settle();
    alice.settle();
    changed(bob, new Request.React(TestClient.nextId(), "@alice", seq, THUMBS, true));
    Event.Update seenByAlice = alice.events.next(Event.Update.class);
    assertEquals("@bob", seenByAlice.conv());
    assertEquals("@bob", seenByAlice.message().conv());
    assertEquals(List.of("bob"), seenByAlice.message().mentions());
    bob.error(new Request.DeleteMessage(TestClient.nextId(), "@alice", seq), ErrorCode.FORBIDDEN);
  }
}
