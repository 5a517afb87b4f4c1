package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClientException.ClientClosedException;
import chat.client.ChatClientException.SignedOutException;
import chat.protocol.ErrorCode;
import chat.protocol.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Password changes rotate the token; a session ended here or elsewhere (logout everywhere,
 * password changed, account deleted) closes the client instead of reconnecting with a dead token.
 */
class SessionEndTest extends ScriptedServerTest {

  private FakeServer.Conn connect(String user, String password) throws Exception {
    client = scripted().login(user, password).build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLogin("e1");
    client.connect().get(10, TimeUnit.SECONDS);
    return conn;
  }

  /** The listener calls up to and including onClosed, which must come (bounded wait). */
  private List<Object> callsUntilClosed() throws InterruptedException {
    List<Object> calls = new ArrayList<>();
    while (true) {
      Object call = recorder.next(Object.class);
      calls.add(call);
      if (call instanceof Recorder.Closed) {
        return calls;
      }
    }
  }

  private static Throwable failure(CompletableFuture<?> f) {
    return assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS)).getCause();
  }

  @Test
  void aPasswordChangeKeepsTheConnectionAndLaterLoginsUseTheNewTokenThenTheNewPassword()
      throws Exception {
    FakeServer.Conn conn = connect("alice", "password1");

    CompletableFuture<Result.Auth> changed = client.changePassword("password1", "password2");
    FakeServer.Frame request = conn.expect("password");
    assertEquals("password1", request.str("old"));
    assertEquals("password2", request.str("new"));
    conn.authOk(request, "alice", "tok-2");
    assertEquals("tok-2", changed.get(10, TimeUnit.SECONDS).token());
    assertEquals("tok-2", client.token());

    CompletableFuture<Long> ping = client.ping(); // still signed in on the same connection
    conn.ok(conn.expect("ping"), "\"ts\":5");
    assertEquals(5L, ping.get(10, TimeUnit.SECONDS));

    conn.ws.close(1001, "restart");
    FakeServer.Conn again = server.accept();
    again.hello("e1");
    FakeServer.Frame byToken = again.expect("login");
    assertEquals("tok-2", byToken.str("token"));
    again.error(byToken, "unauthorized", ""); // say it expired meanwhile
    FakeServer.Frame byPassword = again.expect("login");
    assertEquals("password2", byPassword.str("password"));
    again.authOk(byPassword, "alice", "tok-3");
    again.conversations(again.expect("conversations"));
    while (recorder.next(Recorder.StateChanged.class).state() != ChatClient.State.CONNECTED
        || !"tok-3".equals(client.token())) {
      // the first CONNECTED is the first connection's
    }
  }

  @Test
  void aRefusedPasswordChangeKeepsTheOldToken() throws Exception {
    FakeServer.Conn conn = connect("alice", "password1");
    CompletableFuture<Result.Auth> changed = client.changePassword("wrong-one", "password2");
    conn.error(conn.expect("password"), "unauthorized", "");
    assertEquals(ErrorCode.UNAUTHORIZED,
        assertInstanceOf(ChatErrorException.class, failure(changed)).code());
    assertEquals("tok", client.token());
    assertEquals(ChatClient.State.CONNECTED, client.state());
  }

  @ParameterizedTest
  @EnumSource(SignedOutException.Reason.class)
  void aSessionEndedElsewhereIsReportedAndNeverReconnected(SignedOutException.Reason reason)
      throws Exception {
    FakeServer.Conn conn = connect("alice", "password1");
    CompletableFuture<Result.Sent> pending = client.send("@bob", "hi");
    conn.expect("send");

    conn.ws.close(1008, reason.closeReason());

    List<Object> calls = callsUntilClosed();
    assertFalse(calls.stream().anyMatch(c -> c instanceof Recorder.Disconnected),
        "no reconnect is announced: " + calls);
    Recorder.Failed failed = calls.stream().filter(c -> c instanceof Recorder.Failed)
        .map(Recorder.Failed.class::cast).findFirst().orElseThrow();
    assertEquals(reason, assertInstanceOf(SignedOutException.class, failed.failure()).reason());
    assertEquals(ChatClient.State.CLOSED, client.state());
    assertNull(client.token(), "a revoked token is not handed out");
    assertInstanceOf(ClientClosedException.class, failure(pending));
    client.close(); // the state thread has ended: nothing can reconnect any more
    assertNull(server.pollAccepted(), "the client connected again");
  }

  @Test
  void otherPolicyClosesStillReconnect() throws Exception {
    FakeServer.Conn conn = connect("alice", "password1");
    conn.ws.close(1008, "slow consumer");
    assertEquals("slow consumer", recorder.next(Recorder.Disconnected.class).reason());
    FakeServer.Conn again = server.accept();
    again.hello("e1");
    assertEquals("tok", again.expect("login").str("token"));
  }

  @Test
  void logoutEverywhereClosesTheClientWithoutAFailureOrAReconnect() throws Exception {
    FakeServer.Conn conn = connect("alice", "password1");
    CompletableFuture<Void> out = client.logoutEverywhere();
    FakeServer.Frame logout = conn.expect("logout");
    assertTrue(logout.json().get("all").getAsBoolean());
    conn.ok(logout, "");
    conn.ws.close(1008, "logged out"); // the server closes this connection too, after its ok

    out.get(10, TimeUnit.SECONDS);
    List<Object> calls = callsUntilClosed();
    assertFalse(calls.stream().anyMatch(
        c -> c instanceof Recorder.Disconnected || c instanceof Recorder.Failed), calls.toString());
    assertEquals(ChatClient.State.CLOSED, client.state());
    client.close();
    assertNull(server.pollAccepted(), "the client connected again");
  }

  @Test
  void deletingTheAccountClosesTheClient() throws Exception {
    FakeServer.Conn conn = connect("alice", "password1");
    CompletableFuture<Void> deleted = client.deleteAccount("password1");
    FakeServer.Frame request = conn.expect("delete_account");
    assertEquals("password1", request.str("password"));
    conn.ok(request, "");
    conn.ws.close(1008, "account deleted");

    deleted.get(10, TimeUnit.SECONDS);
    List<Object> calls = callsUntilClosed();
    assertFalse(calls.stream().anyMatch(c -> c instanceof Recorder.Failed), calls.toString());
    assertEquals(ChatClient.State.CLOSED, client.state());
  }

  @Test
  void aRefusedAccountDeletionLeavesTheClientConnected() throws Exception {
    FakeServer.Conn conn = connect("alice", "password1");
    CompletableFuture<Void> deleted = client.deleteAccount("not-it");
    conn.error(conn.expect("delete_account"), "unauthorized", "");
    assertEquals(ErrorCode.UNAUTHORIZED,
        assertInstanceOf(ChatErrorException.class, failure(deleted)).code());
    assertEquals(ChatClient.State.CONNECTED, client.state());
  }
}
