package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.core.memory.InMemoryStoreModule;
import chat.core.store.AccountStore;
import chat.protocol.ErrorCode;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A ban made between a join's (or an invite's) check of the ban list and its insert: the user
 * does not become a member, and the request is refused as if the ban had come first.
 */
class BanRaceTest {
  /** The user whose next addMember is preceded by a ban of the same room, as if just made. */
  private volatile String banFirst;

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder(), 10_000, new AbstractModule() {
    @Override
    protected void configure() {
      AccountStore store = Guice.createInjector(new InMemoryStoreModule())
          .getInstance(AccountStore.class);
      bind(AccountStore.class).toInstance(Around.wrap(AccountStore.class, store,
          (method, args, call) -> {
            if (method.equals("addMember") && args[1].equals(banFirst)) {
              banFirst = null;
              store.ban((String) args[0], (String) args[1]);
            }
            return call.proceed();
          }));
    }
  });

  private static List<String> names(List<Result.MemberInfo> members) {
    return members.stream().map(Result.MemberInfo::user).toList();
  }

  @Test
  void aJoinCheckedBeforeABanDoesNotUndoIt() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient mallory = chat.user("mallory");
    banFirst = "mallory";

    mallory.error(new Request.Join(TestClient.nextId(), "general"), ErrorCode.FORBIDDEN);

    assertEquals(List.of("alice"), names(alice.members("general")));
    mallory.error(new Request.Send(TestClient.nextId(), "#general", "hi", "c1"),
        ErrorCode.FORBIDDEN);
  }

  @Test
  void anInviteCheckedBeforeABanDoesNotUndoIt() {
    TestClient alice = chat.user("alice");
    alice.createRoom("secret", true);
    chat.user("mallory");
    banFirst = "mallory";

    alice.error(new Request.Invite(TestClient.nextId(), "secret", "mallory"),
        ErrorCode.FORBIDDEN);

    assertEquals(List.of("alice"), names(alice.members("secret")));
  }
}
