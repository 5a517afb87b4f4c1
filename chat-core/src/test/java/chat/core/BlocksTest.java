package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.core.store.AccountStore;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md, "Safety: blocking": while either has blocked the other, neither can write to
 * their direct conversation, and neither gets the other's typing or presence; room messages still
 * reach everyone (clients hide them by {@code from}).
 */
class BlocksTest {
  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().requestBurst(10_000)); // many frames

  private static List<String> blocked(TestClient c) {
    return c.ok(new Request.ListBlocked(TestClient.nextId()), Result.Users.class).users();
  }

  @Test
  void aBlockForbidsTheDirectConversationBothWaysUntilLifted() {
    TestClient alice = chat.user("alice");
    TestClient mallory = chat.user("mallory");
    mallory.send("@alice", "hello");
    alice.settle();

    alice.ok(new Request.Block(TestClient.nextId(), "Mallory"));

    alice.error(new Request.Send(TestClient.nextId(), "@mallory", "hi", "c1"),
        ErrorCode.FORBIDDEN);
    mallory.error(new Request.Send(TestClient.nextId(), "@alice", "hi again", "c2"),
        ErrorCode.FORBIDDEN);
    alice.assertQuiet();
    assertEquals(List.of("mallory"), blocked(alice));
    assertEquals(List.of(), blocked(mallory));

    alice.ok(new Request.Unblock(TestClient.nextId(), "mallory"));
    assertEquals(2, mallory.send("@alice", "sorry").seq());
    assertEquals(List.of(), blocked(alice));
  }

  @Test
  void aBlockForbidsEditsAndReactionsInTheDirectConversationButNotDeletingOnesOwn() {
    TestClient alice = chat.user("alice");
    TestClient mallory = chat.user("mallory");
    long hers = alice.send("@mallory", "hi").seq();
    long his = mallory.send("@alice", "hello").seq();
    alice.settle();
    mallory.settle();

    alice.ok(new Request.Block(TestClient.nextId(), "mallory"));

    mallory.error(new Request.Edit(TestClient.nextId(), "@alice", his, "something else"),
        ErrorCode.FORBIDDEN);
    mallory.error(new Request.React(TestClient.nextId(), "@alice", hers, "👎", true),
        ErrorCode.FORBIDDEN);
    alice.error(new Request.React(TestClient.nextId(), "@mallory", his, "👍", true),
        ErrorCode.FORBIDDEN);
    alice.assertQuiet(); // no update reached her
    Result.Changed deleted = mallory.ok(
        new Request.DeleteMessage(TestClient.nextId(), "@alice", his), Result.Changed.class);
    assertEquals(his, deleted.seq());
    assertEquals("delete", alice.events.next(Event.Update.class).action());
  }

  @Test
  void blockedListIsSortedAndBlockingTwiceIsOk() {
    TestClient alice = chat.user("alice");
    chat.user("zed");
    chat.user("bob");
    alice.ok(new Request.Block(TestClient.nextId(), "zed"));
    alice.ok(new Request.Block(TestClient.nextId(), "bob"));
    alice.ok(new Request.Block(TestClient.nextId(), "zed"));
    alice.ok(new Request.Unblock(TestClient.nextId(), "bob"));
    alice.ok(new Request.Block(TestClient.nextId(), "bob"));

    assertEquals(List.of("bob", "zed"), blocked(alice));
  }

  /**
   * Blocks and unblocks that change something: a burst of 100, then 60 a minute; repeats are
   * free. A user holds at most 1,000 blocks.
   */
  @Test
  void blockChangesAreLimitedRepeatsAreFreeAndBlocksAreCapped() {
    TestClient alice = chat.user("alice");
    AccountStore accounts = chat.core.instance(AccountStore.class);
    for (int i = 0; i <= Blocks.MAX_BLOCKED; i++) {
      accounts.createUser("user" + i, "not-a-hash", 0);
    }
    for (int i = 0; i < Blocks.CHANGE_BURST; i++) {
      alice.ok(new Request.Block(TestClient.nextId(), "user" + i));
    }
    alice.ok(new Request.Block(TestClient.nextId(), "user0")); // blocked already: free
    alice.ok(new Request.Unblock(TestClient.nextId(), "user999")); // never blocked: free
    Event.Error limited = alice.error(new Request.Unblock(TestClient.nextId(), "user0"),
        ErrorCode.RATE_LIMITED);
    assertEquals(1_000L, limited.retryAfterMs(), "one a second at 60 a minute");
    assertEquals(Blocks.CHANGE_BURST, blocked(alice).size());

    for (int i = Blocks.CHANGE_BURST; i < Blocks.MAX_BLOCKED; i++) {
      chat.ticker.advance(Duration.ofSeconds(1));
      alice.ok(new Request.Block(TestClient.nextId(), "user" + i));
    }
    chat.ticker.advance(Duration.ofSeconds(1));
    alice.error(new Request.Block(TestClient.nextId(), "user" + Blocks.MAX_BLOCKED),
        ErrorCode.FORBIDDEN);
    alice.ok(new Request.Unblock(TestClient.nextId(), "user0"));
    chat.ticker.advance(Duration.ofSeconds(1));
    alice.ok(new Request.Block(TestClient.nextId(), "user" + Blocks.MAX_BLOCKED));
    assertEquals(Blocks.MAX_BLOCKED, accounts.blockedBy("alice").size());
  }

  @Test
  void blockingYourselfOrNobodyFails() {
    TestClient alice = chat.user("alice");
    alice.error(new Request.Block(TestClient.nextId(), "alice"), ErrorCode.BAD_REQUEST);
    alice.error(new Request.Block(TestClient.nextId(), "nobody"), ErrorCode.NOT_FOUND);
    alice.error(new Request.Block(TestClient.nextId(), "NO SUCH"), ErrorCode.BAD_REQUEST);
  }

  @Test
  void typingAndPresenceDoNotCrossABlockButRoomMessagesDo() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient mallory = chat.user("mallory");
    mallory.join("general");
    TestClient bob = chat.user("bob");
    bob.join("general");
    alice.ok(new Request.Block(TestClient.nextId(), "mallory"));
    alice.settle();
    bob.settle();
    mallory.settle();

    mallory.ok(new Request.Typing(TestClient.nextId(), "#general"));
    mallory.ok(new Request.Typing(TestClient.nextId(), "@alice"));
    assertEquals(new Event.Typing("#general", "mallory"), bob.events.next(Event.Typing.class));
    alice.assertQuiet();

    alice.ok(new Request.Typing(TestClient.nextId(), "#general"));
    assertEquals(new Event.Typing("#general", "alice"), bob.events.next(Event.Typing.class));
    mallory.assertQuiet();

    // presence: mallory going and coming is shown to bob, not to alice
    mallory.close();
    assertEquals(new Event.Presence("mallory", false), bob.events.next(Event.Presence.class));
    TestClient malloryAgain = chat.connect();
    malloryAgain.loginWithToken(mallory.token);
    assertEquals(new Event.Presence("mallory", true), bob.events.next(Event.Presence.class));
    alice.assertQuiet();

    Result.Sent sent = malloryAgain.send("#general", "still heard in the room");
    Event.Message m = alice.events.next(Event.Message.class);
    assertEquals(sent.seq(), m.seq());
    assertEquals("mallory", m.from());
  }

  @Test
  void aBlockHidesOnlineInMemberListsAndReadReceiptsOfTheDirectConversation() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient mallory = chat.user("mallory");
    mallory.join("general");
    TestClient bob = chat.user("bob");
    bob.join("general");
    long seq = mallory.send("@alice", "before the block").seq();
    TestClient aliceElsewhere = chat.connect();
    aliceElsewhere.loginWithToken(alice.token);
    alice.ok(new Request.Block(TestClient.nextId(), "mallory"));
    for (TestClient c : List.of(alice, aliceElsewhere, bob, mallory)) {
      c.settle();
    }

    assertEquals(false, online(mallory, "alice"), "the blocker is never online to the blocked");
    assertEquals(false, online(alice, "mallory"));
    assertEquals(true, online(bob, "alice"));
    assertEquals(true, online(bob, "mallory"));

    alice.ok(new Request.MarkRead(TestClient.nextId(), "@mallory", seq));
    assertEquals(new Event.Read("@mallory", "alice", seq),
        aliceElsewhere.events.next(Event.Read.class), "her other session still hears it");
    mallory.assertQuiet();
  }

  private static boolean online(TestClient viewer, String member) {
    return viewer.members("general").stream().filter(m -> m.user().equals(member))
        .findFirst().orElseThrow().online();
  }
}
