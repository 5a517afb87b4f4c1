package chat.core.memory;

import chat.core.store.Account;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.Membership;
import chat.core.store.OperatorAction;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.core.store.RoomExit;
import chat.core.store.RoomQuery;
import chat.core.store.TokenRecord;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Accounts, rooms and markers in memory, guarded by this object's lock. */
final class InMemoryAccountStore implements AccountStore {
  // All guarded by this.
  private final Map<String, Account> accounts = new TreeMap<>();
  private final Map<String, TokenRecord> tokens = new HashMap<>();
  private final TreeMap<String, Room> rooms = new TreeMap<>();
  private final Map<String, LinkedHashMap<String, Role>> members = new HashMap<>();
  /** Room names by member: answers {@link #roomsOf} without visiting every room. */
  private final Map<String, TreeSet<String>> roomsByUser = new HashMap<>();
  private final Map<String, TreeSet<String>> bans = new HashMap<>();
  private static final TreeSet<String> NO_BANS = new TreeSet<>();
  private final Map<String, TreeSet<String>> blocks = new HashMap<>();
  private final Map<String, Map<ConvId, Long>> readMarkers = new HashMap<>();
  private final List<OperatorAction> operatorActions = new ArrayList<>();
  /** {@link #members} answers, built once per membership change: every room message asks. */
  private final Map<String, List<Membership>> memberLists = new HashMap<>();

  @Inject
  InMemoryAccountStore() {}

  // Users

  @Override
  public synchronized boolean createUser(String user, String passwordHash, long createdAt) {
    return accounts.putIfAbsent(user,
        new Account(user, passwordHash, createdAt, Account.Status.ACTIVE)) == null;
  }

  @Override
  public synchronized Optional<String> passwordHash(String user) {
    Account a = accounts.get(user);
    return a == null || a.isDeleted() ? Optional.empty() : Optional.of(a.passwordHash());
  }

  @Override
  public synchronized boolean userExists(String user) {
    return accounts.containsKey(user);
  }

  @Override
  public synchronized Optional<Account> account(String user) {
    return Optional.ofNullable(accounts.get(user));
  }

  @Override
  public synchronized List<Account> accounts() {
    return List.copyOf(accounts.values());
  }

  @Override
  public synchronized boolean setPasswordHash(String user, String passwordHash) {
    Account a = accounts.get(user);
    if (a == null || a.isDeleted()) {
      return false;
    }
    accounts.put(user, new Account(user, passwordHash, a.createdAt(), a.status()));
    return true;
  }

  @Override
  public synchronized boolean setStatus(String user, Account.Status status) {
    if (status == Account.Status.DELETED) {
      throw new IllegalArgumentException("use deleteAccount");
    }
    Account a = accounts.get(user);
    if (a == null || a.isDeleted()) {
      return false;
    }
    accounts.put(user, new Account(user, a.passwordHash(), a.createdAt(), status));
    return true;
  }

  @Override
  public synchronized Optional<List<RoomExit>> deleteAccount(String user) {
    Account a = accounts.get(user);
    if (a == null || a.isDeleted()) {
      return Optional.empty();
    }
    accounts.put(user, new Account(user, "", a.createdAt(), Account.Status.DELETED));
    revokeTokens(user, null);
    blocks.remove(user);
    List<RoomExit> exits = new ArrayList<>();
    for (String room : List.copyOf(roomsByUser.getOrDefault(user, new TreeSet<>()))) {
      LinkedHashMap<String, Role> roomMembers = members.get(room);
      Role role = roomMembers.get(user);
      dropMember(room, user);
      if (role != Role.OWNER) {
        exits.add(new RoomExit(room, null, false));
      } else if (roomMembers.isEmpty()) {
        deleteRoom(room);
        exits.add(new RoomExit(room, null, true));
      } else {
        String heir = roomMembers.keySet().iterator().next(); // the longest-standing member
        roomMembers.put(heir, Role.OWNER);
        memberLists.remove(room);
        exits.add(new RoomExit(room, heir, false));
      }
    }
    return Optional.of(exits);
  }

  // Tokens

  @Override
  public synchronized void saveToken(TokenRecord token) {
    tokens.put(token.tokenHash(), token);
  }

  @Override
  public synchronized Optional<TokenRecord> token(String tokenHash) {
    return Optional.ofNullable(tokens.get(tokenHash));
  }

  @Override
  public synchronized void revokeToken(String tokenHash) {
    tokens.remove(tokenHash);
  }

  @Override
  public synchronized int revokeTokens(String user, String keep) {
    int revoked = 0;
    for (Iterator<TokenRecord> it = tokens.values().iterator(); it.hasNext(); ) {
      TokenRecord t = it.next();
      if (t.user().equals(user) && !t.tokenHash().equals(keep)) {
        it.remove();
        revoked++;
      }
    }
    return revoked;
  }

  // Blocks

  @Override
  public synchronized boolean block(String user, String target) {
    return blocks.computeIfAbsent(user, u -> new TreeSet<>()).add(target);
  }

  @Override
  public synchronized boolean unblock(String user, String target) {
    Set<String> blocked = blocks.get(user);
    return blocked != null && blocked.remove(target);
  }

  @Override
  public synchronized boolean hasBlocked(String user, String target) {
    Set<String> blocked = blocks.get(user);
    return blocked != null && blocked.contains(target);
  }

  @Override
  public synchronized List<String> blockedBy(String user) {
    Set<String> blocked = blocks.get(user);
    return blocked == null ? List.of() : List.copyOf(blocked);
  }

  // Rooms and memberships

  @Override
  public synchronized boolean createRoom(Room room, String owner) {
    if (rooms.putIfAbsent(room.name(), room) != null) {
      return false;
    }
    members.put(room.name(), new LinkedHashMap<>());
    putMember(room.name(), owner, Role.OWNER);
    // A marker written after a room of this name was deleted (checked just before) is not the
    // new room's.
    forgetReadMarkers(ConvId.room(room.name()));
    return true;
  }

  @Override
  public synchronized Optional<Room> room(String name) {
    return Optional.ofNullable(rooms.get(name));
  }

  @Override
  public synchronized List<Room> visibleRooms(String user) {
    return directory(user, null, null, Integer.MAX_VALUE);
  }

  @Override
  public synchronized List<Room> directory(String user, RoomQuery query, String after, int limit) {
    List<Room> page = new ArrayList<>();
    Map<String, Room> from = after == null ? rooms : rooms.tailMap(after, false);
    for (Room room : from.values()) {
      if (page.size() >= limit) {
        break;
      }
      if ((!room.isPrivate() || members.get(room.name()).containsKey(user))
          && (query == null || query.matches(room))) {
        page.add(room);
      }
    }
    return page;
  }

  @Override
  public synchronized List<Room> rooms() {
    return List.copyOf(rooms.values());
  }

  @Override
  public synchronized boolean setTopic(String room, String topic) {
    Room r = rooms.get(room);
    if (r == null) {
      return false;
    }
    rooms.put(room, new Room(room, topic, r.isPrivate(), r.createdAt()));
    return true;
  }

  @Override
  public synchronized Optional<List<Membership>> deleteRoom(String room) {
    if (rooms.remove(room) == null) {
      return Optional.empty();
    }
    List<Membership> had = members(room);
    for (Membership m : had) {
      TreeSet<String> of = roomsByUser.get(m.user());
      if (of != null) {
        of.remove(room);
      }
    }
    members.remove(room);
    memberLists.remove(room);
    bans.remove(room);
    forgetReadMarkers(ConvId.room(room));
    return Optional.of(had);
  }

  /** Every user's marker of {@code conv}; the caller holds this store's lock. */
  private void forgetReadMarkers(ConvId conv) {
    for (Map<ConvId, Long> markers : readMarkers.values()) {
      markers.remove(conv);
    }
  }

  @Override
  public synchronized int roomsOwnedBy(String user) {
    int owned = 0;
    for (String room : roomsByUser.getOrDefault(user, new TreeSet<>())) {
      if (members.get(room).get(user) == Role.OWNER) {
        owned++;
      }
    }
    return owned;
  }

  @Override
  public synchronized boolean addMember(String room, String user, Role role) {
    Map<String, Role> roomMembers = members.get(room);
    if (roomMembers == null) {
      throw new IllegalArgumentException("no such room: " + room);
    }
    if (roomMembers.containsKey(user) || bans.getOrDefault(room, NO_BANS).contains(user)) {
      return false;
    }
    putMember(room, user, role);
    return true;
  }

  private void putMember(String room, String user, Role role) {
    members.get(room).put(user, role);
    roomsByUser.computeIfAbsent(user, u -> new TreeSet<>()).add(room);
    memberLists.remove(room);
  }

  @Override
  public synchronized boolean removeMember(String room, String user) {
    return dropMember(room, user);
  }

  private boolean dropMember(String room, String user) {
    Map<String, Role> roomMembers = members.get(room);
    if (roomMembers == null || roomMembers.remove(user) == null) {
      return false;
    }
    TreeSet<String> of = roomsByUser.get(user);
    if (of != null) {
      of.remove(room);
      if (of.isEmpty()) {
        roomsByUser.remove(user);
      }
    }
    memberLists.remove(room);
    return true;
  }

  @Override
  public synchronized boolean setRole(String room, String user, Role role) {
    if (role == Role.OWNER) {
      throw new IllegalArgumentException("use transferOwnership");
    }
    Map<String, Role> roomMembers = members.get(room);
    if (roomMembers == null || roomMembers.get(user) == null
        || roomMembers.get(user) == Role.OWNER) {
      return false;
    }
    roomMembers.put(user, role);
    memberLists.remove(room);
    return true;
  }

  @Override
  public synchronized boolean transferOwnership(String room, String from, String to) {
    Map<String, Role> roomMembers = members.get(room);
    if (roomMembers == null || roomMembers.get(from) != Role.OWNER
        || !roomMembers.containsKey(to) || from.equals(to)) {
      return false;
    }
    roomMembers.put(from, Role.MODERATOR);
    roomMembers.put(to, Role.OWNER);
    memberLists.remove(room);
    return true;
  }

  @Override
  public synchronized Optional<Role> role(String room, String user) {
    Map<String, Role> roomMembers = members.get(room);
    return roomMembers == null ? Optional.empty() : Optional.ofNullable(roomMembers.get(user));
  }

  @Override
  public synchronized List<Membership> members(String room) {
    Map<String, Role> roomMembers = members.get(room);
    if (roomMembers == null) {
      return List.of();
    }
    return memberLists.computeIfAbsent(room, r -> {
      List<Membership> list = new ArrayList<>(roomMembers.size());
      roomMembers.forEach((user, role) -> list.add(new Membership(r, user, role)));
      return List.copyOf(list);
    });
  }

  @Override
  public synchronized int memberCount(String room) {
    Map<String, Role> roomMembers = members.get(room);
    return roomMembers == null ? 0 : roomMembers.size();
  }

  @Override
  public synchronized List<String> roomsOf(String user) {
    TreeSet<String> of = roomsByUser.get(user);
    return of == null ? List.of() : List.copyOf(of);
  }

  // Bans

  @Override
  public synchronized boolean ban(String room, String user) {
    if (!rooms.containsKey(room)) {
      throw new IllegalArgumentException("no such room: " + room);
    }
    dropMember(room, user);
    return bans.computeIfAbsent(room, r -> new TreeSet<>()).add(user);
  }

  @Override
  public synchronized boolean unban(String room, String user) {
    Set<String> banned = bans.get(room);
    return banned != null && banned.remove(user);
  }

  @Override
  public synchronized boolean isBanned(String room, String user) {
    Set<String> banned = bans.get(room);
    return banned != null && banned.contains(user);
  }

  @Override
  public synchronized List<String> bans(String room) {
    Set<String> banned = bans.get(room);
    return banned == null ? List.of() : List.copyOf(banned);
  }

  // Read markers

  @Override
  public synchronized boolean advanceReadMarker(String user, ConvId conv, long seq) {
    Map<ConvId, Long> markers = readMarkers.computeIfAbsent(user, u -> new HashMap<>());
    long current = markers.getOrDefault(conv, 0L);
    if (seq <= current) {
      return false;
    }
    markers.put(conv, seq);
    return true;
  }

  @Override
  public synchronized long readMarker(String user, ConvId conv) {
    Map<ConvId, Long> markers = readMarkers.get(user);
    return markers == null ? 0 : markers.getOrDefault(conv, 0L);
  }

  @Override
  public synchronized Map<ConvId, Long> readMarkers(String user) {
    Map<ConvId, Long> markers = readMarkers.get(user);
    return markers == null ? Map.of() : Map.copyOf(markers);
  }

  // Operator actions

  @Override
  public synchronized OperatorAction recordOperatorAction(String action, String subject,
      List<String> members, long at) {
    OperatorAction recorded =
        new OperatorAction(operatorActions.size() + 1, action, subject, members, at);
    operatorActions.add(recorded);
    return recorded;
  }

  @Override
  public synchronized List<OperatorAction> operatorActionsAfter(long afterId) {
    int from = (int) Math.min(Math.max(afterId, 0), operatorActions.size());
    return List.copyOf(operatorActions.subList(from, operatorActions.size()));
  }
}
