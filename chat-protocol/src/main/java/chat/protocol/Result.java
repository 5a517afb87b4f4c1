package chat.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The fields an {@code ok} reply carries besides {@code type} and {@code re}. */
public sealed interface Result {

  /** An {@code ok} with no further fields (logout, leave, invite, kick, …). */
  Empty EMPTY = new Empty();

  record Empty() implements Result {}

  /** Reply to register and login. {@code expiresAt} is in ms since the epoch. */
  record Auth(String user, String token, long expiresAt) implements Result {
    public Auth {
      requireNonNull(user, "user is null");
      requireNonNull(token, "token is null");
    }

    @Override public String toString() {
      return "Auth[user=" + user + ", token=<redacted>, expiresAt=" + expiresAt + "]";
    }
  }

  /** Reply to send: the message's place in its conversation. */
  record Sent(String conv, long seq, long ts, String cid) implements Result {
    public Sent {
      requireNonNull(conv, "conv is null");
      requireNonNull(cid, "cid is null");
    }
  }

  /** Reply to create: the room as a conversation name ({@code #name}). */
  record Created(String room) implements Result {
    public Created { requireNonNull(room, "room is null"); }
  }

  /** Reply to join. */
  record Joined(String conv, String topic, long lastSeq) implements Result {
    public Joined {
      requireNonNull(conv, "conv is null");
      requireNonNull(topic, "topic is null");
    }
  }

  record RoomInfo(String room, String topic, boolean isPrivate, int members, boolean joined) {
    public RoomInfo {
      requireNonNull(room, "room is null");
      requireNonNull(topic, "topic is null");
    }
  }

  /** A page of the room directory; {@code more} says whether more rooms follow it. */
  record Rooms(List<RoomInfo> rooms, boolean more) implements Result {
    public Rooms { rooms = List.copyOf(rooms); }

    public Rooms(List<RoomInfo> rooms) {
      this(rooms, false);
    }
  }

  /** A list of user names: the reply to {@code blocked} and {@code bans}. */
  record Users(List<String> users) implements Result {
    public Users { users = List.copyOf(users); }
  }

  record MemberInfo(String user, String role, boolean online) {
    public MemberInfo {
      requireNonNull(user, "user is null");
      requireNonNull(role, "role is null");
    }
  }

  record Members(List<MemberInfo> members) implements Result {
    public Members { members = List.copyOf(members); }
  }

  /** A conversation's last seq, the user's read marker, and its last change ({@code lastRev}). */
  record ConversationInfo(String conv, long lastSeq, long readSeq, long lastRev) {
    public ConversationInfo { requireNonNull(conv, "conv is null"); }

    public ConversationInfo(String conv, long lastSeq, long readSeq) {
      this(conv, lastSeq, readSeq, 0);
    }
  }

  /** Reply to edit, delete and react: the change's rev. */
  record Changed(String conv, long seq, long rev) implements Result {
    public Changed { requireNonNull(conv, "conv is null"); }
  }

  /** A page of changes, ascending rev; each update as its event, without "type" on the wire. */
  record Updates(String conv, List<Event.Update> updates, boolean more) implements Result {
    public Updates {
      requireNonNull(conv, "conv is null");
      updates = List.copyOf(updates);
    }
  }

  record Conversations(List<ConversationInfo> conversations) implements Result {
    public Conversations { conversations = List.copyOf(conversations); }
  }

  /** A page of history in ascending seq; {@code more} says whether more lie beyond it. */
  record History(String conv, List<Event.Message> messages, boolean more) implements Result {
    public History {
      requireNonNull(conv, "conv is null");
      messages = List.copyOf(messages);
    }
  }

  /** One search hit: a message as it now is, and its conversation as the searcher names it. */
  record SearchHit(String conv, Event.Message message) {
    public SearchHit {
      requireNonNull(conv, "conv is null");
      requireNonNull(message, "message is null");
    }
  }

  /**
   * A page of search hits, newest first; {@code next} (null when there are no more) is the
   * cursor for the next, older page.
   */
  record Search(List<SearchHit> results, boolean more, String next) implements Result {
    public Search { results = List.copyOf(results); }
  }

  /** Reply to ping: the server's clock in ms since the epoch. */
  record Pong(long ts) implements Result {}
}
