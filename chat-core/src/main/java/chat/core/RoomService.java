package chat.core;

import chat.core.cluster.Presence;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.Membership;
import chat.core.store.MessageStore;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.core.store.RoomExit;
import chat.core.store.RoomQuery;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Rooms: create, join, leave, invite, kick, the directory, members, and moderation (bans, roles,
 * topic, deletion).
 *
 * <p>Choices where PROTOCOL.md is silent: an invite makes the user a member at once (as in
 * most chat products), so the invited user may send without joining; inviting or joining twice,
 * and leaving or kicking a non-member, are ok and change nothing. Kicking from a public room
 * removes the member, who may join again; from a private room, only a new invite lets them back.
 *
 * <p>Ranks: owner above moderator above member. Kicking and banning need the owner or a
 * moderator, and a moderator may act only on plain members (and on non-members, for bans):
 * nobody can kick or ban the owner, and moderators cannot remove each other. A user may ban
 * someone who is not (yet) a member. Only the owner changes roles.
 */
@Singleton
final class RoomService {
  private final AccountStore accounts;
  private final MessageStore messages;
  private final Access access;
  private final Router router;
  private final Presence presence;
  private final ChatConfig config;
  private final Clock clock;
  private final LocalLimits limits;
  private final RequestBudget budget;
  private final RoomErasures erasures;
  private final Blocks blocks;

  @Inject
  RoomService(AccountStore accounts, MessageStore messages, Access access, Router router,
      Presence presence, ChatConfig config, Clock clock, LocalLimits limits,
      RequestBudget budget, RoomErasures erasures, Blocks blocks) {
    this.blocks = blocks;
    this.budget = budget;
    this.erasures = erasures;
    this.limits = limits;
    this.accounts = accounts;
    this.messages = messages;
    this.access = access;
    this.router = router;
    this.presence = presence;
    this.config = config;
    this.clock = clock;
  }

  Result.Created create(String user, Request.Create r) throws ChatException {
    String name = Access.roomName(r.room(), "room");
    checkTopic(r.topic());
    ChatConfig.Safety safety = config.safety();
    if (accounts.roomsOwnedBy(user) >= safety.maxRoomsPerUser()) {
      throw ChatException.forbidden("you own " + safety.maxRoomsPerUser()
          + " rooms, the most one user may; delete one or give it away first");
    }
    requireRoomForMembership(user, "you are");
    long waitMs = limits.tryTake("room-create", user, safety.roomCreatesPerHour() / 3600.0,
        safety.roomCreateBurst());
    ChatException.refuseIfWaiting(waitMs, "creating rooms too fast");
    Room room = new Room(name, r.topic(), r.isPrivate(), clock.millis());
    if (!erasures.create(name, () -> accounts.room(name).isPresent(),
        () -> accounts.createRoom(room, user))) {
      throw new ChatException(ErrorCode.CONFLICT, "room #" + name + " already exists");
    }
    router.joining(ConvId.room(name)); // its creator's node follows it from its first message
    router.rosterChanged(ConvId.room(name));
    return new Result.Created("#" + name);
  }

  /** A topic: at most {@code maxTopicChars}, one line, no control or bidi-override characters. */
  private void checkTopic(String topic) throws ChatException {
    if (topic.codePointCount(0, topic.length()) > config.maxTopicChars()) {
      throw ChatException.badRequest("topic: at most " + config.maxTopicChars() + " characters");
    }
    for (int i = 0; i < topic.length(); ) {
      int cp = topic.codePointAt(i);
      int type = Character.getType(cp);
      if (type == Character.CONTROL || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
          || type == Character.SURROGATE || (cp >= 0x202A && cp <= 0x202E)
          || (cp >= 0x2066 && cp <= 0x2069)) {
        throw ChatException.badRequest(String.format(
            "topic: character U+%04X is not allowed (control, line break or text direction)",
            cp));
      }
      i += Character.charCount(cp);
    }
  }

  Result.Joined join(String user, Request.Join r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    ConvId conv = ConvId.room(room.name());
    if (accounts.role(room.name(), user).isEmpty()) {
      if (accounts.isBanned(room.name(), user)) {
        throw ChatException.forbidden("you are banned from #" + room.name());
      }
      if (room.isPrivate()) {
        throw ChatException.forbidden("#" + room.name() + " is private: you need an invite");
      }
      requireRoomForMembership(user, "you are");
      takeJoin(user);
      router.joining(conv); // on this node, its messages are followed from here on
      if (accounts.addMember(room.name(), user, Role.MEMBER)) {
        announce(conv, user, "join", null);
      } else if (accounts.isBanned(room.name(), user)) {
        throw ChatException.forbidden("you are banned from #" + room.name()); // just now
      }
    }
    return new Result.Joined(conv.key(), room.topic(), messages.lastSeq(conv));
  }

  void leave(String user, Request.Leave r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    Role role = accounts.role(room.name(), user).orElse(null);
    if (role == Role.OWNER) {
      throw ChatException.forbidden("the owner cannot leave #" + room.name()
          + ": make another member the owner first, or delete the room");
    }
    if (role == null) {
      return; // not a member: nothing changes, nothing is told
    }
    takeJoin(user);
    if (accounts.removeMember(room.name(), user)) {
      announceDeparture(ConvId.room(room.name()), user, "leave");
    }
  }

  /**
   * A join or leave that changes the user's rooms is an event to every member of the room: one
   * user may make at most {@code joinsPerMinute} (joining a room one is in, or leaving one one is
   * not in, is free).
   */
  private void takeJoin(String user) throws ChatException {
    ChatConfig.UserLimits budget = config.userLimits();
    long waitMs = limits.tryTake("join", user, budget.joinsPerMinute() / 60.0, budget.joinBurst());
    ChatException.refuseIfWaiting(waitMs, "joining and leaving rooms too fast");
  }

  /**
   * Refuses a new membership of {@code user} beyond {@code maxMembershipsPerUser}: each room a
   * user is in is walked on every change of their presence, and is listed, followed and read on
   * every sign-in; and rooms' owners may invite anyone without asking.
   */
  private void requireRoomForMembership(String user, String subject) throws ChatException {
    int max = config.safety().maxMembershipsPerUser();
    if (accounts.roomsOf(user).size() >= max) {
      throw ChatException.forbidden(subject + " in " + max
          + " rooms, the most one user may be in; leave one first");
    }
  }

  /**
   * A change to a room by its owner or a moderator (invite, kick, ban, unban, role, topic, and
   * deleting others' messages) is an event to every member, and anyone may create a room and
   * invite others into it: one user may make at most {@code moderationPerMinute}. Asked only once
   * the request is allowed and valid.
   */
  void takeModeration(String user) throws ChatException {
    ChatConfig.UserLimits budget = config.userLimits();
    long waitMs = limits.tryTake("moderation", user, budget.moderationPerMinute() / 60.0,
        budget.moderationBurst());
    ChatException.refuseIfWaiting(waitMs, "moderating too fast");
  }

  void invite(String user, Request.Invite r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    requireModerator(user, room.name());
    String invitee = access.existingUser(r.user(), "user");
    if (accounts.isBanned(room.name(), invitee)) {
      throw ChatException.forbidden(invitee + " is banned from #" + room.name()
          + "; unban them first");
    }
    if (accounts.account(invitee).map(a -> a.isDeleted()).orElse(true)) {
      throw ChatException.notFound("no user " + invitee);
    }
    if (accounts.role(room.name(), invitee).isEmpty()) {
      requireRoomForMembership(invitee, invitee + " is");
    }
    takeModeration(user);
    if (accounts.addMember(room.name(), invitee, Role.MEMBER)) {
      announce(ConvId.room(room.name()), invitee, "invite", null);
    } else if (accounts.isBanned(room.name(), invitee)) {
      throw ChatException.forbidden(invitee + " is banned from #" + room.name()
          + "; unban them first"); // banned meanwhile
    }
  }

  void kick(String user, Request.Kick r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    Role actor = requireModerator(user, room.name());
    String target = access.existingUser(r.user(), "user");
    requireOutranks(actor, accounts.role(room.name(), target).orElse(null), target, room, "kick");
    takeModeration(user);
    if (accounts.removeMember(room.name(), target)) {
      announceDeparture(ConvId.room(room.name()), target, "kick");
    }
  }

  void ban(String user, Request.Ban r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    Role actor = requireModerator(user, room.name());
    String target = access.existingUser(r.user(), "user");
    requireOutranks(actor, accounts.role(room.name(), target).orElse(null), target, room, "ban");
    takeModeration(user);
    if (accounts.ban(room.name(), target)) {
      announceDeparture(ConvId.room(room.name()), target, "ban");
    }
  }

  void unban(String user, Request.Unban r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    requireModerator(user, room.name());
    String target = access.existingUser(r.user(), "user");
    takeModeration(user);
    if (accounts.unban(room.name(), target)) {
      // to the members and to the unbanned user, who is not one: as a departure is told
      announceDeparture(ConvId.room(room.name()), target, "unban");
    }
  }

  Result.Users bans(String user, Request.ListBans r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    requireModerator(user, room.name());
    List<String> bans = accounts.bans(room.name());
    budget.takeForListing(user, bans.size());
    return new Result.Users(bans);
  }

  void setRole(String user, Request.SetRole r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    Role wanted = Role.fromWire(r.role()).orElseThrow(
        () -> ChatException.badRequest("role: owner, moderator or member"));
    if (access.requireMember(user, room.name()) != Role.OWNER) {
      throw ChatException.forbidden("only the owner of #" + room.name() + " can change roles");
    }
    String target = access.existingUser(r.user(), "user");
    Role current = accounts.role(room.name(), target).orElseThrow(
        () -> ChatException.notFound(target + " is not a member of #" + room.name()));
    ConvId conv = ConvId.room(room.name());
    if (target.equals(user)) {
      if (wanted != Role.OWNER) {
        throw ChatException.forbidden("give ownership to another member instead");
      }
      return; // the owner already
    }
    takeModeration(user);
    if (wanted == Role.OWNER) {
      if (accounts.transferOwnership(room.name(), user, target)) {
        announce(conv, target, "role", Role.OWNER);
        announce(conv, user, "role", Role.MODERATOR);
      }
      return;
    }
    if (current != wanted && accounts.setRole(room.name(), target, wanted)) {
      announce(conv, target, "role", wanted);
    }
  }

  void setTopic(String user, Request.SetTopic r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    requireModerator(user, room.name());
    checkTopic(r.topic());
    takeModeration(user);
    if (accounts.setTopic(room.name(), r.topic())) {
      ConvId conv = ConvId.room(room.name());
      router.toParticipants(conv, name -> new Event.RoomChanged(name, r.topic()), null);
    }
  }

  void deleteRoom(String user, Request.DeleteRoom r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    if (access.requireMember(user, room.name()) != Role.OWNER) {
      throw ChatException.forbidden("only the owner of #" + room.name() + " can delete it");
    }
    List<Membership> members = erasures.remove(room.name(),
        () -> accounts.deleteRoom(room.name()).orElse(List.of()));
    deleted(room.name(), members.stream().map(Membership::user).toList());
  }

  /** After a room's deletion (its history erased or being erased): each member hears of it. */
  private void deleted(String room, List<String> members) {
    ConvId conv = ConvId.room(room);
    router.forget(conv);
    for (String member : members) {
      router.toUser(member, new Outbound(new Event.Member(conv.key(), member, "deleted")));
    }
  }

  /**
   * Tells each of a deleted room's members on this node that it is gone: an operator deleted it,
   * and every node reads the operator's actions itself.
   */
  void announceDeletedHere(String room, List<String> members) {
    ConvId conv = ConvId.room(room);
    router.forget(conv);
    for (String member : members) {
      router.toUserHere(member, new Outbound(new Event.Member(conv.key(), member, "deleted")),
          null);
    }
  }

  /** After an account's deletion: the rooms it left hear of it. */
  void announceExits(String user, List<RoomExit> exits) {
    for (RoomExit exit : exits) {
      ConvId conv = ConvId.room(exit.room());
      if (exit.roomDeleted()) {
        erasures.erasedUnlessCreatedAgain(exit.room(),
            () -> accounts.room(exit.room()).isPresent());
        deleted(exit.room(), List.of(user));
        continue;
      }
      announceDeparture(conv, user, "leave");
      if (exit.newOwner() != null) {
        announce(conv, exit.newOwner(), "role", Role.OWNER);
      }
    }
  }

  Result.Rooms list(String user, Request.ListRooms r) throws ChatException {
    int max = config.limits().historyMax();
    int limit = r.limit() == null ? max : Math.min(r.limit(), max);
    String after = null;
    if (r.after() != null && !r.after().isEmpty()) {
      after = Access.roomName(r.after(), "after");
    }
    if (r.query() != null && r.query().length() > 256) {
      throw ChatException.badRequest("query: at most 256 characters");
    }
    List<Room> page = accounts.directory(user, RoomQuery.parse(r.query()), after, limit + 1);
    boolean more = page.size() > limit;
    List<Result.RoomInfo> list = new ArrayList<>(Math.min(page.size(), limit));
    for (Room room : more ? page.subList(0, limit) : page) {
      list.add(new Result.RoomInfo("#" + room.name(), room.topic(), room.isPrivate(),
          accounts.memberCount(room.name()), accounts.role(room.name(), user).isPresent()));
    }
    return new Result.Rooms(list, more);
  }

  Result.Members members(String user, Request.Members r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    List<Membership> members = accounts.members(room.name());
    if (room.isPrivate() && members.stream().noneMatch(m -> m.user().equals(user))) {
      throw ChatException.forbidden("#" + room.name() + " is private");
    }
    budget.takeForListing(user, members.size()); // a large room's list costs more
    Set<String> online = presence.onlineAmong(members.stream().map(Membership::user).toList());
    List<Result.MemberInfo> list = new ArrayList<>(members.size());
    for (Membership m : members) {
      // Presence does not cross a block (PROTOCOL): such a member is listed, never online.
      boolean shown = online.contains(m.user()) && !blocks.between(user, m.user());
      list.add(new Result.MemberInfo(m.user(), m.role().wireName(), shown));
    }
    return new Result.Members(list);
  }

  private Role requireModerator(String user, String room) throws ChatException {
    Optional<Role> role = accounts.role(room, user);
    if (role.isEmpty() || !role.get().moderates()) {
      throw ChatException.forbidden("only the owner or a moderator of #" + room + " can do that");
    }
    return role.get();
  }

  /** The actor must rank above the target: the owner above all, moderators above members. */
  private static void requireOutranks(Role actor, Role target, String targetName, Room room,
      String what) throws ChatException {
    if (target == Role.OWNER) {
      throw ChatException.forbidden("nobody can " + what + " the owner of #" + room.name());
    }
    if (target == Role.MODERATOR && actor != Role.OWNER) {
      throw ChatException.forbidden("only the owner can " + what + " moderator " + targetName);
    }
  }

  /** A member event to every member, the subject included. */
  private void announce(ConvId conv, String subject, String action, Role role) {
    String wire = role == null ? null : role.wireName();
    router.toParticipants(conv, name -> new Event.Member(name, subject, action, wire), null);
  }

  /**
   * A member event to the members and to {@code subject}, who is not (or no longer) one: a
   * departure (then the subject hears no more) or an unban.
   */
  private void announceDeparture(ConvId conv, String subject, String action) {
    router.departure(conv, subject, new Event.Member(conv.key(), subject, action));
  }
}
