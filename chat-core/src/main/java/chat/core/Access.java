package chat.core;

import chat.core.store.Account;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.protocol.Names;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Turns names given by a user into conversations and rooms, and decides whether the user may use
 * them: the authorisation rules of conversations in one place.
 */
@Singleton
final class Access {
  private final AccountStore accounts;

  @Inject
  Access(AccountStore accounts) {
    this.accounts = accounts;
  }

  /**
   * Resolves {@code @peer} or {@code #room} as seen by {@code user}, who must be allowed to use
   * it: a member of the room, or a party of the direct conversation with an existing peer.
   */
  ConvId conversation(String user, String name, String field) throws ChatException {
    return resolve(user, name, field, false);
  }

  /**
   * As {@link #conversation}, for writing: a direct conversation's peer must also not be a
   * deleted account (its history stays readable). One account read either way.
   */
  ConvId writableConversation(String user, String name, String field) throws ChatException {
    return resolve(user, name, field, true);
  }

  private ConvId resolve(String user, String name, String field, boolean toWrite)
      throws ChatException {
    if (name.startsWith("@")) {
      String peer = Names.foldUser(name.substring(1));
      if (!Names.isValidUser(peer)) {
        throw ChatException.badRequest(field + ": '" + clip(name) + "' is not a valid user name");
      }
      if (peer.equals(user)) {
        throw ChatException.badRequest(field + ": you cannot message yourself");
      }
      if (toWrite) {
        Account.Status status = accounts.status(peer)
            .orElseThrow(() -> ChatException.notFound("no user " + peer));
        if (status == Account.Status.DELETED) {
          throw ChatException.notFound("no user " + peer + " (the account was deleted)");
        }
      } else if (!accounts.userExists(peer)) {
        throw ChatException.notFound("no user " + peer);
      }
      return ConvId.direct(user, peer);
    }
    if (name.startsWith("#")) {
      String room = existingRoom(name, field).name();
      requireMember(user, room);
      return ConvId.room(room);
    }
    throw ChatException.badRequest(field + ": must be @user or #room");
  }

  /** The room a create/join/… request names ({@code general} or {@code #general}). */
  Room existingRoom(String given, String field) throws ChatException {
    String room = roomName(given, field);
    Optional<Room> found = accounts.room(room);
    if (found.isEmpty()) {
      throw ChatException.notFound("no room #" + room);
    }
    return found.get();
  }

  static String roomName(String given, String field) throws ChatException {
    String room = Names.foldRoom(given);
    if (!Names.isValidRoom(room)) {
      throw ChatException.badRequest(field + ": '" + clip(given)
          + "' is not a valid room name (1 to 64 of a-z, 0-9, '_', '-')");
    }
    return room;
  }

  Role requireMember(String user, String room) throws ChatException {
    Optional<Role> role = accounts.role(room, user);
    if (role.isEmpty()) {
      throw ChatException.forbidden("you are not a member of #" + room);
    }
    return role.get();
  }

  void requireOwner(String user, String room) throws ChatException {
    if (accounts.role(room, user).orElse(null) != Role.OWNER) {
      throw ChatException.forbidden("only the owner of #" + room + " can do that");
    }
  }

  /** The user a request names, which must exist. */
  String existingUser(String given, String field) throws ChatException {
    String user = Names.foldUser(given);
    if (!Names.isValidUser(user)) {
      throw ChatException.badRequest(field + ": '" + clip(given) + "' is not a valid user name");
    }
    if (!accounts.userExists(user)) {
      throw ChatException.notFound("no user " + user);
    }
    return user;
  }

  static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
