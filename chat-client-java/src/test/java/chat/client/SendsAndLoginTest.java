package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClientException.ClientClosedException;
import chat.client.ChatClientException.NotConnectedException;
import chat.client.ChatClientException.TooManyPendingException;
import chat.protocol.ErrorCode;
import chat.protocol.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Logging in, retried sends, pacing and local limits, against a scripted server. */
class SendsAndLoginTest extends ScriptedServerTest {

  private static Throwable failure(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void registerFallsBackToLoginAndLaterTokenToPasswordToRegisterAgain() throws Exception {
    client = scripted().register("alice", "password1").build();
    client.connect();
    FakeServer.Conn first = server.accept();
    first.hello("e1");
    FakeServer.Frame register = first.expect("register");
    assertEquals("alice", register.str("user"));
    first.error(register, "conflict", "");
    first.authOk(first.expect("login"), "alice", "tok-1");
    first.conversations(first.expect("conversations"));
    client.connect().get(10, TimeUnit.SECONDS);
    assertEquals("tok-1", client.token());

    first.ws.close(1001, "bye");
    FakeServer.Conn second = server.accept();
    second.hello("e1");
    FakeServer.Frame byToken = second.expect("login");
    assertEquals("tok-1", byToken.str("token"));
    second.error(byToken, "unauthorized", ""); // e.g. the store was replaced
    FakeServer.Frame byPassword = second.expect("login");
    assertEquals("password1", byPassword.str("password"));
    second.error(byPassword, "unauthorized", "");
    second.authOk(second.expect("register"), "alice", "tok-2");
    second.conversations(second.expect("conversations"));

    assertEquals(ChatClient.State.CONNECTED, nextState(ChatClient.State.CONNECTED));
    assertEquals("tok-2", client.token());
  }

  private ChatClient.State nextState(ChatClient.State wanted) throws InterruptedException {
    while (true) {
      ChatClient.State s = recorder.next(Recorder.StateChanged.class).state();
      if (s == wanted) {
        return s;
      }
    }
  }

  @Test
  void rejectedCredentialsFailConnectWithTheCodeAndCloseTheClient() throws Exception {
    client = scripted().login("alice", "wrong-password").build();
    CompletableFuture<Void> connected = client.connect();
    FakeServer.Conn conn = server.accept();
    conn.hello("e1");
    conn.error(conn.expect("login"), "unauthorized", "");

    ChatErrorException e = assertInstanceOf(ChatErrorException.class, failure(connected));
    assertEquals(ErrorCode.UNAUTHORIZED, e.code());
    assertInstanceOf(ChatErrorException.class, recorder.next(Recorder.Failed.class).failure());
    recorder.next(Recorder.Closed.class);
    assertEquals(ChatClient.State.CLOSED, client.state());
    assertInstanceOf(ClientClosedException.class, failure(client.send("@bob", "hi")));
  }

  @Test
  void aTokenAloneThatIsRefusedIsFatal() throws Exception {
    client = scripted().token("stale").build();
    CompletableFuture<Void> connected = client.connect();
    FakeServer.Conn conn = server.accept();
    conn.hello("e1");
    conn.error(conn.expect("login"), "unauthorized", "");

    assertEquals(ErrorCode.UNAUTHORIZED,
        assertInstanceOf(ChatErrorException.class, failure(connected)).code());
  }

  @Test
  void sendsMadeWhileDisconnectedGoOutAfterLoginAndAreResentWithTheSameCid() throws Exception {
    client = scripted().login("alice", "password1").build();
    CompletableFuture<Result.Sent> a = client.send("@bob", "one", "cid-a");
    CompletableFuture<Result.Sent> b = client.send("#general", "two", "cid-b");
    client.connect();
    FakeServer.Conn first = server.accept();
    first.hello("e1");
    first.authOk(first.expect("login"), "alice", "tok");
    List<String> firstCids = new ArrayList<>();
    for (int i = 0; i < 3; i++) { // two sends and the conversation list, in some order
      FakeServer.Frame f = first.next();
      if (f.type().equals("send")) {
        firstCids.add(f.str("cid"));
      }
    }
    assertEquals(List.of("cid-a", "cid-b"), firstCids);
    first.ws.close(1006, "network"); // no reply reached the client: both must be resent

    FakeServer.Conn second = server.accept();
    second.hello("e1");
    second.authOk(second.expect("login"), "alice", "tok");
    List<FakeServer.Frame> resent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FakeServer.Frame f = second.next();
      if (f.type().equals("send")) {
        resent.add(f);
      } else {
        second.conversations(f);
      }
    }
    assertEquals("cid-a", resent.get(0).str("cid"));
    assertEquals("one", resent.get(0).str("text"));
    assertEquals("cid-b", resent.get(1).str("cid"));
    assertFalse(a.isDone());
    second.ok(resent.get(0), "\"conv\":\"@bob\",\"seq\":4,\"ts\":5,\"cid\":\"cid-a\"");
    second.ok(resent.get(1), "\"conv\":\"#general\",\"seq\":9,\"ts\":5,\"cid\":\"cid-b\"");

    assertEquals(4, a.get(10, TimeUnit.SECONDS).seq());
    assertEquals(9, b.get(10, TimeUnit.SECONDS).seq());
  }

  @Test
  void aRateLimitedSendIsRetriedAfterRetryAfterOrFailsWithItWhenRetryIsOff() throws Exception {
    client = scripted().login("alice", "password1").retryRateLimited(true).build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLogin("e1");
    client.connect().get(10, TimeUnit.SECONDS);

    CompletableFuture<Result.Sent> sent = client.send("@bob", "hi", "k1");
    FakeServer.Frame first = conn.expect("send");
    conn.error(first, "rate_limited", ",\"retryAfterMs\":150");
    FakeServer.Frame again = conn.expect("send");
    assertEquals("k1", again.str("cid"));
    assertTrue(again.nanos() - first.nanos() >= TimeUnit.MILLISECONDS.toNanos(140),
        "waited the retryAfterMs");
    conn.ok(again, "\"conv\":\"@bob\",\"seq\":1,\"ts\":5,\"cid\":\"k1\"");
    assertEquals(1, sent.get(10, TimeUnit.SECONDS).seq());
  }

  @Test
  void withoutRetryARateLimitedSendFailsWithRetryAfter() throws Exception {
    client = scripted().login("alice", "password1").retryRateLimited(false).build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLogin("e1");
    client.connect().get(10, TimeUnit.SECONDS);

    CompletableFuture<Result.Sent> sent = client.send("@bob", "hi");
    conn.error(conn.expect("send"), "rate_limited", ",\"retryAfterMs\":700");

    ChatErrorException e = assertInstanceOf(ChatErrorException.class, failure(sent));
    assertEquals(ErrorCode.RATE_LIMITED, e.code());
    assertEquals(700L, e.retryAfterMs());
  }

  @Test
  void framesArePacedUnderTheRequestRateAndSendsUnderTheSendRate() throws Exception {
    client = scripted().login("alice", "password1").requestRate(20, 4).build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.hello("e1", 65_536, 200, 1_000, 1_000);
    conn.authOk(conn.expect("login"), "alice", "tok"); // frame 1
    conn.conversations(conn.expect("conversations")); // frame 2
    client.connect().get(10, TimeUnit.SECONDS);
    List<CompletableFuture<Result.Sent>> sends = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sends.add(client.send("@bob", "m" + i));
    }
    long start = conn.openedNanos;
    for (int n = 3; n <= 12; n++) {
      FakeServer.Frame f = conn.expect("send");
      // 4 frames at once, then one per 50 ms: frame n no earlier than (n - 4) * 50 ms
      long earliest = TimeUnit.MILLISECONDS.toNanos((n - 4) * 50L - 10);
      assertTrue(f.nanos() - start >= earliest, "frame " + n + " came after "
          + TimeUnit.NANOSECONDS.toMillis(f.nanos() - start) + " ms");
      conn.ok(f, "\"conv\":\"@bob\",\"seq\":" + n + ",\"ts\":5,\"cid\":\"" + f.str("cid") + "\"");
    }
    for (CompletableFuture<Result.Sent> s : sends) {
      s.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutAChosenRateFramesGoAtMostOfTheFloodLimitTheServerAdvertises() throws Exception {
    client = scripted().login("alice", "password1").build(); // 40 and 80 until the hello
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.helloWithFloodLimit("e1", 10, 5); // 80%: 8 a second, a burst of 4
    assertFramesPaced(conn, 4, 125);
  }

  @Test
  void aChosenRateIsKeptUpToTheFloodLimitTheServerAdvertises() throws Exception {
    client = scripted().login("alice", "password1").requestRate(20, 4).build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.helloWithFloodLimit("e1", 5, 2); // under the chosen 20 and 4: 5 a second, burst 2
    assertFramesPaced(conn, 2, 200);
  }

  /**
   * Signs in (frames 1 and 2) and sends 10 messages: frames 3 to 12 must come no sooner than a
   * burst of {@code burst}, then one every {@code everyMs}.
   */
  private void assertFramesPaced(FakeServer.Conn conn, int burst, long everyMs)
      throws Exception {
    conn.authOk(conn.expect("login"), "alice", "tok");
    conn.conversations(conn.expect("conversations"));
    client.connect().get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 10; i++) {
      client.send("@bob", "m" + i);
    }
    long start = conn.openedNanos;
    for (int n = 3; n <= 12; n++) {
      FakeServer.Frame f = conn.expect("send");
      long earliest = TimeUnit.MILLISECONDS.toNanos((n - burst) * everyMs - 10);
      assertTrue(f.nanos() - start >= earliest, "frame " + n + " came after "
          + TimeUnit.NANOSECONDS.toMillis(f.nanos() - start) + " ms");
      conn.ok(f, "\"conv\":\"@bob\",\"seq\":" + n + ",\"ts\":5,\"cid\":\"" + f.str("cid") + "\"");
    }
  }

  @Test
  void sendsArePacedToTheServersSendRateFromHello() throws Exception {
    client = scripted().login("alice", "password1").build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.hello("e1", 65_536, 200, 10, 2); // 10 sends a second, burst 2
    conn.authOk(conn.expect("login"), "alice", "tok");
    conn.conversations(conn.expect("conversations"));
    client.connect().get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 5; i++) {
      client.send("@bob", "m" + i);
    }
    FakeServer.Frame first = conn.expect("send");
    for (int k = 2; k <= 5; k++) {
      FakeServer.Frame f = conn.expect("send");
      long earliest = TimeUnit.MILLISECONDS.toNanos((k - 2) * 100L - 10);
      assertTrue(f.nanos() - first.nanos() >= earliest, "send " + k);
    }
  }

  @Test
  void aFrameOverTheServersLimitFailsLocallyAndIsNeverSent() throws Exception {
    client = scripted().login("alice", "password1").build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.hello("e1", 1_000, 200, 1_000, 1_000);
    conn.authOk(conn.expect("login"), "alice", "tok");
    conn.conversations(conn.expect("conversations"));
    client.connect().get(10, TimeUnit.SECONDS);

    ChatErrorException e = assertInstanceOf(ChatErrorException.class,
        failure(client.send("@bob", "é".repeat(600)))); // 1,200 bytes of UTF-8
    assertEquals(ErrorCode.TOO_LARGE, e.code());
    CompletableFuture<Long> ping = client.ping();
    FakeServer.Frame next = conn.expect("ping"); // the oversized send never went out
    conn.ok(next, "\"ts\":77");
    assertEquals(77L, ping.get(10, TimeUnit.SECONDS));
  }

  @Test
  void pendingSendsAreBoundedAndFailOnClose() throws Exception {
    client = scripted().login("alice", "password1").maxPendingSends(2).build(); // never connected
    CompletableFuture<Result.Sent> a = client.send("@bob", "one");
    CompletableFuture<Result.Sent> b = client.send("@bob", "two");
    TooManyPendingException full = assertInstanceOf(TooManyPendingException.class,
        failure(client.send("@bob", "three")));
    assertEquals(2, full.limit());

    client.close();

    assertInstanceOf(ClientClosedException.class, failure(a));
    assertInstanceOf(ClientClosedException.class, failure(b));
    recorder.next(Recorder.Closed.class);
  }

  @Test
  void otherRequestsFailAtOnceWithNotConnectedWhileThereIsNoConnection() throws Exception {
    client = scripted().login("alice", "password1").build();
    assertInstanceOf(NotConnectedException.class, failure(client.rooms()));
    assertInstanceOf(NotConnectedException.class, failure(client.history("@bob", 1L, null, 5)));
    assertNull(client.user());
  }

  @Test
  void requestsMadeWhileConnectingGoOutAfterTheLoginInTheOrderMade() throws Exception {
    client = scripted().login("alice", "password1").build();
    client.connect();
    CompletableFuture<Result.Rooms> rooms = client.rooms(); // CONNECTING: the socket is opening
    CompletableFuture<List<String>> blocked = client.blocked();
    FakeServer.Conn conn = server.accept();
    conn.acceptLogin("e1");
    conn.ok(conn.expect("rooms"), "\"rooms\":[],\"more\":false");
    conn.ok(conn.expect("blocked"), "\"users\":[\"mallory\"]");
    assertEquals(List.of(), rooms.get(10, TimeUnit.SECONDS).rooms());
    assertEquals(List.of("mallory"), blocked.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aRequestWaitingForTheLoginFailsWithNotConnectedWhenThatConnectionFails()
      throws Exception {
    client = scripted().login("alice", "password1").build();
    client.connect();
    CompletableFuture<Result.Rooms> rooms = client.rooms();
    FakeServer.Conn conn = server.accept();
    conn.ws.close(1001, "server shutting down"); // before the hello: never logged in
    assertInstanceOf(NotConnectedException.class, failure(rooms));
    FakeServer.Conn again = server.accept();
    again.acceptLogin("e1");
    client.connect().get(10, TimeUnit.SECONDS);
    client.ping();
    again.expect("ping"); // the next frame after the catch-up: the failed request is not resent
  }

  @Test
  void aServerThatNeverSaysHelloIsGivenUpOnAndRetried() throws Exception {
    client = scripted().login("alice", "password1").connectTimeout(Duration.ofMillis(150)).build();
    client.connect();
    server.accept(); // silent
    Recorder.Disconnected d = recorder.next(Recorder.Disconnected.class);
    assertTrue(d.reason().contains("no login within"), d.reason());
    FakeServer.Conn second = server.accept();
    second.acceptLogin("e1");
    client.connect().get(10, TimeUnit.SECONDS);
  }

  @Test
  void logoutRevokesThenClosesTheClient() throws Exception {
    client = scripted().login("alice", "password1").build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLogin("e1");
    client.connect().get(10, TimeUnit.SECONDS);

    CompletableFuture<Void> out = client.logout();
    conn.ok(conn.expect("logout"), "");
    out.get(10, TimeUnit.SECONDS);
    recorder.next(Recorder.Closed.class);
    assertEquals(ChatClient.State.CLOSED, client.state());
  }
}
