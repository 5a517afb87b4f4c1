package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.core.store.Account;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator's commands ({@link Operations}) and how a running server acts on them ({@link
 * OperatorActions}): here both share one in-memory store, as the admin command and the server
 * share one SQLite file; {@code poll()} is what the server's timer calls every second.
 */
class OperationsTest {
  @RegisterExtension
  final TestChat chat = new TestChat();
  private final Operations ops = chat.core.operations();
  private final OperatorActions actions = chat.core.instance(OperatorActions.class);

  @Test
  void disablingClosesEverySessionAndRefusesSignInUntilEnabled() {
    TestClient alice = chat.user("alice");
    TestClient phone = chat.secondSession(alice);

    ops.disable("Alice");
    actions.poll();

    for (TestClient c : List.of(alice, phone)) {
      assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "account disabled"),
          c.events.nextClose());
    }
    chat.connect().error(new Request.TokenLogin(TestClient.nextId(), alice.token),
        ErrorCode.UNAUTHORIZED);
    chat.connect().error(new Request.Login(TestClient.nextId(), "alice", TestChat.PASSWORD),
        ErrorCode.UNAUTHORIZED);
    assertEquals(Account.Status.DISABLED, ops.users().get(0).status());

    ops.enable("alice");
    actions.poll();
    chat.connect().ok(new Request.Login(TestClient.nextId(), "alice", TestChat.PASSWORD),
        Result.Auth.class);
  }

  @Test
  void aResetPasswordSignsInAndTheOldOneDoesNot() {
    TestClient alice = chat.user("alice");
    String password = ops.resetPassword("alice");
    actions.poll();

    assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "password changed"),
        alice.events.nextClose());
    chat.connect().error(new Request.Login(TestClient.nextId(), "alice", TestChat.PASSWORD),
        ErrorCode.UNAUTHORIZED);
    chat.connect().ok(new Request.Login(TestClient.nextId(), "alice", password),
        Result.Auth.class);
  }

  @Test
  void deletingARoomTellsItsMembersAndErasesIt() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    bob.send("#general", "hi");
    alice.settle();
    bob.settle();

    assertEquals(List.of("alice", "bob"), ops.deleteRoom("#General"));
    actions.poll();

    assertEquals(new Event.Member("#general", "bob", "deleted"), bob.events.next(Event.Member.class));
    assertEquals(new Event.Member("#general", "alice", "deleted"),
        alice.events.next(Event.Member.class));
    assertEquals(List.of(), ops.rooms());
    alice.createRoom("general", false);
    assertEquals(0, bob.join("general").lastSeq());
  }

  @Test
  void unknownAndBadNamesAreRefused() {
    assertThrows(NoSuchElementException.class, () -> ops.disable("nobody"));
    assertThrows(NoSuchElementException.class, () -> ops.deleteRoom("nowhere"));
    assertThrows(IllegalArgumentException.class, () -> ops.deleteUser("NOT A NAME"));
    chat.user("gone");
    ops.deleteUser("gone");
    assertThrows(NoSuchElementException.class, () -> ops.enable("gone"));
    assertEquals(Account.Status.DELETED, ops.users().get(0).status());
  }
}
