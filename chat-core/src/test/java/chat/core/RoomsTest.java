package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md, "Rooms": create, join, leave, the rooms list and the members list of public rooms,
 * the {@code member} events they cause, and what a departed user no longer gets. Where
 * PROTOCOL.md leaves a choice open (the owner leaving, leaving a room one is not in, the order of
 * the members list), the expectation is the choice docs/protocol.md documents.
 */
class RoomsTest {
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

  private static Result.RoomInfo room(TestClient c, String room) {
    return c.rooms().rooms().stream().filter(r -> r.room().equals(room)).findFirst()
        .orElseThrow(() -> new AssertionError(room + " is not in the rooms list of " + c.user));
  }

  private static List<String> conversationNames(TestClient c) {
    return c.ok(new Request.ListConversations(TestClient.nextId()), Result.Conversations.class)
        .conversations().stream().map(Result.ConversationInfo::conv).toList();
  }

  private static Event.Member member(String conv, String user, String action) {
    return new Event.Member(conv, user, action);
  }

  @Test
  void creatingARoomMakesTheCreatorItsOwnerAndAMember() {
    TestClient alice = chat.user("alice");

    Result.Created created = alice.ok(
        new Request.Create(TestClient.nextId(), "General", "Anything", false),
        Result.Created.class);

    assertEquals(new Result.Created("#general"), created, "named #room, case-folded");
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true)), alice.members("general"));
    assertEquals(List.of(new Result.RoomInfo("#general", "Anything", false, 1, true)),
        alice.rooms().rooms());
    assertEquals(List.of("#general"), conversationNames(alice), "a member's conversation");
    alice.assertQuiet(); // create is none of the member actions (join, leave, invite, kick)
    assertEquals(1, alice.send("#general", "first").seq(), "a member may send at once");
  }

  @Test
  void aTakenRoomNameIsAConflictWhateverItsCaseOrHashAndChangesNothing() {
    TestClient alice = chat.user("alice");
    alice.ok(new Request.Create(TestClient.nextId(), "general", "Alice's", false),
        Result.Created.class);
    TestClient bob = chat.user("bob");

    for (String taken : List.of("general", "GENERAL", "#general", "#General")) {
      bob.error(new Request.Create(TestClient.nextId(), taken, "Bob's", true), ErrorCode.CONFLICT);
    }

    assertEquals(List.of(new Result.RoomInfo("#general", "Alice's", false, 1, false)),
        bob.rooms().rooms());
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true)), bob.members("general"));
  }

  @Test
  void invalidRoomNamesAreBadRequestsAndCreateNothing() {
    TestClient alice = chat.user("alice");
    List<String> invalid = List.of("", "#", "##general", "-general", "_general", "gen eral",
        "gen.eral", "général", "gen/eral", "a".repeat(65));

    for (String bad : invalid) {
      alice.error(new Request.Create(TestClient.nextId(), bad, "t", false), ErrorCode.BAD_REQUEST);
      alice.error(new Request.Join(TestClient.nextId(), bad), ErrorCode.BAD_REQUEST);
      alice.error(new Request.Members(TestClient.nextId(), bad), ErrorCode.BAD_REQUEST);
    }
    assertEquals(List.of(), alice.rooms().rooms());

    // The edges of the pattern ^[a-z0-9][a-z0-9_-]{0,63}$ are accepted.
    alice.createRoom("a", false);
    alice.createRoom("9" + "x".repeat(63), false);
    alice.createRoom("#Mixed_Case-1", false);
    assertEquals(List.of("#9" + "x".repeat(63), "#a", "#mixed_case-1"),
        sortedRooms(alice).stream().map(Result.RoomInfo::room).toList());
  }

  @Test
  void topicsOfMoreThanTwoHundredFiftySixCharactersAreBadRequests() {
    TestClient alice = chat.user("alice");

    alice.error(new Request.Create(TestClient.nextId(), "long", "t".repeat(257), false),
        ErrorCode.BAD_REQUEST);
    alice.ok(new Request.Create(TestClient.nextId(), "fits", "t".repeat(256), false),
        Result.Created.class);

    assertEquals(List.of(new Result.RoomInfo("#fits", "t".repeat(256), false, 1, true)),
        alice.rooms().rooms());
  }

  @Test
  void theRoomsListShowsEveryPublicRoomWithTopicMemberCountAndJoinedFlag() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.createRoom("random", false);
    TestClient carol = chat.user("carol");
    carol.join("general");
    TestClient dave = chat.user("dave");

    assertEquals(List.of(
            new Result.RoomInfo("#general", "topic of general", false, 2, false),
            new Result.RoomInfo("#random", "topic of random", false, 1, false)),
        sortedRooms(dave));
    assertEquals(List.of(
            new Result.RoomInfo("#general", "topic of general", false, 2, true),
            new Result.RoomInfo("#random", "topic of random", false, 1, false)),
        sortedRooms(carol));
    assertEquals(List.of(
            new Result.RoomInfo("#general", "topic of general", false, 2, false),
            new Result.RoomInfo("#random", "topic of random", false, 1, true)),
        sortedRooms(bob));
  }

  @Test
  void joinAnswersConvTopicAndLastSeqAndEverySessionOfEveryMemberHearsIt() {
    TestClient alice = chat.user("alice");
    TestClient aliceTab = chat.secondSession(alice);
    alice.createRoom("general", false);
    alice.send("#general", "one");
    alice.send("#general", "two");
    TestClient bob = chat.user("bob");
    TestClient bobTab = chat.secondSession(bob);
    TestClient outsider = chat.user("dave");
    settleAll(alice, aliceTab, bob, bobTab, outsider);

    Result.Joined joined = bob.ok(new Request.Join(TestClient.nextId(), "#General"),
        Result.Joined.class);

    assertEquals(new Result.Joined("#general", "topic of general", 2), joined);
    for (TestClient c : List.of(alice, aliceTab, bob, bobTab)) {
      assertEquals(member("#general", "bob", "join"), c.events.next(Event.Member.class));
      c.assertQuiet();
    }
    outsider.assertQuiet();
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true),
        new Result.MemberInfo("bob", "member", true)), alice.members("general"));
    assertEquals(3, bob.send("#general", "three").seq(), "a member may send");
    assertEquals(List.of("#general"), conversationNames(bob));
  }

  @Test
  void joiningTwiceIsOkAndAnnouncesNothingNew() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    settleAll(alice, bob);

    assertEquals(new Result.Joined("#general", "topic of general", 0), bob.join("general"));
    assertEquals(new Result.Joined("#general", "topic of general", 0), alice.join("general"),
        "the owner joining its own room is ok too");

    alice.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true),
        new Result.MemberInfo("bob", "member", true)), bob.members("general"),
        "no one is added twice, the owner is still the owner");
    assertEquals(2, room(bob, "#general").members());
  }

  @Test
  void joiningOrListingTheMembersOfAnUnknownRoomIsNotFound() {
    TestClient alice = chat.user("alice");

    alice.error(new Request.Join(TestClient.nextId(), "nowhere"), ErrorCode.NOT_FOUND);
    alice.error(new Request.Members(TestClient.nextId(), "nowhere"), ErrorCode.NOT_FOUND);
    alice.error(new Request.Leave(TestClient.nextId(), "nowhere"), ErrorCode.NOT_FOUND);
    assertEquals(List.of(), alice.rooms().rooms());
  }

  @Test
  void theMembersListGivesRoleAndOnlineInJoinOrderToAnyoneForAPublicRoom() {
    TestClient bob = chat.user("bob");
    bob.createRoom("general", false);
    TestClient alice = chat.user("alice");
    alice.join("general");
    TestClient carol = chat.user("carol");
    carol.join("general");
    settleAll(bob, alice);

    carol.close();
    assertEquals(new Event.Presence("carol", false), bob.events.skipTo(Event.Presence.class));

    List<Result.MemberInfo> expected = List.of(
        new Result.MemberInfo("bob", "owner", true),
        new Result.MemberInfo("alice", "member", true),
        new Result.MemberInfo("carol", "member", false));
    assertEquals(expected, alice.members("general"));
    TestClient outsider = chat.user("dave");
    assertEquals(expected, outsider.members("#general"),
        "only a private room's members are forbidden to non-members");
  }

  @Test
  void leavingTellsTheRemainingMembersAndEverySessionOfTheLeaver() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    TestClient bobTab = chat.secondSession(bob);
    TestClient carol = chat.user("carol");
    carol.join("general");
    TestClient outsider = chat.user("dave");
    settleAll(alice, bob, bobTab, carol, outsider);

    bob.leave("#general");

    for (TestClient c : List.of(alice, carol, bob, bobTab)) {
      assertEquals(member("#general", "bob", "leave"), c.events.next(Event.Member.class));
      c.assertQuiet();
    }
    outsider.assertQuiet();
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true),
        new Result.MemberInfo("carol", "member", true)), alice.members("general"));
    assertEquals(new Result.RoomInfo("#general", "topic of general", false, 2, false),
        room(bob, "#general"));
    assertEquals(List.of(), conversationNames(bob), "no longer one of bob's conversations");
  }

  @Test
  void aUserWhoLeftGetsNoMoreEventsOfTheRoomAndCannotUseIt() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    TestClient bobTab = chat.secondSession(bob);
    TestClient carol = chat.user("carol");
    carol.join("general");
    alice.send("#general", "before bob left");
    bob.leave("general");
    settleAll(alice, bob, bobTab, carol);

    alice.send("#general", "after bob left");
    carol.ok(new Request.Typing(TestClient.nextId(), "#general"));
    carol.ok(new Request.MarkRead(TestClient.nextId(), "#general", 2));
    TestClient dave = chat.user("dave");
    dave.join("general");

    assertEquals("after bob left", carol.events.skipTo(Event.Message.class).text());
    assertEquals(member("#general", "dave", "join"), carol.events.skipTo(Event.Member.class));
    bob.assertQuiet();
    bobTab.assertQuiet();
    bob.error(new Request.History(TestClient.nextId(), "#general", null, null, null),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.Send(TestClient.nextId(), "#general", "still here?", "c1"),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.MarkRead(TestClient.nextId(), "#general", 1), ErrorCode.FORBIDDEN);
    bob.error(new Request.Typing(TestClient.nextId(), "#general"), ErrorCode.FORBIDDEN);
    assertEquals(2, alice.history("#general", null, null, null).messages().size(),
        "bob's refused send stored nothing");
  }

  @Test
  void aUserWhoLeftHearsNoMorePresenceOfFormerRoomMates() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    TestClient carol = chat.user("carol");
    carol.join("general");
    bob.leave("general");
    settleAll(alice, bob);

    carol.close();

    assertEquals(new Event.Presence("carol", false), alice.events.skipTo(Event.Presence.class));
    bob.assertQuiet();
  }

  @Test
  void aUserWhoLeftMayJoinAgainAndReadsTheWholeHistory() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    bob.send("#general", "hello");
    bob.leave("general");
    alice.send("#general", "while bob was away");
    settleAll(alice, bob);

    assertEquals(new Result.Joined("#general", "topic of general", 2), bob.join("general"));

    assertEquals(member("#general", "bob", "join"), alice.events.next(Event.Member.class));
    assertEquals(member("#general", "bob", "join"), bob.events.next(Event.Member.class));
    assertEquals(List.of("hello", "while bob was away"),
        bob.history("#general", null, null, null).messages().stream()
            .map(Event.Message::text).toList());
  }

  @Test
  void leavingARoomOneIsNotInIsOkAndTellsNobody() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    settleAll(alice, bob);

    bob.leave("general");

    alice.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true)), bob.members("general"));
  }

  @Test
  void theOwnerCannotLeaveAndStaysOwner() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    settleAll(alice, bob);

    alice.error(new Request.Leave(TestClient.nextId(), "general"), ErrorCode.FORBIDDEN);

    alice.assertQuiet();
    bob.assertQuiet();
    assertEquals(List.of(new Result.MemberInfo("alice", "owner", true),
        new Result.MemberInfo("bob", "member", true)), bob.members("general"));
    assertTrue(room(alice, "#general").joined());
    assertFalse(alice.history("#general", null, null, null).more());
  }
}
