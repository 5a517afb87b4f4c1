package chat.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The {@link AccountStore} contract for issue 13: account status and deletion, tokens revoked in
 * bulk, blocks, room topic and deletion, moderator roles and ownership transfer, bans, the
 * paged room directory and operator actions.
 *
 * <p>Membership reads come before and after each change on purpose: a store that keeps rosters
 * in memory must show every change at once, whichever method made it.
 */
public abstract class AccountAdminContract extends AccountStoreFixture {

  /** The room's members and roles, in join order, as the fan-out reads them. */
  private Map<String, Role> roster(String room) {
    Map<String, Role> roles = new LinkedHashMap<>();
    for (Membership m : accounts.members(room)) {
      roles.put(m.user(), m.role());
    }
    return roles;
  }

  private static Map<String, Role> roles(Object... userThenRole) {
    Map<String, Role> roles = new LinkedHashMap<>();
    for (int i = 0; i < userThenRole.length; i += 2) {
      roles.put((String) userThenRole[i], (Role) userThenRole[i + 1]);
    }
    return roles;
  }

  private static Room topicRoom(String name, String topic) {
    return new Room(name, topic, false, 3_000L);
  }

  // Accounts

  /** A new account is active, with its hash and creation time; accounts() lists all by name. */
  @Test
  void accountsHaveAStatus() {
    accounts.createUser("carol", "hash-c", 30L);
    accounts.createUser("alice", "hash-a", 10L);
    Account alice = new Account("alice", "hash-a", 10L, Account.Status.ACTIVE);
    assertEquals(Optional.of(alice), accounts.account("alice"));
    assertTrue(alice.isActive());
    assertEquals(Optional.of(Account.Status.ACTIVE), accounts.status("alice"));
    assertEquals(Optional.empty(), accounts.account("bob"));
    assertEquals(Optional.empty(), accounts.status("bob"));
    assertEquals(List.of(alice, new Account("carol", "hash-c", 30L, Account.Status.ACTIVE)),
        accounts.accounts());
  }

  /** A password hash can be replaced, for an account that exists and is not deleted. */
  @Test
  void setPasswordHashReplacesIt() {
    accounts.createUser("alice", "old", 1L);
    assertTrue(accounts.setPasswordHash("alice", "new"));
    assertEquals(Optional.of("new"), accounts.passwordHash("alice"));
    assertFalse(accounts.setPasswordHash("bob", "new"));
    assertFalse(accounts.userExists("bob"), "no account is made by it");
    accounts.deleteAccount("alice");
    assertFalse(accounts.setPasswordHash("alice", "again"));
    assertEquals("", accounts.account("alice").orElseThrow().passwordHash());
  }

  /** Disabling keeps the hash; enabling restores; deleted and unknown accounts are refused. */
  @Test
  void setStatusDisablesAndEnables() {
    accounts.createUser("alice", "h", 1L);
    assertTrue(accounts.setStatus("alice", Account.Status.DISABLED));
    assertEquals(new Account("alice", "h", 1L, Account.Status.DISABLED),
        accounts.account("alice").orElseThrow());
    assertEquals(Optional.of(Account.Status.DISABLED), accounts.status("alice"));
    assertEquals(Optional.of("h"), accounts.passwordHash("alice"));
    assertTrue(accounts.setStatus("alice", Account.Status.ACTIVE));
    assertTrue(accounts.account("alice").orElseThrow().isActive());
    assertFalse(accounts.setStatus("bob", Account.Status.DISABLED));

    accounts.deleteAccount("alice");
    assertFalse(accounts.setStatus("alice", Account.Status.ACTIVE));
    assertTrue(accounts.account("alice").orElseThrow().isDeleted(), "deleted for good");
    assertThrows(IllegalArgumentException.class,
        () -> accounts.setStatus("alice", Account.Status.DELETED));
  }

  /**
   * A deleted account keeps its name (nobody can register it) but has no password hash, no
   * tokens and no blocks; others' tokens stay. Deleting again, or an unknown name, gives empty.
   */
  @Test
  void deletedNameStaysTakenWithoutAHash() {
    accounts.createUser("alice", "hash-a", 7L);
    accounts.createUser("bob", "hash-b", 8L);
    accounts.saveToken(new TokenRecord("a1", "alice", 100L));
    accounts.saveToken(new TokenRecord("a2", "alice", 100L));
    accounts.saveToken(new TokenRecord("b1", "bob", 100L));
    accounts.block("alice", "bob");
    accounts.block("bob", "alice");

    assertEquals(Optional.of(List.of()), accounts.deleteAccount("alice"));

    assertTrue(accounts.userExists("alice"));
    assertFalse(accounts.createUser("alice", "thief", 9L));
    assertEquals(Optional.of(new Account("alice", "", 7L, Account.Status.DELETED)),
        accounts.account("alice"));
    assertEquals(Optional.of(Account.Status.DELETED), accounts.status("alice"));
    assertEquals(Optional.of(Account.Status.ACTIVE), accounts.status("bob"));
    assertEquals(Optional.empty(), accounts.passwordHash("alice"));
    assertEquals(Optional.empty(), accounts.token("a1"));
    assertEquals(Optional.empty(), accounts.token("a2"));
    assertEquals(Optional.of(new TokenRecord("b1", "bob", 100L)), accounts.token("b1"));
    assertEquals(List.of(), accounts.blockedBy("alice"));
    assertFalse(accounts.hasBlocked("alice", "bob"));
    assertEquals(Optional.empty(), accounts.deleteAccount("alice"));
    assertEquals(Optional.empty(), accounts.deleteAccount("nobody"));
  }

  /**
   * Deleting an account leaves every room in one step: an owned room passes to its
   * longest-standing member (join order, whatever the roles), a room with nobody left is
   * deleted with its bans, and other rooms just lose the member. Exits are by room name.
   */
  @Test
  void deleteAccountPassesOwnedRoomsOnOrDeletesThem() {
    accounts.createUser("alice", "h", 1L);
    accounts.createRoom(publicRoom("owned"), "alice");
    accounts.addMember("owned", "zed", Role.MEMBER);
    accounts.addMember("owned", "bob", Role.MEMBER);
    accounts.addMember("owned", "carol", Role.MODERATOR);
    accounts.removeMember("owned", "zed"); // rejoining puts zed last: bob stood longest
    accounts.addMember("owned", "zed", Role.MEMBER);
    accounts.createRoom(privateRoom("alone"), "alice");
    accounts.ban("alone", "mallory");
    accounts.createRoom(publicRoom("bobs"), "bob");
    accounts.addMember("bobs", "alice", Role.MODERATOR);
    assertEquals(4, accounts.memberCount("owned"));
    roster("owned"); // rosters read before the change
    roster("alone");
    roster("bobs");

    List<RoomExit> exits = accounts.deleteAccount("alice").orElseThrow();

    assertEquals(List.of(new RoomExit("alone", null, true), new RoomExit("bobs", null, false),
        new RoomExit("owned", "bob", false)), exits);
    assertEquals(roles("bob", Role.OWNER, "carol", Role.MODERATOR, "zed", Role.MEMBER),
        roster("owned"));
    assertEquals(Optional.of(Role.OWNER), accounts.role("owned", "bob"));
    assertEquals(roles("bob", Role.OWNER), roster("bobs"));
    assertEquals(Optional.empty(), accounts.room("alone"));
    assertEquals(Map.of(), roster("alone"));
    assertEquals(List.of(), accounts.bans("alone"));
    assertEquals(List.of(), accounts.roomsOf("alice"));
    assertEquals(0, accounts.roomsOwnedBy("alice"));
    assertEquals(2, accounts.roomsOwnedBy("bob"));

    assertTrue(accounts.createRoom(publicRoom("alone"), "dave"), "the name is free again");
    assertEquals(roles("dave", Role.OWNER), roster("alone"));
    assertFalse(accounts.isBanned("alone", "mallory"));
  }

  // Tokens

  /** revokeTokens drops every token of the user but the one kept, and counts them. */
  @Test
  void revokeTokensKeepsOne() {
    accounts.saveToken(new TokenRecord("a1", "alice", 100L));
    accounts.saveToken(new TokenRecord("a2", "alice", 100L));
    accounts.saveToken(new TokenRecord("a3", "alice", 100L));
    accounts.saveToken(new TokenRecord("b1", "bob", 100L));
    assertEquals(2, accounts.revokeTokens("alice", "a2"));
    assertEquals(Optional.empty(), accounts.token("a1"));
    assertEquals(Optional.of(new TokenRecord("a2", "alice", 100L)), accounts.token("a2"));
    assertEquals(Optional.of(new TokenRecord("b1", "bob", 100L)), accounts.token("b1"));
    assertEquals(0, accounts.revokeTokens("alice", "a2"));
    assertEquals(1, accounts.revokeTokens("alice", null));
    assertEquals(Optional.empty(), accounts.token("a2"));
    assertEquals(0, accounts.revokeTokens("carol", null));
    assertEquals(0, accounts.revokeTokens("bob", "b1"));
  }

  // Blocks

  /** Blocks are one-way, made and lifted once each, and listed by name. */
  @Test
  void blocksAreOneWayAndListedByName() {
    assertTrue(accounts.block("alice", "zed"));
    assertTrue(accounts.block("alice", "bob"));
    assertTrue(accounts.block("alice", "mike"));
    assertFalse(accounts.block("alice", "bob"));
    assertTrue(accounts.hasBlocked("alice", "bob"));
    assertFalse(accounts.hasBlocked("bob", "alice"));
    assertEquals(List.of("bob", "mike", "zed"), accounts.blockedBy("alice"));
    assertEquals(List.of(), accounts.blockedBy("bob"));

    assertTrue(accounts.unblock("alice", "mike"));
    assertFalse(accounts.unblock("alice", "mike"));
    assertFalse(accounts.unblock("bob", "alice"));
    assertFalse(accounts.hasBlocked("alice", "mike"));
    assertEquals(List.of("bob", "zed"), accounts.blockedBy("alice"));
  }

  // Rooms

  /** rooms() lists every room, private ones too, by name. */
  @Test
  void roomsListsEveryRoom() {
    accounts.createRoom(publicRoom("zebra"), "alice");
    accounts.createRoom(privateRoom("hidden"), "bob");
    accounts.createRoom(publicRoom("apple"), "carol");
    assertEquals(List.of(publicRoom("apple"), privateRoom("hidden"), publicRoom("zebra")),
        accounts.rooms());
  }

  /** setTopic changes the topic only; an unknown room gives false and is not made. */
  @Test
  void setTopicKeepsTheOtherSettings() {
    accounts.createRoom(privateRoom("hidden"), "alice");
    assertTrue(accounts.setTopic("hidden", "new topic"));
    assertEquals(Optional.of(new Room("hidden", "new topic", true, 2_000L)),
        accounts.room("hidden"));
    assertFalse(accounts.setTopic("nowhere", "x"));
    assertEquals(Optional.empty(), accounts.room("nowhere"));
  }

  /**
   * deleteRoom removes the room with its members, bans and read markers (other rooms' stay), and
   * returns the members in join order; a room made again under the name starts empty.
   */
  @Test
  void deleteRoomRemovesEverythingOfTheRoom() {
    accounts.createRoom(publicRoom("general"), "mike");
    accounts.addMember("general", "zoe", Role.MODERATOR);
    accounts.addMember("general", "adam", Role.MEMBER);
    accounts.ban("general", "mallory");
    accounts.createRoom(publicRoom("other"), "zoe");
    accounts.ban("other", "mallory");
    accounts.advanceReadMarker("zoe", GENERAL, 5);
    accounts.advanceReadMarker("zoe", ConvId.room("other"), 2);
    accounts.advanceReadMarker("zoe", ALICE_BOB, 3);
    roster("general");

    assertEquals(Optional.of(List.of(new Membership("general", "mike", Role.OWNER),
        new Membership("general", "zoe", Role.MODERATOR),
        new Membership("general", "adam", Role.MEMBER))), accounts.deleteRoom("general"));

    assertEquals(Optional.empty(), accounts.room("general"));
    assertEquals(Map.of(), roster("general"));
    assertEquals(0, accounts.memberCount("general"));
    assertEquals(Optional.empty(), accounts.role("general", "zoe"));
    assertEquals(List.of("other"), accounts.roomsOf("zoe"));
    assertEquals(List.of(), accounts.roomsOf("adam"));
    assertEquals(0, accounts.roomsOwnedBy("mike"));
    assertFalse(accounts.isBanned("general", "mallory"));
    assertEquals(List.of("mallory"), accounts.bans("other"));
    assertEquals(0, accounts.readMarker("zoe", GENERAL));
    assertEquals(Map.of(ConvId.room("other"), 2L, ALICE_BOB, 3L), accounts.readMarkers("zoe"));
    assertEquals(List.of("other"), names(accounts.visibleRooms("adam")));
    assertEquals(Optional.empty(), accounts.deleteRoom("general"));
    assertEquals(Optional.empty(), accounts.deleteRoom("nowhere"));

    assertTrue(accounts.createRoom(privateRoom("general"), "carol"));
    assertEquals(roles("carol", Role.OWNER), roster("general"));
    assertEquals(List.of(), accounts.bans("general"));
    assertTrue(accounts.advanceReadMarker("zoe", GENERAL, 1), "the marker starts again at 0");
  }

  /** roomsOwnedBy counts the rooms where the user is owner, not moderator or member. */
  @Test
  void roomsOwnedByCountsOwnership() {
    accounts.createRoom(publicRoom("one"), "alice");
    accounts.createRoom(privateRoom("two"), "alice");
    accounts.createRoom(publicRoom("three"), "bob");
    accounts.addMember("three", "alice", Role.MODERATOR);
    assertEquals(2, accounts.roomsOwnedBy("alice"));
    assertEquals(1, accounts.roomsOwnedBy("bob"));
    assertEquals(0, accounts.roomsOwnedBy("carol"));
  }

  // Roles

  /** setRole moves a member between moderator and member; never the owner, never to owner. */
  @Test
  void setRoleRefusesTheOwner() {
    accounts.createRoom(publicRoom("general"), "alice");
    accounts.addMember("general", "bob", Role.MEMBER);
    roster("general");
    assertTrue(accounts.setRole("general", "bob", Role.MODERATOR));
    assertEquals(roles("alice", Role.OWNER, "bob", Role.MODERATOR), roster("general"));
    assertEquals(Optional.of(Role.MODERATOR), accounts.role("general", "bob"));
    assertTrue(accounts.setRole("general", "bob", Role.MEMBER));
    assertEquals(Optional.of(Role.MEMBER), accounts.role("general", "bob"));

    assertFalse(accounts.setRole("general", "alice", Role.MEMBER));
    assertFalse(accounts.setRole("general", "alice", Role.MODERATOR));
    assertEquals(Optional.of(Role.OWNER), accounts.role("general", "alice"));
    assertFalse(accounts.setRole("general", "carol", Role.MODERATOR));
    assertEquals(Optional.empty(), accounts.role("general", "carol"), "no member is made");
    assertFalse(accounts.setRole("nowhere", "bob", Role.MODERATOR));
    assertThrows(IllegalArgumentException.class,
        () -> accounts.setRole("general", "bob", Role.OWNER));
    assertEquals(Optional.of(Role.MEMBER), accounts.role("general", "bob"));
  }

  /** Ownership passes to a member and the old owner becomes a moderator, in one step. */
  @Test
  void transferOwnershipSwapsRoles() {
    accounts.createRoom(publicRoom("general"), "alice");
    accounts.addMember("general", "bob", Role.MEMBER);
    accounts.addMember("general", "carol", Role.MEMBER);
    roster("general");
    assertTrue(accounts.transferOwnership("general", "alice", "carol"));
    assertEquals(roles("alice", Role.MODERATOR, "bob", Role.MEMBER, "carol", Role.OWNER),
        roster("general"), "roles swapped, join order kept");
    assertEquals(1, accounts.roomsOwnedBy("carol"));
    assertEquals(0, accounts.roomsOwnedBy("alice"));

    assertFalse(accounts.transferOwnership("general", "alice", "bob"), "no longer the owner");
    assertFalse(accounts.transferOwnership("general", "carol", "dave"), "not a member");
    assertFalse(accounts.transferOwnership("general", "carol", "carol"));
    assertFalse(accounts.transferOwnership("nowhere", "carol", "bob"));
    assertEquals(roles("alice", Role.MODERATOR, "bob", Role.MEMBER, "carol", Role.OWNER),
        roster("general"), "refused transfers change nothing");
  }

  // Bans

  /** A ban removes the membership in the same step; banning again is refused. */
  @Test
  void banRemovesMembershipAndIsIdempotent() {
    accounts.createRoom(privateRoom("general"), "alice");
    accounts.addMember("general", "bob", Role.MODERATOR);
    roster("general");
    assertTrue(accounts.ban("general", "bob"));
    assertEquals(roles("alice", Role.OWNER), roster("general"));
    assertEquals(Optional.empty(), accounts.role("general", "bob"));
    assertEquals(List.of(), accounts.roomsOf("bob"));
    assertEquals(List.of(), names(accounts.visibleRooms("bob")));
    assertTrue(accounts.isBanned("general", "bob"));
    assertFalse(accounts.ban("general", "bob"));
    assertTrue(accounts.isBanned("general", "bob"));

    assertTrue(accounts.ban("general", "zed"), "a non-member can be banned");
    assertTrue(accounts.ban("general", "carol"));
    assertEquals(List.of("bob", "carol", "zed"), accounts.bans("general"));
    assertFalse(accounts.isBanned("general", "alice"));
    assertEquals(List.of(), accounts.bans("nowhere"));
    assertThrows(IllegalArgumentException.class, () -> accounts.ban("nowhere", "bob"));
  }

  /**
   * Adding a banned user adds nothing, whoever asks: the ban is looked at in the same step as the
   * insert, so a join or invite checked before a ban cannot undo it.
   */
  @Test
  void aBannedUserIsNotAdded() {
    accounts.createRoom(privateRoom("general"), "alice");
    accounts.createRoom(privateRoom("other"), "alice");
    assertTrue(accounts.ban("general", "mallory"));

    assertFalse(accounts.addMember("general", "mallory", Role.MEMBER));
    assertEquals(Optional.empty(), accounts.role("general", "mallory"));
    assertEquals(roles("alice", Role.OWNER), roster("general"));
    assertTrue(accounts.addMember("other", "mallory", Role.MEMBER), "bans are per room");

    assertTrue(accounts.unban("general", "mallory"));
    assertTrue(accounts.addMember("general", "mallory", Role.MEMBER));
  }

  /** unban lifts a ban once; bans are per room. */
  @Test
  void unbanLiftsOnce() {
    accounts.createRoom(publicRoom("one"), "alice");
    accounts.createRoom(publicRoom("two"), "alice");
    accounts.ban("one", "bob");
    accounts.ban("two", "bob");
    assertTrue(accounts.unban("one", "bob"));
    assertFalse(accounts.unban("one", "bob"));
    assertFalse(accounts.unban("one", "carol"));
    assertFalse(accounts.unban("nowhere", "bob"));
    assertFalse(accounts.isBanned("one", "bob"));
    assertTrue(accounts.isBanned("two", "bob"));
    assertEquals(List.of(), accounts.bans("one"));
  }

  // Directory

  /** Pages follow each other by name: after the last name seen, at most limit rooms. */
  @Test
  void directoryPagesByName() {
    for (String name : List.of("echo", "alpha", "delta", "bravo", "charlie")) {
      accounts.createRoom(publicRoom(name), "owner");
    }
    assertEquals(List.of("alpha", "bravo"), names(accounts.directory("x", null, null, 2)));
    assertEquals(List.of("charlie", "delta"), names(accounts.directory("x", null, "bravo", 2)));
    assertEquals(List.of("echo"), names(accounts.directory("x", null, "delta", 2)));
    assertEquals(List.of(), names(accounts.directory("x", null, "echo", 2)));
    assertEquals(List.of("charlie", "delta", "echo"),
        names(accounts.directory("x", null, "c", 10)), "after needs not be a room's name");
    assertEquals(List.of(), accounts.directory("x", null, null, 0));
    assertEquals(publicRoom("alpha"), accounts.directory("x", null, null, 1).get(0));
  }

  /** A private room is in its members' directory only, and fills no page of anyone else. */
  @Test
  void directoryShowsPrivateRoomsOnlyToMembers() {
    accounts.createRoom(publicRoom("a-public"), "alice");
    accounts.createRoom(privateRoom("b-private"), "alice");
    accounts.createRoom(privateRoom("c-private"), "alice");
    accounts.createRoom(publicRoom("d-public"), "alice");
    accounts.addMember("c-private", "bob", Role.MEMBER);
    assertEquals(List.of("a-public", "d-public"),
        names(accounts.directory("carol", null, null, 2)));
    assertEquals(List.of("a-public", "c-private"),
        names(accounts.directory("bob", null, null, 2)));
    assertEquals(List.of("d-public"), names(accounts.directory("bob", null, "c-private", 2)));
    assertEquals(List.of("a-public", "b-private", "c-private", "d-public"),
        names(accounts.directory("alice", null, null, 10)));
    accounts.ban("c-private", "bob");
    assertEquals(List.of("a-public", "d-public"),
        names(accounts.directory("bob", null, null, 9)), "a ban ends the membership");
  }

  /** One word matches a name prefix ("#" ignored) or the start of a word of the topic. */
  @Test
  void directoryQueryMatchesNamePrefix() {
    accounts.createRoom(topicRoom("general", "anything goes"), "alice");
    accounts.createRoom(topicRoom("generic", "nothing special"), "alice");
    accounts.createRoom(topicRoom("agenda", "what we plan"), "alice");
    accounts.createRoom(topicRoom("chat", "general chatter"), "alice");
    accounts.createRoom(topicRoom("x_y", "underscore"), "alice");
    accounts.createRoom(topicRoom("xzy", "no underscore"), "alice");
    assertEquals(List.of("chat", "general", "generic"), query("gen"));
    assertEquals(List.of("general", "generic"), query("#gen"), "a # word matches names only");
    assertEquals(List.of("chat", "general", "generic"), query("GEN"), "folded to lower case");
    assertEquals(List.of("general", "generic"), query("gene", "chat"),
        "after applies to the matches");
    assertEquals(List.of("x_y"), query("x_"), "an underscore in a name is itself");
    assertEquals(List.of(), query("enda"), "a name matches by its start only");
    assertEquals(List.of("agenda", "chat", "general", "generic", "x_y", "xzy"), query("  "),
        "no words: every room");
  }

  /** Several words match when each starts a word of the topic, in any order, any case. */
  @Test
  void directoryQueryMatchesTopicWords() {
    accounts.createRoom(topicRoom("rust", "Rust Programming and Systems"), "alice");
    accounts.createRoom(topicRoom("java", "Java programming"), "alice");
    accounts.createRoom(topicRoom("trust", "mistrust of systems"), "alice");
    accounts.createRoom(topicRoom("ops", "systems-programming notes"), "alice");
    assertEquals(List.of("rust"), query("rust prog"));
    assertEquals(List.of("rust"), query("PROG rust"));
    assertEquals(List.of("java", "rust"), query("programming"));
    assertEquals(List.of("ops", "rust", "trust"), query("sys"));
    assertEquals(List.of("ops", "rust", "trust"), query("systems"));
    assertEquals(List.of(), query("rust java"), "every word must match");
    assertEquals(List.of("rust"), query("ru"), "by name or by topic, once");
    assertEquals(List.of("trust"), query("mis sys"));
    assertEquals(List.of(), query("ust sys"), "a word matches the start of a topic word");
    assertEquals(List.of(), query("rust programming and systems extra"));
    assertEquals(List.of("rust"), query("#rust"), "a leading # is for the name");
  }

  /** The query's %, _ and \ are themselves, never wildcards. */
  @Test
  void directoryQueryTakesWildcardsLiterally() {
    accounts.createRoom(topicRoom("pct", "100% pure"), "alice");
    accounts.createRoom(topicRoom("nopct", "1000 pure"), "alice");
    accounts.createRoom(topicRoom("snake", "snake_case rules"), "alice");
    accounts.createRoom(topicRoom("camel", "snakeCase rules"), "alice");
    accounts.createRoom(topicRoom("sign", "a %sign here"), "alice");
    accounts.createRoom(topicRoom("path", "c:\\dir and c:x"), "alice");
    assertEquals(List.of("pct"), query("100%"));
    assertEquals(List.of("sign"), query("%"));
    assertEquals(List.of("sign"), query("%s"));
    assertEquals(List.of("snake"), query("snake_"));
    assertEquals(List.of(), query("_"));
    assertEquals(List.of("path"), query("c:\\d"));
    assertEquals(List.of(), query("c:\\x"));
  }

  private List<String> query(String text) {
    return query(text, null);
  }

  private List<String> query(String text, String after) {
    return names(accounts.directory("alice", RoomQuery.parse(text), after, 100));
  }

  // Operator actions

  /** Actions come back in the order recorded, with increasing ids, from after a given id. */
  @Test
  void operatorActionsInOrderAfterAnId() {
    assertEquals(List.of(), accounts.operatorActionsAfter(0));
    OperatorAction first =
        accounts.recordOperatorAction(OperatorAction.DISABLE_USER, "alice", List.of(), 10L);
    OperatorAction second = accounts.recordOperatorAction(OperatorAction.DELETE_ROOM, "general",
        List.of("zoe", "adam"), 20L);
    OperatorAction third =
        accounts.recordOperatorAction(OperatorAction.RESET_PASSWORD, "bob", List.of(), 30L);
    assertTrue(first.id() > 0);
    assertTrue(second.id() > first.id());
    assertTrue(third.id() > second.id());
    assertEquals(new OperatorAction(second.id(), OperatorAction.DELETE_ROOM, "general",
        List.of("zoe", "adam"), 20L), second);
    assertEquals(List.of(first, second, third), accounts.operatorActionsAfter(0));
    assertEquals(List.of(second, third), accounts.operatorActionsAfter(first.id()));
    assertEquals(List.of(third), accounts.operatorActionsAfter(second.id()));
    assertEquals(List.of(), accounts.operatorActionsAfter(third.id()));
  }

  /** Forgetting caches loses no data: every read still answers from the store. */
  @Test
  void forgetCachesKeepsTheData() {
    accounts.createRoom(publicRoom("general"), "alice");
    accounts.addMember("general", "bob", Role.MODERATOR);
    roster("general");
    accounts.forgetCaches();
    assertEquals(roles("alice", Role.OWNER, "bob", Role.MODERATOR), roster("general"));
    accounts.forgetCaches();
    assertEquals(Optional.of(Role.MODERATOR), accounts.role("general", "bob"));
  }

  // Durability (skipped by stores that keep nothing)

  /** Statuses, deletions, blocks, bans, roles, topics and operator actions survive a restart. */
  @Test
  void administrationSurvivesReopen() throws Exception {
    accounts.createUser("alice", "hash-a", 1L);
    accounts.createUser("bob", "hash-b", 2L);
    accounts.createUser("carol", "hash-c", 3L);
    accounts.setStatus("bob", Account.Status.DISABLED);
    accounts.createRoom(publicRoom("general"), "carol");
    accounts.addMember("general", "alice", Role.MEMBER);
    accounts.addMember("general", "bob", Role.MEMBER);
    accounts.setRole("general", "alice", Role.MODERATOR);
    accounts.deleteAccount("carol");
    accounts.createRoom(publicRoom("gone"), "alice");
    accounts.deleteRoom("gone");
    accounts.ban("general", "mallory");
    accounts.block("alice", "bob");
    accounts.setTopic("general", "new topic");
    OperatorAction before =
        accounts.recordOperatorAction(OperatorAction.DELETE_USER, "carol", List.of(), 5L);

    accounts = reopenAccountStore();

    assertEquals(List.of(new Account("alice", "hash-a", 1L, Account.Status.ACTIVE),
        new Account("bob", "hash-b", 2L, Account.Status.DISABLED),
        new Account("carol", "", 3L, Account.Status.DELETED)), accounts.accounts());
    assertEquals(roles("alice", Role.OWNER, "bob", Role.MEMBER), roster("general"));
    assertEquals(Optional.empty(), accounts.room("gone"));
    assertEquals(List.of("mallory"), accounts.bans("general"));
    assertEquals(List.of("bob"), accounts.blockedBy("alice"));
    assertEquals("new topic", accounts.room("general").orElseThrow().topic());
    assertEquals(List.of(before), accounts.operatorActionsAfter(0));
    OperatorAction after =
        accounts.recordOperatorAction(OperatorAction.ENABLE_USER, "bob", List.of(), 6L);
    assertTrue(after.id() > before.id(), "ids keep increasing across a restart");
  }
}
