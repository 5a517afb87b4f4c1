package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.MessageChange;
import chat.core.store.MessageStore;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/protocol.md, "Limits and overload": a signed-in user's requests of the kinds with no
 * limit of their own share one budget over all its connections (here 2 a second, a burst of 3).
 * Beyond it they are refused {@code rate_limited}; pings and requests with their own limits pass.
 */
class UserRequestLimitTest {
  private static final ChatConfig.UserLimits TWO_A_SECOND =
      ChatConfig.UserLimits.DEFAULTS.withRequests(2, 3);

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().userLimits(TWO_A_SECOND));

  private static Request history() {
    return history("@bob");
  }

  private static Request history(String conv) {
    return new Request.History(TestClient.nextId(), conv, null, null, null);
  }

  @Test
  void oneBudgetForAllOfAUsersConnectionsRefusedBeyondItWithRetryAfter() {
    TestClient alice = chat.user("alice");
    TestClient alicePhone = chat.secondSession(alice);
    TestClient bob = chat.user("bob");

    alice.ok(history(), Result.History.class);
    alicePhone.ok(new Request.ListConversations(TestClient.nextId()), Result.Conversations.class);
    alice.ok(new Request.MarkRead(TestClient.nextId(), "@bob", 0));
    Event.Error refused = alicePhone.error(history(), ErrorCode.RATE_LIMITED);
    assertEquals(500L, refused.retryAfterMs(), "one token per 500 ms at 2 a second");
    alice.error(new Request.Members(TestClient.nextId(), "nowhere"), ErrorCode.RATE_LIMITED);

    // what has a limit of its own, and pings, are not in this budget
    alice.barrier();
    assertEquals(1, alice.send("@bob", "still here").seq());
    alice.ok(new Request.Typing(TestClient.nextId(), "@bob"));
    alice.ok(new Request.Search(TestClient.nextId(), "still", null, null, null),
        Result.Search.class);
    alice.createRoom("own", false);
    // another user has a budget of its own; both connections of alice stay open
    bob.ok(history("@alice"), Result.History.class);
    assertTrue(alice.client.isOpen() && alicePhone.client.isOpen());

    chat.ticker.advance(Duration.ofMillis(500));
    alicePhone.ok(history(), Result.History.class);
    alice.error(history(), ErrorCode.RATE_LIMITED);
  }
  /**
   * A listing costs one request more per hundred entries: a room's 250 members, or 250
   * conversations, take the whole burst of 3 here.
   */
  @Test
  void aLongListingCostsOneRequestMorePerHundredEntries() {
    TestClient alice = chat.user("alice");
    AccountStore accounts = chat.core.instance(AccountStore.class);
    accounts.createRoom(new Room("big", "", false, 0), "alice");
    for (int i = 0; i < 249; i++) {
      accounts.createUser("m" + i, "not-a-hash", 0);
      accounts.addMember("big", "m" + i, Role.MEMBER);
    }

    assertEquals(250, alice.members("big").size());
    Event.Error refused = alice.error(history(), ErrorCode.RATE_LIMITED);
    assertEquals(500L, refused.retryAfterMs());

    for (int i = 1; i < 250; i++) {
      accounts.createRoom(new Room("r" + i, "", false, 0), "alice");
    }
    chat.ticker.advance(Duration.ofMillis(1_500)); // the burst of 3 back
    alice.ok(new Request.ListConversations(TestClient.nextId()), Result.Conversations.class);
    alice.error(history(), ErrorCode.RATE_LIMITED);

    chat.ticker.advance(Duration.ofMillis(1_500));
    for (int i = 0; i < 3; i++) { // a room of one: each listing costs the request alone
      alice.ok(new Request.Members(TestClient.nextId(), "r1"), Result.Members.class);
    }
    alice.error(new Request.Members(TestClient.nextId(), "r1"), ErrorCode.RATE_LIMITED);
  }

  /** A page of 200 changes costs two requests more, as a listing of 200 does. */
  @Test
  void aLongPageOfUpdatesCostsOneRequestMorePerHundredChanges() {
    TestClient alice = chat.user("alice");
    chat.user("bob");
    alice.send("@bob", "react to this");
    MessageStore messages = chat.core.instance(MessageStore.class);
    for (int i = 0; i < 250; i++) {
      messages.change(ConvId.direct("alice", "bob"), 1,
          new MessageChange.React("bob", "👍", i % 2 == 0, 20, i));
    }

    Result.Updates page = alice.ok(new Request.Updates(TestClient.nextId(), "@bob", 0, 200),
        Result.Updates.class);
    assertTrue(page.more());
    assertEquals(500L, alice.error(history(), ErrorCode.RATE_LIMITED).retryAfterMs());
  }

  /** The lists of one's blocks and of a room's bans cost as a room's members do. */
  @Test
  void blockedAndBannedListingsCostOneRequestMorePerHundredEntries() {
    TestClient alice = chat.user("alice");
    AccountStore accounts = chat.core.instance(AccountStore.class);
    accounts.createRoom(new Room("big", "", false, 0), "alice");
    for (int i = 0; i < 250; i++) {
      accounts.createUser("m" + i, "not-a-hash", 0);
      accounts.block("alice", "m" + i);
      accounts.ban("big", "m" + i);
    }

    assertEquals(250, alice.ok(new Request.ListBlocked(TestClient.nextId()), Result.Users.class)
        .users().size());
    assertEquals(500L, alice.error(history(), ErrorCode.RATE_LIMITED).retryAfterMs());

    chat.ticker.advance(Duration.ofMillis(1_500));
    assertEquals(250, alice.ok(new Request.ListBans(TestClient.nextId(), "big"),
        Result.Users.class).users().size());
    alice.error(history(), ErrorCode.RATE_LIMITED);
  }
}
