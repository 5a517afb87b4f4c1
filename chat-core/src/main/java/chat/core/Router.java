package chat.core;

import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.FileRef;
import chat.core.store.Membership;
import chat.core.store.MessageStore;
import chat.core.store.StoredMessage;
import chat.core.store.StoredUpdate;
import chat.protocol.Event;
import chat.protocol.FileInfo;
import chat.protocol.FrameCodec;
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
 *
 * <p>In a cluster each method also tells the other nodes ({@link NodeLink}), which deliver to
 * their own sessions through the {@code here} methods ({@link BusReceiver}); messages and
 * changes pass through {@link Cursors}, which keeps each conversation's order on this node and
 * fills gaps from the store.
 */
@Singleton
final class Router {
  static final FrameCodec CODEC = new FrameCodec();

  private final AccountStore accounts;
  private final SessionRegistry registry;
  private final Blocks blocks;
  private final NodeLink link;
  private final Cursors cursors;
  private final MessageStore messages;
  private final ChatMetrics metrics;
  /** How a repair of {@link Cursors} hands over what this node missed: to its sessions only. */
  private final Cursors.Redelivery redelivery = new Cursors.Redelivery() {
    @Override
    public void message(StoredMessage m) {
      messageHere(m.conv(), new Outbound(toEvent(m, m.conv().key())), null, null);
    }

    @Override
    public void update(StoredUpdate u, StoredMessage now) {
      ConvId conv = now.conv();
      toParticipantsHere(conv, new Event.Update(conv.key(), u.seq(), u.rev(), u.by(), u.action(),
          toEvent(now, conv.key())), null);
    }
  };

  @Inject
  Router(AccountStore accounts, MessageStore messages, SessionRegistry registry, Blocks blocks,
      NodeLink link, Cursors cursors, ChatMetrics metrics) {
    this.metrics = metrics;
    this.accounts = accounts;
    this.messages = messages;
    this.registry = registry;
    this.blocks = blocks;
    this.link = link;
    this.cursors = cursors;
  }

  /**
   * A new message, to every session of every participant, acknowledged to the connection that
   * sent it: every other session has its copy queued before {@code ack} runs, and the sending
   * connection gets its copy after the ack. So once a client holds the ack of its send, every
   * participant online at that moment has the message queued ahead of anything sent to them
   * later, and the sender sees its ok before its own copy, as it always has.
   */
  void message(StoredMessage m, SessionState sender, Runnable ack) {
    ConvId conv = m.conv();
    // Named by the key: what room members get as it is, and what other nodes are told, so
    // the one encoding serves both.
    Outbound keyed = new Outbound(toEvent(m, conv.key()));
    if (!link.clustered()) {
      messageHere(conv, keyed, sender, ack);
      return;
    }
    cursors.message(conv, m.seq(), () -> messageHere(conv, keyed, sender, ack), ack,
        redelivery);
    link.publish(NodeLink.MESSAGE, o -> {
      o.addProperty("c", conv.key());
      o.addProperty("e", keyed.json());
    });
  }

  /** A message another node stored ({@code keyed}: its event, named by the key), in order. */
  void messageFromNode(ConvId conv, Outbound keyed) {
    long seq = ((Event.Message) keyed.event()).seq();
    cursors.message(conv, seq, () -> messageHere(conv, keyed, null, null), null, redelivery);
  }

  /**
   * Delivers a stored message to this node's sessions; see {@link #message}. {@code keyedOut} is
   * the message named by the conversation's key, which room members get as it is.
   */
  void messageHere(ConvId conv, Outbound keyedOut, SessionState sender, Runnable ack) {
    Event.Message keyed = (Event.Message) keyedOut.event();
    Outbound forSender = null;
    int delivered = 0;
    if (conv.isRoom()) {
      for (Membership member : accounts.members(conv.roomName())) {
        delivered += toUserHere(member.user(), keyedOut, sender);
        if (member.user().equals(keyed.from())) {
          forSender = keyedOut; // still a member: the sender gets its copy too
        }
      }
    } else {
      for (String party : List.of(conv.userA(), conv.userB())) {
        Outbound out = new Outbound(Events.named(keyed, conv.nameFor(party)));
        delivered += toUserHere(party, out, sender);
        if (party.equals(keyed.from())) {
          forSender = out;
        }
      }
    }
    if (ack != null) {
      ack.run();
    }
    if (forSender != null && sender != null) {
      sender.send(forSender);
      delivered++;
    }
    metrics.delivered(delivered);
  }

  /**
   * In a cluster, before {@code user}'s sign-in here is answered: each of their conversations is
   * followed from its last message on (see {@link Cursors}).
   */
  void signingIn(String user) {
    if (!link.clustered()) {
      return;
    }
    List<ConvId> convs = new ArrayList<>(messages.directConversations(user));
    for (String room : accounts.roomsOf(user)) {
      convs.add(ConvId.room(room));
    }
    cursors.baseline(convs);
  }

  /** In a cluster, before a user joins {@code conv} here: it is followed from now on. */
  void joining(ConvId conv) {
    if (link.clustered()) {
      cursors.baseline(conv);
    }
  }

  /** After a break in the bus: what this node missed is read from the store and delivered. */
  void catchUp() {
    cursors.catchUp(redelivery);
  }

  /** In a cluster, now and then: forgets what no session here needs (see {@link Cursors}). */
  void sweepCursors() {
    cursors.sweep();
  }

  /** A room is gone: its cursor too. */
  void forget(ConvId conv) {
    cursors.forget(conv);
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
    ConvId conv = m.conv();
    Event.Update keyed = new Event.Update(conv.key(), m.seq(), rev, by, action,
        toEvent(m, conv.key()));
    if (!link.clustered()) {
      toParticipantsHere(conv, keyed, null);
      return;
    }
    cursors.update(conv, rev, () -> toParticipantsHere(conv, keyed, null), redelivery);
    String json = CODEC.encode(keyed);
    link.publish(NodeLink.UPDATE, o -> {
      o.addProperty("c", conv.key());
      o.addProperty("e", json);
    });
  }

  /** A change another node made: to this node's sessions, in rev order. */
  void updateFromNode(ConvId conv, Event.Update keyed) {
    cursors.update(conv, keyed.rev(), () -> toParticipantsHere(conv, keyed, null), redelivery);
  }

  /**
   * An event to every session of every participant of {@code conv}, except {@code except}
   * (may be null). {@code eventNamed} builds the event from the conversation's name as its
   * receiver sees it.
   */
  void toParticipants(ConvId conv, Function<String, Event> eventNamed, SessionState except) {
    Event keyed = eventNamed.apply(conv.key());
    toParticipantsHere(conv, keyed, except);
    publishEvent(NodeLink.CONVERSATION, conv, null, keyed);
  }

  /** {@link #toParticipants} on this node only; {@code keyed} is named by the key. */
  void toParticipantsHere(ConvId conv, Event keyed, SessionState except) {
    if (conv.isRoom()) {
      Outbound out = new Outbound(keyed);
      for (Membership m : accounts.members(conv.roomName())) {
        toUserHere(m.user(), out, except);
      }
    } else {
      toUserHere(conv.userA(), new Outbound(Events.named(keyed, conv.nameFor(conv.userA()))),
          except);
      toUserHere(conv.userB(), new Outbound(Events.named(keyed, conv.nameFor(conv.userB()))),
          except);
    }
  }

  /**
   * An event to every participant of {@code conv} other than {@code user} and those who have a
   * block between them and {@code user} (typing).
   */
  void toOthersUnblocked(ConvId conv, String user, Function<String, Event> eventNamed) {
    Event keyed = eventNamed.apply(conv.key());
    toOthersUnblockedHere(conv, user, keyed);
    publishEvent(NodeLink.TYPING, conv, user, keyed);
  }

  /** {@link #toOthersUnblocked} on this node only; {@code keyed} is named by the key. */
  void toOthersUnblockedHere(ConvId conv, String user, Event keyed) {
    if (conv.isRoom()) {
      Outbound out = null;
      for (Membership m : accounts.members(conv.roomName())) {
        if (!m.user().equals(user) && registry.isOnline(m.user())
            && !blocks.between(user, m.user())) {
          if (out == null) {
            out = new Outbound(keyed);
          }
          toUserHere(m.user(), out, null);
        }
      }
    } else {
      String peer = conv.peerOf(user);
      if (registry.isOnline(peer) && !blocks.between(user, peer)) {
        toUserHere(peer, new Outbound(Events.named(keyed, conv.nameFor(peer))), null);
      }
    }
  }

  /**
   * A member event to the members of room {@code conv} and to {@code subject}, who is not (or
   * no longer) one: a departure (then the subject hears no more) or an unban.
   */
  void departure(ConvId conv, String subject, Event.Member keyed) {
    departureHere(conv, subject, keyed);
    publishEvent(NodeLink.DEPARTURE, conv, subject, keyed);
  }

  void departureHere(ConvId conv, String subject, Event keyed) {
    Outbound out = new Outbound(keyed);
    for (Membership m : accounts.members(conv.roomName())) {
      toUserHere(m.user(), out, null);
    }
    toUserHere(subject, out, null);
  }

  /**
   * Room {@code conv}'s members changed without a member event (its creation): the other nodes
   * forget any roster they hold of it, such as an empty one read while no room had the name.
   */
  void rosterChanged(ConvId conv) {
    if (link.clustered()) {
      link.publish(NodeLink.ROSTER, o -> o.addProperty("c", conv.key()));
    }
  }

  /** An event to every session of {@code user}, on every node. */
  void toUser(String user, Outbound out) {
    toUser(user, out, null);
  }

  /** An event to every session of {@code user}, on every node, but {@code except} (or null). */
  void toUser(String user, Outbound out, SessionState except) {
    toUserHere(user, out, except);
    if (link.clustered()) {
      String json = out.json();
      link.publish(NodeLink.USER, o -> {
        o.addProperty("u", user);
        o.addProperty("e", json);
      });
    }
  }

  /** How many of this node's sessions belong to members of {@code room}. */
  int sessionsHere(ConvId room) {
    int sessions = 0;
    for (Membership m : accounts.members(room.roomName())) {
      sessions += registry.sessionsOf(m.user()).length;
    }
    return sessions;
  }

  /**
   * An event to every session of {@code user} on this node but {@code except} (may be null);
   * returns to how many.
   */
  int toUserHere(String user, Outbound out, SessionState except) {
    int sent = 0;
    for (SessionState c : registry.sessionsOf(user)) {
      if (c != except) {
        c.send(out);
        sent++;
      }
    }
    return sent;
  }

  /**
   * Tells the online users who share a conversation with {@code user} (a room, or a direct
   * conversation with messages) that it came online or went offline; not those with a block
   * between them and {@code user}. On every node.
   */
  void presence(String user, boolean online) {
    presenceHere(user, online);
    link.publish(NodeLink.PRESENCE, o -> {
      o.addProperty("u", user);
      o.addProperty("on", online);
    });
  }

  /** {@link #presence} to this node's sessions. */
  void presenceHere(String user, boolean online) {
    // Only members signed in here are gathered: a room of thousands with a few of them online
    // costs a lookup per member, not a set of thousands.
    Set<String> audience = new HashSet<>();
    for (String room : accounts.roomsOf(user)) {
      for (Membership m : accounts.members(room)) {
        if (registry.isOnline(m.user())) {
          audience.add(m.user());
        }
      }
    }
    for (ConvId conv : messages.directConversations(user)) {
      String peer = conv.peerOf(user);
      if (registry.isOnline(peer)) {
        audience.add(peer);
      }
    }
    audience.remove(user);
    audience.removeIf(receiver -> blocks.between(user, receiver));
    Outbound out = new Outbound(new Event.Presence(user, online));
    for (String receiver : audience) {
      toUserHere(receiver, out, null);
    }
  }

  /** Closes every connection of {@code user} but {@code except} (may be null), on every node. */
  void closeUser(String user, SessionState except, String reason) {
    registry.closeUser(user, except, reason);
    link.publish(NodeLink.CLOSE_USER, o -> {
      o.addProperty("u", user);
      o.addProperty("why", reason);
    });
  }

  /** Closes every connection logged in with the token, on every node. */
  void closeToken(String tokenHash, String reason) {
    registry.closeToken(tokenHash, reason);
    link.publish(NodeLink.CLOSE_TOKEN, o -> {
      o.addProperty("t", tokenHash);
      o.addProperty("why", reason);
    });
  }

  private void publishEvent(String kind, ConvId conv, String user, Event keyed) {
    if (!link.clustered()) {
      return;
    }
    String json = CODEC.encode(keyed);
    link.publish(kind, o -> {
      o.addProperty("c", conv.key());
      if (user != null) {
        o.addProperty("u", user);
      }
      o.addProperty("e", json);
    });
  }
}
