package chat.core;

import chat.core.store.Account;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.Membership;
import chat.core.store.MessageStore;
import chat.core.store.OperatorAction;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.core.store.RoomExit;
import chat.protocol.Names;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * What an operator may do to the store ({@code chat-server.jar admin}): list users and rooms,
 * reset a password, disable, enable or delete an account, delete a room. Each change is recorded
 * as an {@link OperatorAction}, so that a server running on the same store acts on it within a
 * second (closes connections, drops caches, tells a deleted room's members).
 *
 * <p>Errors are plain: {@link NoSuchElementException} for a user or room that does not exist,
 * {@link IllegalArgumentException} for a name that is not valid.
 */
public final class Operations {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AccountStore accounts;
  private final MessageStore messages;
  private final PasswordHasher hasher;
  private final Clock clock;

  /** A room as the operator's listing shows it. */
  public record RoomSummary(String name, String topic, boolean isPrivate, int members,
      String owner) {}

  @Inject
  Operations(AccountStore accounts, MessageStore messages, PasswordHasher hasher, Clock clock) {
    this.accounts = accounts;
    this.messages = messages;
    this.hasher = hasher;
    this.clock = clock;
  }

  public List<Account> users() {
    return accounts.accounts();
  }

  public List<RoomSummary> rooms() {
    List<RoomSummary> list = new ArrayList<>();
    for (Room room : accounts.rooms()) {
      List<Membership> members = accounts.members(room.name());
      String owner = members.stream().filter(m -> m.role() == Role.OWNER)
          .map(Membership::user).findFirst().orElse("-");
      list.add(new RoomSummary(
          room.name(), room.topic(), room.isPrivate(), members.size(), owner));
    }
    return list;
  }

  /**
   * Gives the account a new random password, revokes every token (closing its connections on a
   * running server), and returns the password: the only time it is ever shown.
   */
  public String resetPassword(String user) {
    String name = activeOrDisabled(user);
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    accounts.setPasswordHash(name, hasher.hash(password));
    accounts.revokeTokens(name, null);
    record(OperatorAction.RESET_PASSWORD, name, List.of());
    return password;
  }

  /** Disables the account: every token revoked, every connection closed, sign-in refused. */
  public void disable(String user) {
    String name = activeOrDisabled(user);
    accounts.setStatus(name, Account.Status.DISABLED);
    accounts.revokeTokens(name, null);
    record(OperatorAction.DISABLE_USER, name, List.of());
  }

  public void enable(String user) {
    String name = activeOrDisabled(user);
    accounts.setStatus(name, Account.Status.ACTIVE);
    record(OperatorAction.ENABLE_USER, name, List.of());
  }

  /** Deletes the account as its owner would (see {@link AccountStore#deleteAccount}). */
  public List<RoomExit> deleteUser(String user) {
    String name = activeOrDisabled(user);
    List<RoomExit> exits = accounts.deleteAccount(name)
        .orElseThrow(() -> new NoSuchElementException("no user " + name));
    // Told to the server before the histories go (a big one takes minutes): its sessions end
    // and its caches drop now, and the action stays recorded if this process stops midway.
    record(OperatorAction.DELETE_USER, name, List.of());
    for (RoomExit exit : exits) {
      if (exit.roomDeleted()) {
        messages.deleteConversation(ConvId.room(exit.room()));
      }
    }
    return exits;
  }

  /** Deletes a room with its history; returns the members it had. */
  public List<String> deleteRoom(String room) {
    String name = Names.foldRoom(room);
    if (!Names.isValidRoom(name)) {
      throw new IllegalArgumentException("'" + room + "' is not a valid room name");
    }
    List<String> members = accounts.deleteRoom(name)
        .orElseThrow(() -> new NoSuchElementException("no room #" + name))
        .stream().map(Membership::user).toList();
    record(OperatorAction.DELETE_ROOM, name, members); // before the history: see deleteUser
    messages.deleteConversation(ConvId.room(name));
    return members;
  }

  private String activeOrDisabled(String user) {
    String name = Names.foldUser(user);
    if (!Names.isValidUser(name)) {
      throw new IllegalArgumentException("'" + user + "' is not a valid user name");
    }
    Account account = accounts.account(name)
        .orElseThrow(() -> new NoSuchElementException("no user " + name));
    if (account.isDeleted()) {
      throw new NoSuchElementException("user " + name + " was deleted");
    }
    return name;
  }

  private void record(String action, String subject, List<String> members) {
    accounts.recordOperatorAction(action, subject, members, clock.millis());
  }
}
