package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.AccountStore;
import chat.core.store.Room;
import chat.protocol.ErrorCode;
import chat.protocol.Request;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user may be a member of at most {@code maxMembershipsPerUser} rooms (3 here), however they
 * would become one: joining, being invited, creating a room.
 */
class MembershipLimitTest {
  private static final ChatConfig.Safety THREE_ROOMS = new ChatConfig.Safety(5, 20,
      Duration.ofMinutes(15), 20, 100, 60, 10, 3, 10, 60, 10, 3);

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().safety(THREE_ROOMS));

  @Test
  void joinsInvitesAndCreationsStopAtTheCap() {
    AccountStore accounts = chat.core.instance(AccountStore.class);
    TestClient bob = chat.user("bob");
    for (String room : List.of("one", "two", "three", "four")) {
      accounts.createRoom(new Room(room, "", false, 0), "bob");
    }
    accounts.createRoom(new Room("secret", "", true, 0), "bob");
    TestClient alice = chat.user("alice");
    alice.createRoom("mine", false);
    alice.join("one");
    alice.join("two");

    assertTrue(alice.error(new Request.Join(TestClient.nextId(), "three"), ErrorCode.FORBIDDEN)
        .message().contains("3 rooms"));
    alice.error(new Request.Create(TestClient.nextId(), "another", null, false),
        ErrorCode.FORBIDDEN);
    bob.error(new Request.Invite(TestClient.nextId(), "secret", "alice"), ErrorCode.FORBIDDEN);
    alice.join("one"); // a room one is in already: nothing new
    assertEquals(List.of("mine", "one", "two"), accounts.roomsOf("alice"));

    alice.ok(new Request.Leave(TestClient.nextId(), "two"));
    bob.ok(new Request.Invite(TestClient.nextId(), "secret", "alice"));
    assertEquals(List.of("mine", "one", "secret"), accounts.roomsOf("alice"));
  }
}
