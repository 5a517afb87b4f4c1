package chat.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AccountStore} must do: users, token hashes, rooms, memberships and read
 * markers, each method atomic. The account and room administration of issue 13 (status,
 * deletion, blocks, bans, roles, directory, operator actions) is in
 * {@link AccountAdminContract}, which this extends; the fixture is {@link AccountStoreFixture}.
 */
public abstract class AccountStoreContract extends AccountAdminContract {

  // Users

  /** A name can be taken once; the first password hash stays. */
  @Test
  void createUserOncePerName() {
    assertFalse(accounts.userExists("alice"));
    assertTrue(accounts.createUser("alice", "hash-1", 10L));
    assertFalse(accounts.createUser("alice", "hash-2", 20L));
    assertTrue(accounts.userExists("alice"));
    assertEquals(Optional.of("hash-1"), accounts.passwordHash("alice"));
  }

  /** Unknown users have no hash and do not exist; users do not leak into each other. */
  @Test
  void unknownUserHasNothing() {
    accounts.createUser("alice", "hash-a", 1L);
    accounts.createUser("bob", "hash-b", 1L);
    assertEquals(Optional.empty(), accounts.passwordHash("carol"));
    assertFalse(accounts.userExists("carol"));
    assertEquals(Optional.of("hash-b"), accounts.passwordHash("bob"));
  }

  /** Racing registrations of one name: exactly one wins. */
  @Test
  void concurrentCreateUserHasOneWinner() throws Exception {
    List<Boolean> results = concurrently(8, () -> accounts.createUser("alice", "h", 1L));
    assertEquals(1, results.stream().filter(Boolean::booleanValue).count());
  }

  // Tokens

  /** A saved token comes back whole; an expired one too (the caller checks expiry). */
  @Test
  void tokensAreKeptWithTheirExpiry() {
    accounts.createUser("alice", "h", 1L);
    TokenRecord live = new TokenRecord("hash-live", "alice", Long.MAX_VALUE - 1);
    TokenRecord expired = new TokenRecord("hash-expired", "alice", 5L);
    accounts.saveToken(live);
    accounts.saveToken(expired);
    assertEquals(Optional.of(live), accounts.token("hash-live"));
    assertEquals(Optional.of(expired), accounts.token("hash-expired"));
    assertEquals(Optional.empty(), accounts.token("hash-unknown"));
  }

  /** Revoking removes one token and leaves the others; revoking an unknown one is harmless. */
  @Test
  void revokeRemovesOnlyThatToken() {
    accounts.createUser("alice", "h", 1L);
    accounts.saveToken(new TokenRecord("t1", "alice", 100L));
    accounts.saveToken(new TokenRecord("t2", "alice", 200L));
    accounts.revokeToken("t1");
    accounts.revokeToken("t1");
    accounts.revokeToken("never-saved");
    assertEquals(Optional.empty(), accounts.token("t1"));
    assertEquals(Optional.of(new TokenRecord("t2", "alice", 200L)), accounts.token("t2"));
  }

  // Rooms

  /** A room name can be taken once; the first room's settings stay. */
  @Test
  void createRoomOncePerName() {
    Room room = new Room("general", "chat about anything", false, 123L);
    assertTrue(accounts.createRoom(room, "alice"));
    assertFalse(accounts.createRoom(new Room("general", "other", true, 456L), "bob"));
    assertEquals(Optional.of(room), accounts.room("general"));
    assertEquals(Optional.empty(), accounts.room("nowhere"));
  }

  /** A private room's settings round-trip too. */
  @Test
  void privateRoomKeepsItsSettings() {
    assertTrue(accounts.createRoom(privateRoom("hidden"), "alice"));
    assertEquals(Optional.of(privateRoom("hidden")), accounts.room("hidden"));
  }

  /** The creator is the room's owner and first member; a refused creation adds nobody. */
  @Test
  void ownerIsTheFirstMember() {
    accounts.createRoom(publicRoom("general"), "alice");
    accounts.createRoom(publicRoom("general"), "bob");
    assertEquals(List.of(new Membership("general", "alice", Role.OWNER)),
        accounts.members("general"));
    assertEquals(Optional.of(Role.OWNER), accounts.role("general", "alice"));
    assertEquals(Optional.empty(), accounts.role("general", "bob"));
    assertEquals(1, accounts.memberCount("general"));
  }

  /** Racing creations of one room: exactly one wins, and it has exactly one owner. */
  @Test
  void concurrentCreateRoomHasOneWinner() throws Exception {
    List<Boolean> results = concurrently(8, () -> accounts.createRoom(
        publicRoom("general"), Thread.currentThread().getName()));
    assertEquals(1, results.stream().filter(Boolean::booleanValue).count());
    assertEquals(1, accounts.memberCount("general"));
  }

  /** Everyone sees public rooms; a private room only its members; sorted by name. */
  @Test
  void visibleRoomsArePublicOnesAndOwnPrivateOnes() {
    accounts.createRoom(publicRoom("zebra"), "alice");
    accounts.createRoom(privateRoom("secret"), "alice");
    accounts.createRoom(publicRoom("apple"), "bob");
    accounts.createRoom(privateRoom("bobs"), "bob");
    accounts.addMember("secret", "carol", Role.MEMBER);

    assertEquals(List.of("apple", "secret", "zebra"), names(accounts.visibleRooms("alice")));
    assertEquals(List.of("apple", "bobs", "zebra"), names(accounts.visibleRooms("bob")));
    assertEquals(List.of("apple", "secret", "zebra"), names(accounts.visibleRooms("carol")));
    assertEquals(List.of("apple", "zebra"), names(accounts.visibleRooms("dave")));
    assertEquals(privateRoom("secret"), accounts.visibleRooms("alice").get(1));

    accounts.removeMember("secret", "carol");
    assertEquals(List.of("apple", "zebra"), names(accounts.visibleRooms("carol")));
  }

  // Memberships

  /** Adding a member once succeeds; again is refused and keeps the first role. */
  @Test
  void addMemberOnce() {
    accounts.createRoom(publicRoom("general"), "alice");
    assertTrue(accounts.addMember("general", "bob", Role.MEMBER));
    assertFalse(accounts.addMember("general", "bob", Role.OWNER));
    assertFalse(accounts.addMember("general", "alice", Role.MEMBER));
    assertEquals(Optional.of(Role.MEMBER), accounts.role("general", "bob"));
    assertEquals(Optional.of(Role.OWNER), accounts.role("general", "alice"));
    assertEquals(2, accounts.memberCount("general"));
  }

  /** A second owner can be added with its role. */
  @Test
  void rolesAreKeptPerMember() {
    accounts.createRoom(publicRoom("general"), "alice");
    accounts.addMember("general", "bob", Role.OWNER);
    accounts.addMember("general", "carol", Role.MEMBER);
    assertEquals(List.of(new Membership("general", "alice", Role.OWNER),
        new Membership("general", "bob", Role.OWNER),
        new Membership("general", "carol", Role.MEMBER)), accounts.members("general"));
  }

  /** Adding to a room that does not exist is a caller mistake. */
  @Test
  void addMemberToUnknownRoomThrows() {
    assertThrows(IllegalArgumentException.class,
        () -> accounts.addMember("nowhere", "bob", Role.MEMBER));
    assertEquals(List.of(), accounts.members("nowhere"));
  }

  /** Removing works once; unknown members and rooms give false. */
  @Test
  void removeMemberOnce() {
    accounts.createRoom(publicRoom("general"), "alice");
    accounts.addMember("general", "bob", Role.MEMBER);
    assertTrue(accounts.removeMember("general", "bob"));
    assertFalse(accounts.removeMember("general", "bob"));
    assertFalse(accounts.removeMember("general", "carol"));
    assertFalse(accounts.removeMember("nowhere", "bob"));
    assertEquals(Optional.empty(), accounts.role("general", "bob"));
    assertEquals(1, accounts.memberCount("general"));
  }

  /** Members are listed in the order they joined, not by name; rejoining goes to the end. */
  @Test
  void membersAreInJoinOrder() {
    accounts.createRoom(publicRoom("general"), "mike");
    accounts.addMember("general", "zoe", Role.MEMBER);
    accounts.addMember("general", "adam", Role.MEMBER);
    accounts.addMember("general", "lisa", Role.MEMBER);
    assertEquals(List.of("mike", "zoe", "adam", "lisa"), memberNames("general"));

    accounts.removeMember("general", "zoe");
    accounts.addMember("general", "zoe", Role.MEMBER);
    assertEquals(List.of("mike", "adam", "lisa", "zoe"), memberNames("general"));

    accounts.removeMember("general", "zoe"); // the last one leaves, then someone joins
    accounts.addMember("general", "bea", Role.MEMBER);
    assertEquals(List.of("mike", "adam", "lisa", "bea"), memberNames("general"));
  }

  /** Unknown rooms have no members, count 0 and no roles. */
  @Test
  void unknownRoomHasNoMembers() {
    assertEquals(List.of(), accounts.members("nowhere"));
    assertEquals(0, accounts.memberCount("nowhere"));
    assertEquals(Optional.empty(), accounts.role("nowhere", "alice"));
  }

  /** Memberships of one room do not leak into another. */
  @Test
  void membershipsArePerRoom() {
    accounts.createRoom(publicRoom("one"), "alice");
    accounts.createRoom(publicRoom("two"), "bob");
    accounts.addMember("one", "carol", Role.MEMBER);
    assertEquals(List.of("alice", "carol"), memberNames("one"));
    assertEquals(List.of("bob"), memberNames("two"));
    assertEquals(Optional.empty(), accounts.role("two", "carol"));
  }

  /** Many users joining at once: each add succeeds once and the count is exact. */
  @Test
  void concurrentJoinsAreAllCounted() throws Exception {
    accounts.createRoom(publicRoom("general"), "owner");
    List<Boolean> results = concurrently(8, () -> {
      boolean all = true;
      for (int i = 0; i < 20; i++) {
        all &= accounts.addMember("general", Thread.currentThread().getName() + "-" + i,
            Role.MEMBER);
      }
      return all;
    });
    assertTrue(results.stream().allMatch(Boolean::booleanValue));
    assertEquals(1 + 8 * 20, accounts.memberCount("general"));
    assertEquals(1 + 8 * 20, accounts.members("general").size());
  }

  /**
   * Members and roles read while they change (as the fan-out reads them for every message)
   * always catch up: after each change, the next read shows it. A store that keeps rosters in
   * memory must not keep one read before a change it has not seen.
   */
  @Test
  void membersFollowChangesMadeWhileTheyAreRead() throws Exception {
    accounts.createRoom(publicRoom("general"), "owner");
    int changes = 200;
    CountDownLatch done = new CountDownLatch(1);
    CountDownLatch reading = new CountDownLatch(2);
    ExecutorService readers = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> reads = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        reads.add(readers.submit(() -> {
          int n = 0;
          reading.countDown();
          do {
            accounts.members("general");
            accounts.role("general", "u" + (n % changes));
            n++;
          } while (done.getCount() > 0);
          return n;
        }));
      }
      // The changes start once both readers run, so they really overlap (a fast store could
      // otherwise finish all changes before a reader's first read).
      assertTrue(reading.await(10, TimeUnit.SECONDS));
      for (int i = 0; i < changes; i++) {
        String user = "u" + i;
        assertTrue(accounts.addMember("general", user, Role.MEMBER));
        assertEquals(Optional.of(Role.MEMBER), accounts.role("general", user), user);
        assertTrue(memberNames("general").contains(user), user);
        if (i % 2 == 1) {
          assertTrue(accounts.removeMember("general", user));
          assertEquals(Optional.empty(), accounts.role("general", user), user);
          assertFalse(memberNames("general").contains(user), user);
        }
      }
      done.countDown();
      for (Future<Integer> f : reads) {
        assertTrue(f.get(10, TimeUnit.SECONDS) > 0);
      }
    } finally {
      done.countDown();
      readers.shutdownNow();
    }
    assertEquals(1 + changes / 2, accounts.members("general").size());
    assertEquals(1 + changes / 2, accounts.memberCount("general"));
  }

  /** roomsOf lists the user's rooms by name, whatever the join order. */
  @Test
  void roomsOfIsSorted() {
    accounts.createRoom(publicRoom("zeta"), "alice");
    accounts.createRoom(publicRoom("alpha"), "bob");
    accounts.createRoom(privateRoom("mid"), "alice");
    accounts.addMember("alpha", "alice", Role.MEMBER);
    assertEquals(List.of("alpha", "mid", "zeta"), accounts.roomsOf("alice"));
    assertEquals(List.of("alpha"), accounts.roomsOf("bob"));
    assertEquals(List.of(), accounts.roomsOf("carol"));

    accounts.removeMember("mid", "alice");
    assertEquals(List.of("alpha", "zeta"), accounts.roomsOf("alice"));
  }

  // Read markers

  /** A marker starts at 0 and only moves forward; the answer says whether it moved. */
  @Test
  void readMarkerOnlyMovesForward() {
    assertEquals(0, accounts.readMarker("alice", GENERAL));
    assertFalse(accounts.advanceReadMarker("alice", GENERAL, 0));
    assertTrue(accounts.advanceReadMarker("alice", GENERAL, 5));
    assertFalse(accounts.advanceReadMarker("alice", GENERAL, 3));
    assertFalse(accounts.advanceReadMarker("alice", GENERAL, 5));
    assertEquals(5, accounts.readMarker("alice", GENERAL));
    assertTrue(accounts.advanceReadMarker("alice", GENERAL, 6));
    assertEquals(6, accounts.readMarker("alice", GENERAL));
  }

  /** Markers are per user and per conversation; readMarkers lists all of one user's. */
  @Test
  void readMarkersArePerUserAndConversation() {
    assertEquals(Map.of(), accounts.readMarkers("alice"));
    accounts.advanceReadMarker("alice", GENERAL, 4);
    accounts.advanceReadMarker("alice", ALICE_BOB, 9);
    accounts.advanceReadMarker("bob", ALICE_BOB, 2);
    assertEquals(Map.of(GENERAL, 4L, ALICE_BOB, 9L), accounts.readMarkers("alice"));
    assertEquals(Map.of(ALICE_BOB, 2L), accounts.readMarkers("bob"));
    assertEquals(0, accounts.readMarker("bob", GENERAL));
    assertEquals(Map.of(), accounts.readMarkers("carol"));
  }

  /**
   * A room created again under a deleted room's name starts with no read markers, even one
   * written after the deletion (a move queued before it, or checked just before it).
   */
  @Test
  void aRoomCreatedAgainStartsWithNoReadMarkers() {
    accounts.createRoom(publicRoom("general"), "alice");
    accounts.advanceReadMarker("bob", GENERAL, 4);
    accounts.deleteRoom("general");
    accounts.advanceReadMarker("bob", GENERAL, 7); // late: the room is gone

    assertTrue(accounts.createRoom(publicRoom("general"), "carol"));

    assertEquals(0, accounts.readMarker("bob", GENERAL));
    assertEquals(Map.of(), accounts.readMarkers("bob"));
    assertTrue(accounts.advanceReadMarker("bob", GENERAL, 1), "the new room's marker moves");
  }

  /** Racing advances end at the highest seq, and exactly the moves that raised it say so. */
  @Test
  void concurrentAdvancesKeepTheMaximum() throws Exception {
    List<Integer> moves = concurrently(8, () -> {
      int moved = 0;
      for (long seq = 1; seq <= 50; seq++) {
        if (accounts.advanceReadMarker("alice", GENERAL, seq)) {
          moved++;
        }
      }
      return moved;
    });
    assertEquals(50, accounts.readMarker("alice", GENERAL));
    assertEquals(50, moves.stream().mapToInt(Integer::intValue).sum(),
        "each seq 1..50 was a move for exactly one thread");
  }

  private HeardMove move(String user, ConvId conv, long seq) {
    HeardMove heard = new HeardMove();
    accounts.advanceReadMarker(user, conv, seq, heard);
    return heard;
  }

  /**
   * A queued move (stores may write it later, with others): read back at once, and its listener
   * hears whether it raised the marker once it is stored.
   */
  @Test
  void aQueuedMoveIsReadBackAtOnceAndHeardOnceStored() throws Exception {
    HeardMove first = move("alice", GENERAL, 4);
    assertEquals(4, accounts.readMarker("alice", GENERAL), "counted before it is stored");
    assertEquals(Map.of(GENERAL, 4L), accounts.readMarkers("alice"));
    assertTrue(first.moved());
    HeardMove lower = move("alice", GENERAL, 2);
    HeardMove same = move("alice", GENERAL, 4);
    HeardMove zero = move("alice", GENERAL, 0);
    assertFalse(lower.moved());
    assertFalse(same.moved());
    assertFalse(zero.moved());
    assertEquals(4, accounts.readMarker("alice", GENERAL));
    assertTrue(move("alice", GENERAL, 6).moved());
    assertFalse(accounts.advanceReadMarker("alice", GENERAL, 6), "stored: a direct move sees it");
    assertEquals(Map.of(GENERAL, 6L), accounts.readMarkers("alice"));
    assertEquals(Map.of(), accounts.readMarkers("bob"));
  }

  /**
   * Racing queued moves end at the highest seq, every listener hears, and of the moves to the
   * highest seq exactly one says it raised the marker there.
   */
  @Test
  void racingQueuedMovesEndAtTheHighestAndOneSaysItRaisedIt() throws Exception {
    List<List<HeardMove>> all = concurrently(8, () -> {
      List<HeardMove> mine = new ArrayList<>();
      for (long seq = 1; seq <= 50; seq++) {
        mine.add(move("alice", GENERAL, seq));
      }
      return mine;
    });
    int movedTo50 = 0;
    for (List<HeardMove> mine : all) {
      for (int i = 0; i < mine.size(); i++) {
        boolean moved = mine.get(i).moved(); // every listener hears
        if (i == 49 && moved) {
          movedTo50++;
        }
      }
    }
    assertEquals(1, movedTo50);
    assertEquals(50, accounts.readMarker("alice", GENERAL));
  }

  // Durability (skipped by stores that keep nothing)

  /** Everything survives a restart: users, tokens, rooms, members in order, roles, markers. */
  @Test
  void everythingSurvivesReopen() throws Exception {
    accounts.createUser("alice", "hash-a", 11L);
    accounts.createUser("bob", "hash-b", 12L);
    accounts.saveToken(new TokenRecord("t-live", "alice", 99L));
    accounts.saveToken(new TokenRecord("t-revoked", "alice", 99L));
    accounts.revokeToken("t-revoked");
    accounts.createRoom(privateRoom("secret"), "bob");
    accounts.createRoom(publicRoom("general"), "alice");
    accounts.addMember("general", "zed", Role.MEMBER);
    accounts.addMember("general", "bob", Role.OWNER);
    accounts.advanceReadMarker("alice", ALICE_BOB, 7);

    accounts = reopenAccountStore();

    assertEquals(Optional.of("hash-a"), accounts.passwordHash("alice"));
    assertFalse(accounts.createUser("bob", "other", 1L));
    assertEquals(Optional.of(new TokenRecord("t-live", "alice", 99L)), accounts.token("t-live"));
    assertEquals(Optional.empty(), accounts.token("t-revoked"));
    assertEquals(Optional.of(privateRoom("secret")), accounts.room("secret"));
    assertEquals(List.of(new Membership("general", "alice", Role.OWNER),
        new Membership("general", "zed", Role.MEMBER),
        new Membership("general", "bob", Role.OWNER)), accounts.members("general"));
    assertEquals(List.of("general", "secret"), accounts.roomsOf("bob"));
    assertEquals(List.of("general"), names(accounts.visibleRooms("alice")));
    assertEquals(Map.of(ALICE_BOB, 7L), accounts.readMarkers("alice"));
    assertFalse(accounts.advanceReadMarker("alice", ALICE_BOB, 7));
  }

  /** A queued move not yet heard of when the store closes is stored before it closes. */
  @Test
  void aQueuedMoveIsStoredBeforeTheStoreCloses() throws Exception {
    HeardMove queued = move("alice", ALICE_BOB, 7);
    accounts = reopenAccountStore();
    assertTrue(queued.moved());
    assertEquals(7, accounts.readMarker("alice", ALICE_BOB));
    assertFalse(accounts.advanceReadMarker("alice", ALICE_BOB, 7));
  }
}
