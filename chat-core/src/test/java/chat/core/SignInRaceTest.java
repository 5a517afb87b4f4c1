package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.memory.InMemoryStoreModule;
import chat.core.store.Account;
import chat.core.store.AccountStore;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sign-in that is being checked while the account changes (its password changed or reset, the
 * account disabled, or logged out everywhere) must not come out of it signed in: those changes
 * revoke the user's tokens and close their sessions, and a sign-in in progress has neither saved
 * its token nor registered its session yet. Also: a disabled account's token, if the store still
 * holds one, does not sign in, and a disabled account's open session cannot set a new password.
 */
class SignInRaceTest {
  /** Makes the next call of one kind wait, inside the server, until the test lets it go on. */
  static final class Hold {
    private volatile CountDownLatch reached;
    private volatile CountDownLatch release;

    void arm() {
      reached = new CountDownLatch(1);
      release = new CountDownLatch(1);
    }

    /** Called by the server's thread: waits there if armed (once). */
    void at() {
      CountDownLatch r = reached;
      CountDownLatch go = release;
      if (r == null || r.getCount() == 0) {
        return;
      }
      r.countDown();
      try {
        assertTrue(go.await(10, TimeUnit.SECONDS), "never released");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void awaitReached() throws InterruptedException {
      assertTrue(reached.await(10, TimeUnit.SECONDS), "the server never got there");
    }

    void release() {
      release.countDown();
    }
  }

  /** Cheap hashing whose every check of a password, done, waits at {@code verifying}. */
  static PasswordHasher hasherHeldBy(Hold verifying) {
    PasswordHasher real = new Pbkdf2PasswordHasher(1_000);
    return new PasswordHasher() {
      @Override
      public String hash(String password) {
        return real.hash(password);
      }

      @Override
      public boolean verify(String password, String stored) {
        boolean matches = real.verify(password, stored);
        verifying.at();
        return matches;
      }
    };
  }

  private final Hold verifying = new Hold();
  private final Hold readingToken = new Hold();

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder(), 10_000, new AbstractModule() {
    @Override
    protected void configure() {
      bind(PasswordHasher.class).toInstance(hasherHeldBy(verifying));
      AccountStore store = Guice.createInjector(new InMemoryStoreModule())
          .getInstance(AccountStore.class);
      bind(AccountStore.class).toInstance(Around.wrap(AccountStore.class, store,
          (method, args, call) -> {
            Object result = call.proceed();
            if (method.equals("token")) {
              readingToken.at(); // the token was there when read
            }
            return result;
          }));
    }
  });

  @Test
  void aPasswordLoginCheckedWhileThePasswordIsResetEndsSignedOut() throws Exception {
    TestClient alice = chat.user("alice");
    TestClient mallory = chat.connect();
    verifying.arm();
    mallory.client.send(new Request.Login(TestClient.nextId(), "alice", TestChat.PASSWORD));
    verifying.awaitReached(); // the old password matched; no token yet

    String password = chat.core.operations().resetPassword("alice");
    chat.core.instance(OperatorActions.class).poll();
    assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "password changed"),
        alice.events.nextClose());
    verifying.release();

    assertEquals("signed out while signing in: password changed",
        mallory.events.next(Event.Error.class).message());
    assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "password changed"),
        mallory.events.nextClose());
    assertEquals(0, chat.core.instance(SessionRegistry.class).sessionsOf("alice").length);
    assertEquals("alice", chat.connect().ok(new Request.Login(TestClient.nextId(), "alice",
        password), Result.Auth.class).user());
  }

  @Test
  void aTokenLoginCheckedWhileTheUserLogsOutEverywhereEndsSignedOut() throws Exception {
    TestClient alice = chat.user("alice");
    TestClient mallory = chat.connect();
    readingToken.arm();
    CompletableFuture<Boolean> sent = CompletableFuture.supplyAsync(() -> mallory.client.send(
        new Request.TokenLogin(TestClient.nextId(), alice.token)));
    readingToken.awaitReached(); // about to find the token still there

    alice.call(new Request.Logout(TestClient.nextId(), true));
    assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "logged out"),
        alice.events.nextClose());
    readingToken.release();

    assertTrue(sent.get(10, TimeUnit.SECONDS));
    assertEquals("signed out while signing in: logged out",
        mallory.events.next(Event.Error.class).message());
    assertEquals(new EventRecorder.Closed(CloseCodes.POLICY_VIOLATION, "logged out"),
        mallory.events.nextClose());
    assertEquals(0, chat.core.instance(SessionRegistry.class).sessionsOf("alice").length);
  }

  @Test
  void aDisabledAccountsTokenDoesNotSignIn() {
    TestClient alice = chat.user("alice");
    chat.core.instance(AccountStore.class).setStatus("alice", Account.Status.DISABLED);

    chat.connect().error(new Request.TokenLogin(TestClient.nextId(), alice.token),
        ErrorCode.UNAUTHORIZED);

    chat.core.instance(AccountStore.class).setStatus("alice", Account.Status.ACTIVE);
    chat.connect().loginWithToken(alice.token);
  }

  @Test
  void aDisabledAccountsOpenSessionCannotSetANewPassword() {
    TestClient alice = chat.user("alice");
    chat.core.instance(AccountStore.class).setStatus("alice", Account.Status.DISABLED);

    alice.error(new Request.ChangePassword(TestClient.nextId(), TestChat.PASSWORD,
        "a new password 2"), ErrorCode.UNAUTHORIZED);

    chat.core.instance(AccountStore.class).setStatus("alice", Account.Status.ACTIVE);
    chat.connect().ok(new Request.Login(TestClient.nextId(), "alice", TestChat.PASSWORD),
        Result.Auth.class);
  }
}
