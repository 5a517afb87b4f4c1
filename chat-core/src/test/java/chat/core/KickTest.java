package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md, "Rooms", kick: owner only; the members and the kicked user hear it; a kicked user
 * gets no further events of the room and cannot read its history. As docs/protocol.md
 * documents: the owner cannot be kicked, a user kicked from a public room may join again, and
 * from a private room only a new invite brings them back.
 */
class KickTest {
  @RegisterExtension
  final TestChat chat = new TestChat();

  private static void settleAll(TestClient... clients) {
    for (TestClient c : clients) {
      c.settle();
    }
  }

  private static List<String> memberNames(TestClient c, String room) {
    return c.members(room).stream().map(Result.MemberInfo::user).toList();
  }

  private static List<String> conversationNames(TestClient c) {
    return c.ok(new Request.ListConversations(TestClient.nextId()), Result.Conversations.class)
        .conversations().stream().map(Result.ConversationInfo::conv).toList();
  }

  @Test
  void everySessionOfTheKickedUserAndOfEveryMemberHearsTheKick() {
    TestClient alice = chat.user("alice");
    TestClient aliceTab = chat.secondSession(alice);
    alice.createRoom("secret", true);
    TestClient bob = chat.user("bob");
    TestClient bobTab = chat.secondSession(bob);
    TestClient bobPhone = chat.secondSession(bob);
    alice.invite("secret", "bob");
    TestClient carol = chat.user("carol");
    alice.invite("secret", "carol");
    TestClient outsider = chat.user("dave");
    settleAll(alice, aliceTab, bob, bobTab, bobPhone, carol, outsider);

    alice.kick("#secret", "BOB");

    for (TestClient c : List.of(alice, aliceTab, carol, bob, bobTab, bobPhone)) {
      assertEquals(new Event.Member("#secret", "bob", "kick"), c.events.next(Event.Member.class));
      c.assertQuiet();
    }
    outsider.assertQuiet();
    assertEquals(List.of("alice", "carol"), memberNames(alice, "secret"));
    assertEquals(List.of(), conversationNames(bob));
    assertEquals(List.of(), bob.rooms().rooms(), "the private room is invisible again");
  }

  @Test
  void aKickedUserGetsNoMoreEventsOfTheRoomAndCannotUseIt() {
    TestClient alice = chat.user("alice");
    alice.createRoom("secret", true);
    TestClient bob = chat.user("bob");
    TestClient bobTab = chat.secondSession(bob);
    alice.invite("secret", "bob");
    TestClient carol = chat.user("carol");
    alice.invite("secret", "carol");
    alice.send("#secret", "before the kick");
    alice.kick("secret", "bob");
    settleAll(alice, bob, bobTab, carol);

    alice.send("#secret", "after the kick");
    carol.ok(new Request.Typing(TestClient.nextId(), "#secret"));
    carol.ok(new Request.MarkRead(TestClient.nextId(), "#secret", 2));
    TestClient dave = chat.user("dave");
    alice.invite("secret", "dave");
    carol.close();

    assertEquals(new Event.Member("#secret", "dave", "invite"),
        alice.events.skipTo(Event.Member.class));
    assertEquals(new Event.Presence("carol", false), alice.events.skipTo(Event.Presence.class));
    bob.assertQuiet();
    bobTab.assertQuiet();
    for (TestClient c : List.of(bob, bobTab)) {
      c.error(new Request.History(TestClient.nextId(), "#secret", null, null, null),
          ErrorCode.FORBIDDEN);
      c.error(new Request.History(TestClient.nextId(), "#secret", 0L, null, null),
          ErrorCode.FORBIDDEN);
      c.error(new Request.Send(TestClient.nextId(), "#secret", "hello?", TestClient.nextId()),
          ErrorCode.FORBIDDEN);
      c.error(new Request.MarkRead(TestClient.nextId(), "#secret", 1), ErrorCode.FORBIDDEN);
      c.error(new Request.Typing(TestClient.nextId(), "#secret"), ErrorCode.FORBIDDEN);
      c.error(new Request.Members(TestClient.nextId(), "secret"), ErrorCode.FORBIDDEN);
    }
    assertEquals(List.of("before the kick", "after the kick"),
        alice.history("#secret", null, null, null).messages().stream()
            .map(Event.Message::text).toList(), "the kicked user's sends stored nothing");
  }

  @Test
  void onlyTheOwnerMayKick() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    TestClient carol = chat.user("carol");
    carol.join("general");
    TestClient outsider = chat.user("dave");
    settleAll(alice, bob, carol, outsider);

    carol.error(new Request.Kick(TestClient.nextId(), "general", "bob"), ErrorCode.FORBIDDEN);
    outsider.error(new Request.Kick(TestClient.nextId(), "general", "bob"), ErrorCode.FORBIDDEN);
    bob.error(new Request.Kick(TestClient.nextId(), "general", "alice"), ErrorCode.FORBIDDEN);

    for (TestClient c : List.of(alice, bob, carol, outsider)) {
      c.assertQuiet();
    }
    assertEquals(List.of("alice", "bob", "carol"), memberNames(alice, "general"));
  }

  @Test
  void theOwnerCannotBeKickedNotEvenByThemself() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    settleAll(alice, bob);

    alice.error(new Request.Kick(TestClient.nextId(), "general", "alice"), ErrorCode.FORBIDDEN);
    alice.error(new Request.Kick(TestClient.nextId(), "general", "Alice"), ErrorCode.FORBIDDEN);

    alice.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true),
        new Result.MemberInfo("bob", "member", true)), bob.members("general"));
  }

  @Test
  void aUserKickedFromAPublicRoomMayJoinAgain() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    alice.send("#general", "one");
    TestClient bob = chat.user("bob");
    bob.join("general");
    alice.kick("general", "bob");
    settleAll(alice, bob);

    assertEquals(new Result.Joined("#general", "topic of general", 1), bob.join("general"));

    Event.Member joined = new Event.Member("#general", "bob", "join");
    assertEquals(joined, alice.events.next(Event.Member.class));
    assertEquals(joined, bob.events.next(Event.Member.class));
    alice.send("#general", "welcome back");
    assertEquals("welcome back", bob.events.next(Event.Message.class).text());
    assertEquals(List.of("alice", "bob"), memberNames(alice, "general"));
  }

  @Test
  void aUserKickedFromAPrivateRoomComesBackOnlyWithANewInvite() {
    TestClient alice = chat.user("alice");
    alice.createRoom("secret", true);
    TestClient bob = chat.user("bob");
    alice.invite("secret", "bob");
    alice.kick("secret", "bob");
    settleAll(alice, bob);

    bob.error(new Request.Join(TestClient.nextId(), "secret"), ErrorCode.FORBIDDEN);
    alice.assertQuiet();
    assertEquals(List.of("alice"), memberNames(alice, "secret"));

    alice.invite("secret", "bob");

    assertEquals(new Event.Member("#secret", "bob", "invite"), bob.events.next(Event.Member.class));
    assertEquals(List.of("alice", "bob"), memberNames(bob, "secret"));
  }

  @Test
  void kickingAnUnknownUserOrInAnUnknownRoomIsNotFound() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    settleAll(alice, bob);

    alice.error(new Request.Kick(TestClient.nextId(), "general", "nobody"), ErrorCode.NOT_FOUND);
    alice.error(new Request.Kick(TestClient.nextId(), "nowhere", "bob"), ErrorCode.NOT_FOUND);
    alice.error(new Request.Kick(TestClient.nextId(), "general", "b"), ErrorCode.BAD_REQUEST);

    alice.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of("alice", "bob"), memberNames(alice, "general"));
  }
}
