package chat.core.memory;

import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.Membership;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.core.store.TokenRecord;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Accounts, rooms and markers in memory, guarded by this object's lock. */
final class InMemoryAccountStore implements AccountStore {
  // All guarded by this.
  private final Map<String, String> passwordHashes = new HashMap<>();
  private final Map<String, TokenRecord> tokens = new HashMap<>();
  private final Map<String, Room> rooms = new TreeMap<>();
  private final Map<String, LinkedHashMap<String, Role>> members = new HashMap<>();
  private final Map<String, Map<ConvId, Long>> readMarkers = new HashMap<>();
  /** {@link #members} answers, built once per membership change: every room message asks. */
  private final Map<String, List<Membership>> memberLists = new HashMap<>();

  @Inject
  InMemoryAccountStore() {}

  @Override
  public synchronized boolean createUser(String user, String passwordHash, long createdAt) {
    return passwordHashes.putIfAbsent(user, passwordHash) == null;
  }

  @Override
  public synchronized Optional<String> passwordHash(String user) {
    return Optional.ofNullable(passwordHashes.get(user));
  }

  @Override
  public synchronized boolean userExists(String user) {
    return passwordHashes.containsKey(user);
  }

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
  public synchronized boolean createRoom(Room room, String owner) {
    if (rooms.putIfAbsent(room.name(), room) != null) {
      return false;
    }
    LinkedHashMap<String, Role> roomMembers = new LinkedHashMap<>();
    roomMembers.put(owner, Role.OWNER);
    members.put(room.name(), roomMembers);
    return true;
  }

  @Override
  public synchronized Optional<Room> room(String name) {
    return Optional.ofNullable(rooms.get(name));
  }

  @Override
  public synchronized List<Room> visibleRooms(String user) {
    List<Room> visible = new ArrayList<>();
    for (Room room : rooms.values()) {
      if (!room.isPrivate() || members.get(room.name()).containsKey(user)) {
        visible.add(room);
      }
    }
    return visible;
  }

  @Override
  public synchronized boolean addMember(String room, String user, Role role) {
    Map<String, Role> roomMembers = members.get(room);
    if (roomMembers == null) {
      throw new IllegalArgumentException("no such room: " + room);
    }
    if (roomMembers.putIfAbsent(user, role) != null) {
      return false;
    }
    memberLists.remove(room);
    return true;
  }

  @Override
  public synchronized boolean removeMember(String room, String user) {
    Map<String, Role> roomMembers = members.get(room);
    if (roomMembers == null || roomMembers.remove(user) == null) {
      return false;
    }
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
    List<String> list = new ArrayList<>();
    for (Map.Entry<String, LinkedHashMap<String, Role>> e : new TreeMap<>(members).entrySet()) {
      if (e.getValue().containsKey(user)) {
        list.add(e.getKey());
      }
    }
    return list;
  }

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
}
