package chat.server.it.sdk;

import static chat.server.it.sdk.Errors.assertError;
import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static chat.server.it.sdk.Sdk.password;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.ChatClientException.SignedOutException;
import chat.client.Recorder;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Result;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Password changes, logging out everywhere and deleting the account, through the SDK against
 * the packaged server: the token rotates and reconnects use the new one, and a client whose
 * session another device ended stops instead of reconnecting.
 */
class SdkAccountIT {
  @RegisterExtension
  static final SharedServer shared = new SharedServer(Sdk.FAST);

  private static ServerProcess server() {
    return shared.process();
  }

  /** A client of {@code user} that logs in with {@code token} only, through {@code link}. */
  private static ChatClient byToken(TcpProxy link, String token, Recorder inbox) {
    return ChatClient.builder(link.wsUri()).token(token).listener(inbox)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).requestRate(100_000, 100_000)
        .build();
  }

  /** The listener calls up to onClosed, which must come (bounded wait). */
  private static List<Object> callsUntilClosed(Recorder inbox) throws InterruptedException {
    List<Object> calls = new ArrayList<>();
    while (true) {
      Object call = inbox.next(Object.class);
      calls.add(call);
      if (call instanceof Recorder.Closed) {
        return calls;
      }
    }
  }

  /** The session ended elsewhere: one SignedOutException, then closed, never a reconnect. */
  private static void assertSignedOut(SignedOutException.Reason reason, ChatClient client,
      Recorder inbox, TcpProxy link) throws InterruptedException {
    List<Object> calls = callsUntilClosed(inbox);
    List<Object> after = calls.subList(
        calls.indexOf(new Recorder.StateChanged(ChatClient.State.CONNECTED)) + 1, calls.size());
    assertFalse(after.stream().anyMatch(c -> c instanceof Recorder.Disconnected),
        "no reconnect: " + after);
    Recorder.Failed failed = after.stream().filter(c -> c instanceof Recorder.Failed)
        .map(Recorder.Failed.class::cast).findFirst().orElseThrow();
    assertEquals(reason, assertInstanceOf(SignedOutException.class, failed.failure()).reason());
    assertEquals(ChatClient.State.CLOSED, client.state());
    client.close(); // its threads have ended: no later reconnect is possible
    assertEquals(1, link.accepted(), "connections opened through the link");
  }

  @Test
  void afterAPasswordChangeReconnectsUseTheNewTokenAndOtherDevicesAreSignedOut()
      throws Exception {
    String user = "pat8";
    String oldToken;
    try (ChatClient first = connected(server().wsUri(), user, new Recorder())) {
      oldToken = first.token();
    }
    Recorder phoneInbox = new Recorder();
    Recorder laptopInbox = new Recorder();
    try (TcpProxy phoneLink = new TcpProxy(server().wsPort());
        TcpProxy laptopLink = new TcpProxy(server().wsPort())) {
      // the phone still holds the old password; the laptop holds only a token
      ChatClient phone = Sdk.client(phoneLink.wsUri(), user, phoneInbox).build();
      ChatClient laptop = byToken(laptopLink, oldToken, laptopInbox);
      try (phone; laptop) {
        await(phone.connect());
        await(laptop.connect());

        Result.Auth changed = await(laptop.changePassword(password(user), "a brand new one"));
        assertNotEquals(oldToken, changed.token());
        assertEquals(changed.token(), laptop.token());
        assertSignedOut(SignedOutException.Reason.PASSWORD_CHANGED, phone, phoneInbox,
            phoneLink);

        // the laptop stays signed in; after its connection breaks it logs in again with
        // the new token (the old one is revoked, and it has no password to fall back on)
        assertTrue(await(laptop.ping()) > 0);
        laptopLink.cut();
        laptopInbox.next(Recorder.Disconnected.class);
        laptopInbox.next(Recorder.StateChanged.class, s -> s.state() == ChatClient.State.CONNECTED);
        assertEquals(changed.token(), laptop.token());
        assertTrue(await(laptop.ping()) > 0);
      }
    }
    ChatClient stale = ChatClient.builder(server().wsUri()).token(oldToken).build();
    try (stale) {
      assertEquals(ErrorCode.UNAUTHORIZED, assertInstanceOf(chat.client.ChatErrorException.class,
          Errors.failure(stale.connect())).code());
    }
    ChatClient withNew = ChatClient.builder(server().wsUri()).login(user, "a brand new one")
        .build();
    try (withNew) {
      await(withNew.connect());
    }
  }

  @Test
  void logoutEverywhereOnAnotherDeviceStopsTheReconnects() throws Exception {
    String user = "rae8";
    Recorder inbox = new Recorder();
    try (TcpProxy link = new TcpProxy(server().wsPort())) {
      // with the password at hand, reconnecting would log straight back in: it must not
      ChatClient client = Sdk.client(link.wsUri(), user, inbox).build();
      try (client) {
        await(client.connect());
        Recorder otherInbox = new Recorder();
        ChatClient other = connected(server().wsUri(), user, otherInbox);
        await(other.logoutEverywhere());
        List<Object> ownCalls = callsUntilClosed(otherInbox);
        assertFalse(ownCalls.stream().anyMatch(
            c -> c instanceof Recorder.Failed || c instanceof Recorder.Disconnected),
            "the device that logged out closes quietly: " + ownCalls);
        other.close();

        assertSignedOut(SignedOutException.Reason.LOGGED_OUT, client, inbox, link);
      }
    }
  }

  @Test
  void deletingTheAccountSignsOutEveryDeviceAndKeepsItsMessagesInOthersHistories()
      throws Exception {
    String user = "sam8";
    Recorder inbox = new Recorder();
    try (TcpProxy link = new TcpProxy(server().wsPort());
        ChatClient friend = connected(server().wsUri(), "sam8-friend", new Recorder())) {
      ChatClient device = Sdk.client(link.wsUri(), user, inbox).build();
      try (device) {
        await(device.connect());
        ChatClient self = connected(server().wsUri(), user, new Recorder());
        await(self.send("@sam8-friend", "goodbye"));
        assertError(ErrorCode.UNAUTHORIZED, self.deleteAccount("not my password"));
        await(self.deleteAccount(password(user)));
        self.close();

        assertSignedOut(SignedOutException.Reason.ACCOUNT_DELETED, device, inbox, link);
      }
      List<Event.Message> history = await(friend.history("@sam8", null, null, null)).messages();
      assertEquals(List.of("sam8: goodbye"),
          history.stream().map(m -> m.from() + ": " + m.text()).toList());
      ChatClient again = ChatClient.builder(server().wsUri()).register(user, "try to take it")
          .build();
      try (again) {
        assertTrue(Errors.failure(again.connect()) instanceof chat.client.ChatErrorException,
            "the name stays taken and the old password is dead");
      }
    }
  }
}
