package chat.server.it.sdk;

import static chat.server.it.sdk.Errors.assertError;
import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.client.Role;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Result;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SDK's blocking, moderation and directory calls against the packaged server, and the
 * member and room events they cause at the listeners.
 */
class SdkModerationIT {
  @RegisterExtension
  static final SharedServer shared = new SharedServer(Sdk.FAST);

  private static ServerProcess server() {
    return shared.process();
  }

  @Test
  void helloNamesTheFeaturesOfTheSecondRound() throws Exception {
    try (ChatClient c = connected(server().wsUri(), "feat1", new Recorder())) {
      assertTrue(c.features().containsAll(List.of("block", "moderation", "account")),
          c.features().toString());
    }
  }

  @Test
  void blockingStopsDirectMessagesBothWaysUntilUnblocked() throws Exception {
    try (ChatClient alice = connected(server().wsUri(), "alice5", new Recorder());
        ChatClient mallory = connected(server().wsUri(), "mallory5", new Recorder())) {
      await(mallory.send("@alice5", "before"));
      await(alice.block("mallory5"));
      assertEquals(List.of("mallory5"), await(alice.blocked()));
      assertEquals(List.of(), await(mallory.blocked()));

      assertError(ErrorCode.FORBIDDEN, mallory.send("@alice5", "let me in"));
      assertError(ErrorCode.FORBIDDEN, alice.send("@mallory5", "nor you"));

      await(alice.unblock("mallory5"));
      assertEquals(List.of(), await(alice.blocked()));
      assertEquals(2, await(mallory.send("@alice5", "after")).seq());
    }
  }

  @Test
  void rolesBansTopicsAndDeletionReachTheMembersListeners() throws Exception {
    Recorder ownerInbox = new Recorder();
    Recorder modInbox = new Recorder();
    Recorder malloryInbox = new Recorder();
    try (ChatClient owner = connected(server().wsUri(), "owner6", ownerInbox);
        ChatClient mod = connected(server().wsUri(), "mod6", modInbox);
        ChatClient mallory = connected(server().wsUri(), "mallory6", malloryInbox)) {
      await(owner.createRoom("mod6", "Old topic", false));
      await(mod.join("mod6"));
      await(mallory.join("mod6"));
      await(owner.send("#mod6", "one"));
      await(owner.send("#mod6", "two"));
      ownerInbox.awaitText("#mod6", "two");

      // role: only the owner gives one; every member hears it, with the role
      assertError(ErrorCode.FORBIDDEN, mallory.setRole("mod6", "mallory6", Role.MODERATOR));
      await(owner.setRole("mod6", "mod6", Role.MODERATOR));
      for (Recorder inbox : List.of(ownerInbox, modInbox, malloryInbox)) {
        Event.Member role = inbox.next(Event.Member.class, m -> m.action().equals("role"));
        assertEquals(List.of("#mod6", "mod6", "moderator"),
            List.of(role.conv(), role.user(), role.role()));
      }

      // ban: by a moderator; the banned user stops following, cannot come back until unbanned
      assertError(ErrorCode.FORBIDDEN, mallory.ban("mod6", "mod6"));
      await(mod.ban("mod6", "mallory6"));
      Event.Member ban = ownerInbox.next(Event.Member.class, m -> m.action().equals("ban"));
      assertEquals("mallory6", ban.user());
      assertEquals(List.of("mallory6"), await(mod.bans("mod6")));
      assertError(ErrorCode.FORBIDDEN, mallory.bans("mod6"));
      assertError(ErrorCode.FORBIDDEN, mallory.join("mod6"));
      assertError(ErrorCode.FORBIDDEN, owner.invite("mod6", "mallory6")); // nor be invited
      assertFalse(mallory.lastSeen().containsKey("#mod6"), "the banned user stops following");
      assertError(ErrorCode.FORBIDDEN, mod.ban("mod6", "owner6")); // nobody bans the owner

      await(owner.unban("mod6", "mallory6"));
      Event.Member unban = modInbox.next(Event.Member.class, m -> m.action().equals("unban"));
      assertEquals("mallory6", unban.user());
      assertEquals(List.of(), await(owner.bans("mod6")));
      assertEquals("#mod6", await(mallory.join("mod6")).conv());

      // topic: owner or moderator; members get the room event
      assertError(ErrorCode.FORBIDDEN, mallory.setTopic("mod6", "Mine now"));
      await(mod.setTopic("mod6", "New topic"));
      for (Recorder inbox : List.of(ownerInbox, malloryInbox)) {
        assertEquals(new Event.RoomChanged("#mod6", "New topic"),
            inbox.next(Event.RoomChanged.class));
      }
      assertEquals("New topic", await(mallory.rooms("mod6", null, null)).rooms().get(0).topic());

      // handing the room over: the old owner becomes a moderator
      assertError(ErrorCode.FORBIDDEN, owner.leave("mod6")); // an owner cannot just leave
      await(owner.setRole("mod6", "mod6", Role.OWNER));
      List<String> roles = await(owner.members("mod6")).members().stream()
          .map(m -> m.user() + ":" + m.role()).sorted().toList();
      assertEquals(List.of("mallory6:member", "mod6:owner", "owner6:moderator"), roles);

      // deletion: every member gets one deleted event about themself, and stops following
      assertError(ErrorCode.FORBIDDEN, owner.deleteRoom("mod6"));
      await(mod.deleteRoom("mod6"));
      List<ChatClient> clients = List.of(owner, mod, mallory);
      List<Recorder> inboxes = List.of(ownerInbox, modInbox, malloryInbox);
      for (int i = 0; i < clients.size(); i++) {
        Event.Member deleted = inboxes.get(i).next(Event.Member.class,
            m -> m.action().equals("deleted"));
        assertEquals(List.of("#mod6", clients.get(i).user()),
            List.of(deleted.conv(), deleted.user()));
        assertFalse(clients.get(i).lastSeen().containsKey("#mod6"));
      }

      // the name is free again, and the new room's messages count from 1 for everyone
      await(owner.createRoom("mod6", "Second life", false));
      await(mallory.join("mod6"));
      await(owner.send("#mod6", "fresh"));
      ownerInbox.awaitText("#mod6", "fresh");
      malloryInbox.awaitText("#mod6", "fresh");
      assertEquals(List.of(1L, 2L, 1L), ownerInbox.seqs("#mod6"), "old room's 1, 2, then 1");
      assertEquals(List.of(1L), await(mallory.history("#mod6", null, null, null)).messages()
          .stream().map(Event.Message::seq).toList(), "the old history is gone");
    }
  }

  @Test
  void theDirectoryComesInPagesByNameAndAnswersQueries() throws Exception {
    try (ChatClient alice = connected(server().wsUri(), "alice7", new Recorder())) {
      for (int i = 1; i <= 5; i++) {
        await(alice.createRoom("dir7-" + i, i == 3 ? "Release planning" : "", false));
      }
      await(alice.createRoom("dir7-secret", "", true));

      List<String> names = new ArrayList<>();
      String after = null;
      boolean more = true;
      int pages = 0;
      while (more) {
        Result.Rooms page = await(alice.rooms("dir7", after, 2));
        assertTrue(page.rooms().size() <= 2, page.toString());
        page.rooms().forEach(r -> names.add(r.room()));
        more = page.more();
        after = page.rooms().get(page.rooms().size() - 1).room();
        assertTrue(++pages <= 4, "more pages than rooms: " + names);
      }
      assertEquals(List.of("#dir7-1", "#dir7-2", "#dir7-3", "#dir7-4", "#dir7-5",
          "#dir7-secret"), names, "by name, the member's private room included");

      List<String> found = await(alice.rooms("release planning", null, null)).rooms().stream()
          .map(Result.RoomInfo::room).toList();
      assertTrue(found.contains("#dir7-3"), found.toString());
      assertFalse(found.contains("#dir7-1"), found.toString());
    }
    try (ChatClient stranger = connected(server().wsUri(), "stranger7", new Recorder())) {
      List<String> seen = await(stranger.rooms("dir7-", null, null)).rooms().stream()
          .map(Result.RoomInfo::room).toList();
      assertFalse(seen.contains("#dir7-secret"), "another's private room: " + seen);
      assertEquals(5, seen.size(), seen.toString());
    }
  }
}
