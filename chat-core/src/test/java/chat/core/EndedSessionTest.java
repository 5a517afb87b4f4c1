package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.inject.AbstractModule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Once the server signs a connection out (its account deleted, its sign-in undone), nothing the
 * client sent is handled any more, though the transport closes the connection only a moment
 * later: the requests it queued behind the password check, and any that arrive before the close
 * is through. The connection here is a {@link Recording} session whose close never completes,
 * as a real transport's may not yet have.
 */
class EndedSessionTest {
  private final SignInRaceTest.Hold verifying = new SignInRaceTest.Hold();

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder(), 10_000, new AbstractModule() {
    @Override
    protected void configure() {
      bind(PasswordHasher.class).toInstance(SignInRaceTest.hasherHeldBy(verifying));
    }
  });

  @Test
  void requestsQueuedBehindDeletingTheAccountAreNotHandled() throws Exception {
    TestClient bob = chat.user("bob");
    bob.createRoom("general", false);
    chat.user("alice");
    Recording alice = new Recording();
    SessionHandler handler = chat.core.service().open(alice);
    handler.receive(new Request.Login("l1", "alice", TestChat.PASSWORD));
    await("signed in", () -> alice.answered("l1"));

    long tasks = authTasksDone();
    handler.receive(new Request.DeleteAccount("d1", TestChat.PASSWORD));
    handler.receive(new Request.Join("j1", "general"));
    handler.receive(new Request.Send("s1", "#general", "ghost in the room", "c1", null,
        List.of()));
    handler.receive(new Request.Send("s2", "@bob", "ghost message", "c2", null, List.of()));
    handler.receive(new Request.Create("c3", "ghostroom", "owned by nobody", false));
    await("the deletion's work over", () -> authTasksDone() > tasks);

    assertTrue(alice.answered("d1"));
    assertEquals(List.of("1008 account deleted"), alice.closes());
    for (String id : List.of("j1", "s1", "s2", "c3")) {
      assertFalse(alice.answered(id), id + " was handled");
    }
    assertTrue(bob.members("general").stream().noneMatch(m -> m.user().equals("alice")));
    assertTrue(bob.history("#general", null, null, null).messages().isEmpty());
    assertTrue(bob.history("@alice", null, null, null).messages().isEmpty());
    bob.error(new Request.Join(TestClient.nextId(), "ghostroom"), ErrorCode.NOT_FOUND);
  }

  @Test
  void requestsQueuedBehindASignInThatIsUndoneAreNotHandled() throws Exception {
    TestClient bob = chat.user("bob");
    chat.user("alice");
    Recording mallory = new Recording();
    SessionHandler handler = chat.core.service().open(mallory);
    long tasks = authTasksDone();
    verifying.arm();
    handler.receive(new Request.Login("l1", "alice", TestChat.PASSWORD)); // an old password
    verifying.awaitReached();
    handler.receive(new Request.Send("s1", "@bob", "sent as alice", "c1", null, List.of()));
    handler.receive(new Request.Block("b1", "bob"));

    chat.core.operations().resetPassword("alice");
    chat.core.instance(OperatorActions.class).poll();
    verifying.release();
    await("the sign-in's work over", () -> authTasksDone() > tasks);

    assertEquals(ErrorCode.UNAUTHORIZED, mallory.error("l1").code());
    assertEquals(List.of("1008 password changed"), mallory.closes());
    assertFalse(mallory.answered("s1") || mallory.answered("b1"));
    assertTrue(bob.history("@alice", null, null, null).messages().isEmpty());
    bob.ok(new Request.Send(TestClient.nextId(), "@alice", "not blocked", "c-b", null,
        List.of()), Result.Sent.class);
  }

  @Test
  void aRequestArrivingAfterTheServerEndedTheConnectionIsNotHandled() throws Exception {
    TestClient bob = chat.user("bob");
    TestClient alice = chat.user("alice");
    Recording other = new Recording();
    SessionHandler handler = chat.core.service().open(other);
    handler.receive(new Request.Login("l1", "alice", TestChat.PASSWORD));
    await("signed in", () -> other.answered("l1"));

    alice.ok(new Request.Logout(TestClient.nextId(), true)); // everywhere
    assertEquals(List.of("1008 logged out"), other.closes());
    handler.receive(new Request.Send("s1", "@bob", "after the logout", "c1", null, List.of()));

    assertFalse(other.answered("s1"));
    assertTrue(bob.history("@alice", null, null, null).messages().isEmpty());
  }

  /** Password checks (sign-ins, deletions) run as tasks of the hashing pool: those finished. */
  private long authTasksDone() {
    return ((ThreadPoolExecutor) chat.core.instance(CoreExecutors.class).auth())
        .getCompletedTaskCount();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(5); // polling: the hashing pool offers nothing to wait on
    }
  }

  /** A connection that records what the server sends it; its close never completes. */
  static final class Recording implements Session {
    private final List<Event> events = new ArrayList<>();
    private final List<String> closes = new ArrayList<>();

    @Override
    public synchronized boolean send(Outbound event) {
      events.add(event.event());
      return true;
    }

    @Override
    public synchronized void close(int code, String reason) {
      closes.add(code + " " + reason);
    }

    synchronized List<String> closes() {
      return List.copyOf(closes);
    }

    /** Whether request {@code id} was answered, ok or error. */
    synchronized boolean answered(String id) {
      return events.stream().anyMatch(e -> e instanceof Event.Ok ok && id.equals(ok.re())
          || e instanceof Event.Error error && id.equals(error.re()));
    }

    synchronized Event.Error error(String id) {
      return events.stream().filter(e -> e instanceof Event.Error error && id.equals(error.re()))
          .map(Event.Error.class::cast).findFirst().orElseThrow();
    }
  }
}
