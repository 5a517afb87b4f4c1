package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md, "Safety: bans, roles": bans, roles and ownership, topic, room deletion; and the
 * ranks docs/protocol.md documents (owner above moderator above member).
 */
class ModerationTest {
  @RegisterExtension
  final TestChat chat = new TestChat();
  private TestClient owner;
  private TestClient mod;
  private TestClient member;
  private TestClient mallory;

  @BeforeEach
  void room() {
    owner = chat.user("owner");
    owner.createRoom("general", false);
    mod = chat.user("mod");
    mod.join("general");
    member = chat.user("member");
    member.join("general");
    mallory = chat.user("mallory");
    mallory.join("general");
    owner.ok(new Request.SetRole(TestClient.nextId(), "general", "mod", "moderator"));
    for (TestClient c : List.of(owner, mod, member, mallory)) {
      c.settle();
    }
  }

  private static Map<String, String> roles(TestClient c) {
    return c.members("general").stream()
        .collect(Collectors.toMap(Result.MemberInfo::user, Result.MemberInfo::role));
  }

  @Test
  void aBannedUserIsRemovedCannotComeBackUntilUnbannedAndEveryoneHears() {
    mod.ok(new Request.Ban(TestClient.nextId(), "#general", "mallory"));

    for (TestClient c : List.of(owner, mod, member, mallory)) {
      assertEquals(new Event.Member("#general", "mallory", "ban"),
          c.events.next(Event.Member.class));
    }
    assertFalse(roles(owner).containsKey("mallory"));
    mallory.error(new Request.Join(TestClient.nextId(), "general"), ErrorCode.FORBIDDEN);
    owner.error(new Request.Invite(TestClient.nextId(), "general", "mallory"),
        ErrorCode.FORBIDDEN);
    mallory.error(new Request.Send(TestClient.nextId(), "#general", "let me in", "c"),
        ErrorCode.FORBIDDEN);
    assertEquals(List.of("mallory"),
        mod.ok(new Request.ListBans(TestClient.nextId(), "general"), Result.Users.class).users());
    member.error(new Request.ListBans(TestClient.nextId(), "general"), ErrorCode.FORBIDDEN);

    owner.ok(new Request.Ban(TestClient.nextId(), "general", "mallory")); // twice: ok, no event
    owner.ok(new Request.Unban(TestClient.nextId(), "general", "mallory"));
    assertEquals(new Event.Member("#general", "mallory", "unban"),
        member.events.next(Event.Member.class));
    assertEquals(new Event.Member("#general", "mallory", "unban"),
        mallory.events.next(Event.Member.class));
    member.assertQuiet();
    mallory.join("general");
    assertEquals(List.of(), owner.ok(new Request.ListBans(TestClient.nextId(), "general"),
        Result.Users.class).users());
  }

  @Test
  void ranks() {
    member.error(new Request.Ban(TestClient.nextId(), "general", "mallory"), ErrorCode.FORBIDDEN);
    member.error(new Request.Kick(TestClient.nextId(), "general", "mallory"),
        ErrorCode.FORBIDDEN);
    mod.error(new Request.Ban(TestClient.nextId(), "general", "owner"), ErrorCode.FORBIDDEN);
    owner.error(new Request.Ban(TestClient.nextId(), "general", "owner"), ErrorCode.FORBIDDEN);
    owner.ok(new Request.SetRole(TestClient.nextId(), "general", "member", "moderator"));
    mod.error(new Request.Kick(TestClient.nextId(), "general", "member"), ErrorCode.FORBIDDEN);
    mod.error(new Request.SetRole(TestClient.nextId(), "general", "mallory", "moderator"),
        ErrorCode.FORBIDDEN);
    // moderators kick and invite members
    mod.kick("general", "mallory");
    mod.invite("general", "mallory");
    owner.kick("general", "member"); // the owner may remove a moderator
    assertEquals(Map.of("owner", "owner", "mod", "moderator", "mallory", "member"), roles(owner));
  }

  @Test
  void roleChangesAndOwnershipTransfer() {
    owner.ok(new Request.SetRole(TestClient.nextId(), "general", "member", "moderator"));
    assertEquals(new Event.Member("#general", "member", "role", "moderator"),
        mallory.events.next(Event.Member.class));
    member.settle();

    owner.error(new Request.SetRole(TestClient.nextId(), "general", "member", "admin"),
        ErrorCode.BAD_REQUEST);
    owner.error(new Request.SetRole(TestClient.nextId(), "general", "nobody1", "member"),
        ErrorCode.NOT_FOUND);
    owner.error(new Request.Leave(TestClient.nextId(), "general"), ErrorCode.FORBIDDEN);

    owner.ok(new Request.SetRole(TestClient.nextId(), "general", "mallory", "owner"));
    assertEquals(new Event.Member("#general", "mallory", "role", "owner"),
        member.events.next(Event.Member.class));
    assertEquals(new Event.Member("#general", "owner", "role", "moderator"),
        member.events.next(Event.Member.class));
    assertEquals("owner", roles(owner).get("mallory"));
    assertEquals("moderator", roles(owner).get("owner"));
    assertEquals(1, roles(owner).values().stream().filter("owner"::equals).count());

    owner.error(new Request.SetRole(TestClient.nextId(), "general", "member", "member"),
        ErrorCode.FORBIDDEN); // no longer the owner
    owner.leave("general"); // a moderator may leave
  }

  @Test
  void topicChangeReachesMembers() {
    mod.ok(new Request.SetTopic(TestClient.nextId(), "general", "Release on Friday"));
    assertEquals(new Event.RoomChanged("#general", "Release on Friday"),
        member.events.next(Event.RoomChanged.class));
    member.error(new Request.SetTopic(TestClient.nextId(), "general", "mine now"),
        ErrorCode.FORBIDDEN);
    mod.error(new Request.SetTopic(TestClient.nextId(), "general", "bell \u0007"),
        ErrorCode.BAD_REQUEST);
    mod.error(new Request.SetTopic(TestClient.nextId(), "general", "two\nlines"),
        ErrorCode.BAD_REQUEST);
    mod.error(new Request.SetTopic(TestClient.nextId(), "general", "evil \u202Etxt.exe"),
        ErrorCode.BAD_REQUEST);
    Result.Joined joined = member.join("general");
    assertEquals("Release on Friday", joined.topic());
  }

  @Test
  void deletingARoomErasesItsHistoryAndTellsEachMember() {
    member.send("#general", "one");
    member.send("#general", "two");
    for (TestClient c : List.of(owner, mod, member, mallory)) {
      c.settle();
    }
    mod.error(new Request.DeleteRoom(TestClient.nextId(), "general"), ErrorCode.FORBIDDEN);

    owner.ok(new Request.DeleteRoom(TestClient.nextId(), "general"));

    for (TestClient c : List.of(owner, mod, member, mallory)) {
      assertEquals(new Event.Member("#general", c.user, "deleted"),
          c.events.next(Event.Member.class));
      c.assertQuiet();
    }
    member.error(new Request.History(TestClient.nextId(), "#general", null, null, null),
        ErrorCode.NOT_FOUND);
    mallory.createRoom("general", false);
    assertEquals(0, member.join("general").lastSeq());
    assertEquals(List.of(), member.history("#general", null, null, null).messages());
    assertEquals(1, member.send("#general", "a new start").seq());
    assertTrue(roles(member).containsKey("mallory"));
  }
}
