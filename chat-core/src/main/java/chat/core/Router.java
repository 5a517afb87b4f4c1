package chat.core;

import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.FileRef;
import chat.core.store.Membership;
import chat.core.store.MessageStore;
import chat.core.store.StoredMessage;
import chat.protocol.Event;
import chat.protocol.FileInfo;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Who receives what: the routing rules in one place. Events for a conversation go to every
 * session of its participants (room members, or the two parties of a direct conversation), each
 * named from the receiver's side. One {@link Outbound} is built per distinct name, so a room
 * event is encoded once for all its receivers.
 */
@Singleton
final class Router {
  private final AccountStore accounts;
  private final MessageStore messages;
  private final SessionRegistry registry;
  private final Blocks blocks;

  @Inject
  Router(AccountStore accounts, MessageStore messages, SessionRegistry registry, Blocks blocks) {
    this.accounts = accounts;
    this.messages = messages;
    this.registry = registry;
    this.blocks = blocks;
  }

  /**
   * A new message, to every session of every participant, acknowledged to the connection that
   * sent it: every other session has its copy queued before {@code ack} runs, and the sending
   * connection gets its copy after the ack. So once a client holds the ack of its send, every
   * participant online at that moment has the message queued ahead of anything sent to them
   * later, and the sender sees its ok before its own copy, as it always has.
   */
  void message(StoredMessage m, ConnectionImpl sender, Runnable ack) {
    ConvId conv = m.conv();
    Outbound forSender = null;
    if (conv.isRoom()) {
      Outbound out = new Outbound(toEvent(m, conv.key()));
      for (Membership member : accounts.members(conv.roomName())) {
        toUser(member.user(), out, sender);
        if (member.user().equals(m.from())) {
          forSender = out; // still a member: the sender gets its copy too
        }
      }
    } else {
      for (String party : List.of(conv.userA(), conv.userB())) {
        Outbound out = new Outbound(toEvent(m, conv.nameFor(party)));
        toUser(party, out, sender);
        if (party.equals(m.from())) {
          forSender = out;
        }
      }
    }
    ack.run();
    if (forSender != null) {
      sender.send(forSender);
    }
  }

  static Event.Message toEvent(StoredMessage m, String convName) {
    List<FileInfo> files = new ArrayList<>(m.files().size());
    for (FileRef f : m.files()) {
      files.add(new FileInfo(f.id(), f.name(), f.size(), f.type(), FileInfo.path(f.id())));
    }
    return new Event.Message(convName, m.seq(), m.from(), m.text(), m.ts(), m.cid(),
        m.replyTo(), m.mentions(), m.edited(), m.deleted(), m.reactions(), files);
  }

  /** A change to a message, to every session of every participant. */
  void update(StoredMessage m, long rev, String by, String action) {
    toParticipants(m.conv(),
        name -> new Event.Update(name, m.seq(), rev, by, action, toEvent(m, name)), null);
  }

  /**
   * An event to every session of every participant of {@code conv}, except {@code except}
   * (may be null). {@code eventNamed} builds the event from the conversation's name as its
   * receiver sees it.
   */
  void toParticipants(ConvId conv, Function<String, Event> eventNamed, ConnectionImpl except) {
    if (conv.isRoom()) {
      Outbound out = new Outbound(eventNamed.apply(conv.key()));
      for (Membership m : accounts.members(conv.roomName())) {
        toUser(m.user(), out, except);
      }
    } else {
      toUser(conv.userA(), new Outbound(eventNamed.apply(conv.nameFor(conv.userA()))), except);
      toUser(conv.userB(), new Outbound(eventNamed.apply(conv.nameFor(conv.userB()))), except);
    }
  }

  /**
   * An event to every participant of {@code conv} other than {@code user} and those who have a
   * block between them and {@code user} (typing).
   */
  void toOthersUnblocked(ConvId conv, String user, Function<String, Event> eventNamed) {
    if (conv.isRoom()) {
      Outbound out = null;
      for (Membership m : accounts.members(conv.roomName())) {
        if (!m.user().equals(user) && registry.isOnline(m.user())
            && !blocks.between(user, m.user())) {
          if (out == null) {
            out = new Outbound(eventNamed.apply(conv.key()));
          }
          toUser(m.user(), out, null);
        }
      }
    } else {
      String peer = conv.peerOf(user);
      if (!blocks.between(user, peer)) {
        toUser(peer, new Outbound(eventNamed.apply(conv.nameFor(peer))), null);
      }
    }
  }

  void toUser(String user, Outbound out, ConnectionImpl except) {
    for (ConnectionImpl c : registry.sessionsOf(user)) {
      if (c != except) {
        c.send(out);
      }
    }
  }

  /**
   * Tells the online users who share a conversation with {@code user} (a room, or a direct
   * conversation with messages) that it came online or went offline; not those with a block
   * between them and {@code user}.
   */
  void presence(String user, boolean online) {
    Set<String> audience = new HashSet<>();
    for (String room : accounts.roomsOf(user)) {
      for (Membership m : accounts.members(room)) {
        audience.add(m.user());
      }
    }
    for (ConvId conv : messages.directConversations(user)) {
      audience.add(conv.peerOf(user));
    }
    audience.remove(user);
    audience.removeIf(receiver -> !registry.isOnline(receiver) || blocks.between(user, receiver));
    Outbound out = new Outbound(new Event.Presence(user, online));
    for (String receiver : audience) {
      toUser(receiver, out, null);
    }
  }
}
