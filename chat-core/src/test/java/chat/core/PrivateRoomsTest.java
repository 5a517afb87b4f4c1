package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md, "Rooms", for private rooms: they are listed only to their members, joining one
 * needs an invite ({@code forbidden} otherwise), their members list is {@code forbidden} to
 * non-members, only the owner invites, and the invited user hears the {@code invite} event. As
 * docs/protocol.md documents, an invite makes the user a member at once.
 */
class PrivateRoomsTest {
  @RegisterExtension
  final TestChat chat = new TestChat();

  private static void settleAll(TestClient... clients) {
    for (TestClient c : clients) {
      c.settle();
    }
  }

  private static List<Result.RoomInfo> sortedRooms(TestClient c) {
    return c.rooms().rooms().stream().sorted(Comparator.comparing(Result.RoomInfo::room)).toList();
  }

  private static List<String> conversationNames(TestClient c) {
    return c.ok(new Request.ListConversations(TestClient.nextId()), Result.Conversations.class)
        .conversations().stream().map(Result.ConversationInfo::conv).toList();
  }

  @Test
  void aPrivateRoomIsListedOnlyToItsMembers() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    alice.createRoom("secret", true);
    TestClient bob = chat.user("bob");

    assertEquals(List.of(new Result.RoomInfo("#general", "topic of general", false, 1, false)),
        bob.rooms().rooms(), "another user's private room is invisible");
    assertEquals(List.of(
            new Result.RoomInfo("#general", "topic of general", false, 1, true),
            new Result.RoomInfo("#secret", "topic of secret", true, 1, true)),
        sortedRooms(alice));

    alice.invite("secret", "bob");

    assertEquals(List.of(
            new Result.RoomInfo("#general", "topic of general", false, 1, false),
            new Result.RoomInfo("#secret", "topic of secret", true, 2, true)),
        sortedRooms(bob));
  }

  @Test
  void joiningWithoutAnInviteIsForbiddenAndChangesNothing() {
    TestClient alice = chat.user("alice");
    alice.createRoom("secret", true);
    alice.send("#secret", "for members only");
    TestClient bob = chat.user("bob");
    settleAll(alice, bob);

    bob.error(new Request.Join(TestClient.nextId(), "secret"), ErrorCode.FORBIDDEN);
    bob.error(new Request.Join(TestClient.nextId(), "#SECRET"), ErrorCode.FORBIDDEN);
    // PROTOCOL.md's codes tell a private room (forbidden) from no room at all (not_found).
    bob.error(new Request.Join(TestClient.nextId(), "nosuchroom"), ErrorCode.NOT_FOUND);

    alice.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true)), alice.members("secret"));
    assertEquals(List.of(), bob.rooms().rooms());
    assertEquals(List.of(), conversationNames(bob));
  }

  @Test
  void aNonMemberCanNeitherListTheMembersNorReadNorWriteNorTypeNorMarkRead() {
    TestClient alice = chat.user("alice");
    alice.createRoom("secret", true);
    alice.send("#secret", "for members only");
    TestClient bob = chat.user("bob");
    settleAll(alice, bob);

    Event.Error members = bob.error(new Request.Members(TestClient.nextId(), "secret"),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.History(TestClient.nextId(), "#secret", null, null, null),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.History(TestClient.nextId(), "#secret", 0L, null, 10),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.Send(TestClient.nextId(), "#secret", "let me in", "c1"),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.Typing(TestClient.nextId(), "#secret"), ErrorCode.FORBIDDEN);
    bob.error(new Request.MarkRead(TestClient.nextId(), "#secret", 1), ErrorCode.FORBIDDEN);

    assertEquals(false, members.message().contains("alice"), "the error names no member");
    alice.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of("for members only"),
        alice.history("#secret", null, null, null).messages().stream()
            .map(Event.Message::text).toList(), "bob's send stored nothing");
  }

  @Test
  void theOwnersInviteMakesTheInviteeAMemberAndEverySessionOfEveryMemberAndTheInviteeHearsIt() {
    TestClient alice = chat.user("alice");
    TestClient aliceTab = chat.secondSession(alice);
    alice.createRoom("secret", true);
    TestClient carol = chat.user("carol");
    alice.invite("secret", "carol");
    alice.send("#secret", "hello carol");
    TestClient bob = chat.user("bob");
    TestClient bobTab = chat.secondSession(bob);
    TestClient outsider = chat.user("dave");
    settleAll(alice, aliceTab, carol, bob, bobTab, outsider);

    alice.invite("#secret", "Bob");

    for (TestClient c : List.of(alice, aliceTab, carol, bob, bobTab)) {
      assertEquals(new Event.Member("#secret", "bob", "invite"),
          c.events.next(Event.Member.class));
      c.assertQuiet();
    }
    outsider.assertQuiet();
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true),
        new Result.MemberInfo("carol", "member", true),
        new Result.MemberInfo("bob", "member", true)), bob.members("secret"));
    assertEquals(List.of("#secret"), conversationNames(bob));
    assertEquals(List.of("hello carol"), bob.history("#secret", null, null, null).messages()
        .stream().map(Event.Message::text).toList(), "a member reads the history");
    assertEquals(2, bob.send("#secret", "thanks").seq(), "a member may send without joining");
    assertEquals("thanks", carol.events.next(Event.Message.class).text());
  }

  @Test
  void anInvitedUserMayJoinWhichIsOkAndAnnouncesNothingNew() {
    TestClient alice = chat.user("alice");
    alice.createRoom("secret", true);
    alice.send("#secret", "one");
    TestClient bob = chat.user("bob");
    alice.invite("secret", "bob");
    settleAll(alice, bob);

    assertEquals(new Result.Joined("#secret", "topic of secret", 1), bob.join("secret"));

    alice.assertQuiet();
    bob.assertQuiet();
    assertEquals(2, alice.members("secret").size());
  }

  @Test
  void onlyTheOwnerMayInvite() {
    TestClient alice = chat.user("alice");
    alice.createRoom("secret", true);
    TestClient carol = chat.user("carol");
    alice.invite("secret", "carol");
    TestClient dave = chat.user("dave");
    settleAll(alice, carol, dave);

    carol.error(new Request.Invite(TestClient.nextId(), "secret", "dave"), ErrorCode.FORBIDDEN);
    dave.error(new Request.Invite(TestClient.nextId(), "secret", "dave"), ErrorCode.FORBIDDEN);

    for (TestClient c : List.of(alice, carol, dave)) {
      c.assertQuiet();
    }
    assertEquals(List.of("alice", "carol"),
        alice.members("secret").stream().map(Result.MemberInfo::user).toList());
    dave.error(new Request.Join(TestClient.nextId(), "secret"), ErrorCode.FORBIDDEN);
  }

  @Test
  void invitingAnUnknownUserOrIntoAnUnknownRoomIsNotFoundAndABadNameIsABadRequest() {
    TestClient alice = chat.user("alice");
    alice.createRoom("secret", true);
    chat.user("bob");
    alice.settle();

    alice.error(new Request.Invite(TestClient.nextId(), "secret", "nobody"), ErrorCode.NOT_FOUND);
    alice.error(new Request.Invite(TestClient.nextId(), "nowhere", "bob"), ErrorCode.NOT_FOUND);
    alice.error(new Request.Invite(TestClient.nextId(), "secret", "b"), ErrorCode.BAD_REQUEST);
    alice.error(new Request.Invite(TestClient.nextId(), "secret", "@bob"), ErrorCode.BAD_REQUEST);
    alice.error(new Request.Invite(TestClient.nextId(), "se cret", "bob"), ErrorCode.BAD_REQUEST);

    alice.assertQuiet();
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true)), alice.members("secret"));
  }

  @Test
  void anInvitedUserWhoLeavesNeedsANewInviteToComeBack() {
    TestClient alice = chat.user("alice");
    alice.createRoom("secret", true);
    TestClient bob = chat.user("bob");
    alice.invite("secret", "bob");
    bob.leave("secret");
    settleAll(alice, bob);

    bob.error(new Request.Join(TestClient.nextId(), "secret"), ErrorCode.FORBIDDEN);
    assertEquals(List.of(), bob.rooms().rooms(), "invisible again");
    alice.assertQuiet();

    alice.invite("secret", "bob");
    assertEquals(new Event.Member("#secret", "bob", "invite"), bob.events.next(Event.Member.class));
    assertEquals(new Result.Joined("#secret", "topic of secret", 0), bob.join("secret"));
  }
}
