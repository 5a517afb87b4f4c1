package chat.core;

import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.Membership;
import chat.core.store.MessageStore;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Rooms: create, join, leave, invite, kick, list, members.
 *
 * <p>Choices where PROTOCOL.md is silent: an invite makes the user a member at once (as in
 * most chat products), so the invited user may send without joining; inviting or joining twice,
 * and leaving or kicking a non-member, are ok and change nothing. The owner cannot leave or be
 * kicked (a room always has its owner). Kicking from a public room removes the member, who may
 * join again; from a private room, only a new invite lets them back.
 */
@Singleton
final class RoomService {
  private final AccountStore accounts;
  private final MessageStore messages;
  private final Access access;
  private final Router router;
  private final SessionRegistry registry;
  private final ChatConfig config;
  private final Clock clock;

  @Inject
  RoomService(AccountStore accounts, MessageStore messages, Access access, Router router,
      SessionRegistry registry, ChatConfig config, Clock clock) {
    this.accounts = accounts;
    this.messages = messages;
    this.access = access;
    this.router = router;
    this.registry = registry;
    this.config = config;
    this.clock = clock;
  }

  Result.Created create(String user, Request.Create r) throws ChatException {
    String name = Access.roomName(r.room(), "room");
    if (r.topic().codePointCount(0, r.topic().length()) > config.maxTopicChars()) {
      throw ChatException.badRequest("topic: at most " + config.maxTopicChars() + " characters");
    }
    if (!accounts.createRoom(new Room(name, r.topic(), r.isPrivate(), clock.millis()), user)) {
      throw new ChatException(ErrorCode.CONFLICT, "room #" + name + " already exists");
    }
    return new Result.Created("#" + name);
  }

  Result.Joined join(String user, Request.Join r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    ConvId conv = ConvId.room(room.name());
    if (accounts.role(room.name(), user).isEmpty()) {
      if (room.isPrivate()) {
        throw ChatException.forbidden("#" + room.name() + " is private: you need an invite");
      }
      if (accounts.addMember(room.name(), user, Role.MEMBER)) {
        announce(conv, user, "join");
      }
    }
    return new Result.Joined(conv.key(), room.topic(), messages.lastSeq(conv));
  }

  void leave(String user, Request.Leave r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    Role role = accounts.role(room.name(), user).orElse(null);
    if (role == Role.OWNER) {
      throw ChatException.forbidden("the owner cannot leave #" + room.name());
    }
    if (role != null && accounts.removeMember(room.name(), user)) {
      announceDeparture(ConvId.room(room.name()), user, "leave");
    }
  }

  void invite(String user, Request.Invite r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    access.requireOwner(user, room.name());
    String invitee = access.existingUser(r.user(), "user");
    if (accounts.addMember(room.name(), invitee, Role.MEMBER)) {
      announce(ConvId.room(room.name()), invitee, "invite");
    }
  }

  void kick(String user, Request.Kick r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    access.requireOwner(user, room.name());
    String target = access.existingUser(r.user(), "user");
    if (target.equals(user)) {
      // Not allowed, like the owner leaving: forbidden (bad_request is for malformed fields).
      throw ChatException.forbidden("the owner of #" + room.name() + " cannot be kicked");
    }
    if (accounts.removeMember(room.name(), target)) {
      announceDeparture(ConvId.room(room.name()), target, "kick");
    }
  }

  Result.Rooms list(String user) {
    List<Result.RoomInfo> list = new ArrayList<>();
    for (Room room : accounts.visibleRooms(user)) {
      list.add(new Result.RoomInfo("#" + room.name(), room.topic(), room.isPrivate(),
          accounts.memberCount(room.name()), accounts.role(room.name(), user).isPresent()));
    }
    return new Result.Rooms(list);
  }

  Result.Members members(String user, Request.Members r) throws ChatException {
    Room room = access.existingRoom(r.room(), "room");
    List<Membership> members = accounts.members(room.name());
    if (room.isPrivate() && members.stream().noneMatch(m -> m.user().equals(user))) {
      throw ChatException.forbidden("#" + room.name() + " is private");
    }
    List<Result.MemberInfo> list = new ArrayList<>(members.size());
    for (Membership m : members) {
      list.add(new Result.MemberInfo(m.user(), m.role().wireName(), registry.isOnline(m.user())));
    }
    return new Result.Members(list);
  }

  /** A member event to every member, the new member included. */
  private void announce(ConvId conv, String subject, String action) {
    router.toParticipants(conv, name -> new Event.Member(name, subject, action), null);
  }

  /** A member event to the remaining members and to the departed user, who hears no more. */
  private void announceDeparture(ConvId conv, String subject, String action) {
    Outbound out = new Outbound(new Event.Member(conv.key(), subject, action));
    for (Membership m : accounts.members(conv.roomName())) {
      router.toUser(m.user(), out, null);
    }
    router.toUser(subject, out, null);
  }
}
