package chat.server.it.sdk;

import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.protocol.Event;
import chat.protocol.Result;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SDK against the packaged server: messages in both directions reach the listeners, and
 * every request type works through the typed API.
 */
class SdkMessagingIT {
  @RegisterExtension
  static final SharedServer shared = new SharedServer(Sdk.FAST);

  private static ServerProcess server() {
    return shared.process();
  }

  @Test
  void directMessagesGoBothWaysAndEachSideSeesTheConversationFromItsSide() throws Exception {
    Recorder aliceInbox = new Recorder();
    Recorder bobInbox = new Recorder();
    try (ChatClient alice = connected(server().wsUri(), "alice1", aliceInbox);
        ChatClient bob = connected(server().wsUri(), "bob1", bobInbox)) {
      Result.Sent sent = await(alice.send("@bob1", "hello bob", "cid-1"));
      assertEquals("@bob1", sent.conv());
      assertEquals(1, sent.seq());
      assertEquals("cid-1", sent.cid());

      Event.Message atBob = bobInbox.nextMessage("@alice1");
      assertEquals(List.of(1L, "alice1", "hello bob", "cid-1"),
          List.of(atBob.seq(), atBob.from(), atBob.text(), atBob.cid()));
      Event.Message ownCopy = aliceInbox.nextMessage("@bob1");
      assertEquals("hello bob", ownCopy.text());

      await(bob.send("@alice1", "hi alice"));
      Event.Message atAlice = aliceInbox.nextMessage("@bob1");
      assertEquals(2, atAlice.seq());
      assertEquals("bob1", atAlice.from());
      assertEquals("hi alice", atAlice.text());
    }
  }

  @Test
  void roomMessagesReachEveryMemberInSeqOrder() throws Exception {
    Recorder aliceInbox = new Recorder();
    Recorder bobInbox = new Recorder();
    try (ChatClient alice = connected(server().wsUri(), "alice2", aliceInbox);
        ChatClient bob = connected(server().wsUri(), "bob2", bobInbox)) {
      assertEquals("#lobby2", await(alice.createRoom("lobby2", "Say hi", false)).room());
      Result.Joined joined = await(bob.join("#lobby2"));
      assertEquals("#lobby2", joined.conv());
      assertEquals("Say hi", joined.topic());
      assertEquals(0, joined.lastSeq());

      for (int i = 1; i <= 10; i++) {
        ChatClient from = i % 2 == 0 ? bob : alice;
        await(from.send("#lobby2", "message " + i));
      }

      aliceInbox.awaitText("#lobby2", "message 10");
      bobInbox.awaitText("#lobby2", "message 10");
      aliceInbox.assertExactlyOnceInOrder("#lobby2", 10);
      bobInbox.assertExactlyOnceInOrder("#lobby2", 10);
      assertEquals("message 7", bobInbox.messages().stream()
          .filter(m -> m.seq() == 7).findFirst().orElseThrow().text());
    }
  }

  @Test
  void everyRequestTypeWorksThroughTheSdk() throws Exception {
    Recorder ownerInbox = new Recorder();
    Recorder guestInbox = new Recorder();
    try (ChatClient owner = connected(server().wsUri(), "owner3", ownerInbox);
        ChatClient guest = connected(server().wsUri(), "guest3", guestInbox)) {
      assertEquals("owner3", owner.user());
      assertTrue(owner.token().length() >= 22, "a token of at least 128 bits");
      assertTrue(await(owner.ping()) > 0);
      assertTrue(owner.limits().maxTextChars() > 0);

      // create, invite, members, rooms
      await(owner.createRoom("secret3", "Hush", true));
      await(owner.invite("secret3", "guest3"));
      Event.Member invited = guestInbox.next(Event.Member.class,
          m -> m.conv().equals("#secret3") && m.action().equals("invite"));
      assertEquals("guest3", invited.user());
      List<Result.MemberInfo> members = await(guest.members("secret3")).members();
      assertEquals(List.of("owner3:owner", "guest3:member"),
          members.stream().map(m -> m.user() + ":" + m.role()).toList());
      Result.RoomInfo secret = await(guest.rooms()).rooms().stream()
          .filter(r -> r.room().equals("#secret3")).findFirst().orElseThrow();
      assertTrue(secret.isPrivate() && secret.joined());
      assertEquals(2, secret.members());

      // send, history (latest, after, before), conversations, read markers
      for (int i = 1; i <= 5; i++) {
        await(owner.send("#secret3", "s" + i));
      }
      guestInbox.awaitText("#secret3", "s5");
      assertEquals(List.of("s4", "s5"), texts(await(guest.history("#secret3", null, null, 2))));
      Result.History after = await(guest.history("#secret3", 2L, null, 2));
      assertEquals(List.of("s3", "s4"), texts(after));
      assertTrue(after.more());
      assertEquals(List.of("s1", "s2"), texts(await(guest.history("#secret3", null, 3L, 10))));
      await(guest.markRead("#secret3", 4));
      Event.Read read = ownerInbox.next(Event.Read.class, r -> r.conv().equals("#secret3"));
      assertEquals(List.of("guest3", 4L), List.of(read.user(), read.seq()));
      Result.ConversationInfo info = await(guest.conversations()).conversations().stream()
          .filter(c -> c.conv().equals("#secret3")).findFirst().orElseThrow();
      assertEquals(List.of(5L, 4L), List.of(info.lastSeq(), info.readSeq()));

      // typing
      await(guest.typing("#secret3"));
      Event.Typing typing = ownerInbox.next(Event.Typing.class, t -> t.conv().equals("#secret3"));
      assertEquals("guest3", typing.user());

      // kick, then join and leave a public room
      await(owner.kick("secret3", "guest3"));
      guestInbox.next(Event.Member.class,
          m -> m.conv().equals("#secret3") && m.action().equals("kick"));
      assertFalse(guest.lastSeen().containsKey("#secret3"), "a kicked user stops following");
      await(owner.createRoom("open3", "", false));
      await(guest.join("open3"));
      ownerInbox.next(Event.Member.class,
          m -> m.conv().equals("#open3") && m.action().equals("join"));
      await(guest.leave("open3"));
      ownerInbox.next(Event.Member.class,
          m -> m.conv().equals("#open3") && m.action().equals("leave"));

      // presence: a user sharing a conversation comes online
      Recorder lateInbox = new Recorder();
      try (ChatClient late = connected(server().wsUri(), "late3", lateInbox)) {
        await(late.join("open3"));
        late.close();
      }
      try (ChatClient late = connected(server().wsUri(), "late3", new Recorder())) {
        Event.Presence online = ownerInbox.next(Event.Presence.class,
            p -> p.user().equals("late3") && p.online());
        assertTrue(online.online());
      }
      ownerInbox.next(Event.Presence.class, p -> p.user().equals("late3") && !p.online());

      // logout revokes the token
      String token = guest.token();
      await(guest.logout());
      guestInbox.next(Recorder.Closed.class);
      ChatClient reused = ChatClient.builder(server().wsUri()).token(token).build();
      try {
        Throwable refused = Errors.failure(reused.connect());
        assertEquals(chat.protocol.ErrorCode.UNAUTHORIZED,
            ((chat.client.ChatErrorException) refused).code());
      } finally {
        reused.close();
      }
    }
  }

  private static List<String> texts(Result.History h) {
    return h.messages().stream().map(Event.Message::text).toList();
  }

  @Test
  void lastSeenAndResumeFromPickUpWhereAnEarlierClientStopped() throws Exception {
    Recorder first = new Recorder();
    try (ChatClient bob = connected(server().wsUri(), "bob4", new Recorder())) {
      Map<String, Long> seen;
      String epoch;
      try (ChatClient alice = connected(server().wsUri(), "alice4", first)) {
        await(bob.send("@alice4", "one"));
        first.awaitText("@bob4", "one");
        seen = alice.lastSeen();
        epoch = alice.epoch();
      }
      assertEquals(Map.of("@bob4", 1L), seen);
      await(bob.send("@alice4", "two")); // while alice's program is not running
      await(bob.send("@alice4", "three"));

      Recorder second = new Recorder();
      ChatClient resumed = Sdk.client(server().wsUri(), "alice4", second)
          .resumeFrom(epoch, seen).build();
      try (resumed) {
        await(resumed.connect());
        second.awaitText("@bob4", "three");
        assertEquals(List.of(2L, 3L), second.seqs("@bob4"));
      }
    }
  }
}
