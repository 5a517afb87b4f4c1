package chat.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A frame sent by a client. Every request may carry an {@code id} (at most {@link #MAX_ID_CHARS}
 * chars) that the server echoes back as {@code re}; a request with an id always gets exactly one
 * reply.
 *
 * <p>These records check only their shape (required fields present, id length). Whether a name,
 * password or text is acceptable is decided by the server, which answers with a protocol error.
 */
public sealed interface Request {

  int MAX_ID_CHARS = 64;

  /** The client-chosen request id, or null. */
  String id();

  /** The {@code type} of this request on the wire. */
  String type();

  private static String checkId(String id) {
    if (id != null && id.length() > MAX_ID_CHARS) {
      throw new IllegalArgumentException("id is longer than " + MAX_ID_CHARS + " chars");
    }
    return id;
  }

  record Register(String id, String user, String password) implements Request {
    public Register {
      checkId(id);
      requireNonNull(user, "user is null");
      requireNonNull(password, "password is null");
    }

    @Override public String type() { return "register"; }

    @Override public String toString() {
      return "Register[id=" + id + ", user=" + user + ", password=<redacted>]";
    }
  }

  /** Login with user name and password. */
  record Login(String id, String user, String password) implements Request {
    public Login {
      checkId(id);
      requireNonNull(user, "user is null");
      requireNonNull(password, "password is null");
    }

    @Override public String type() { return "login"; }

    @Override public String toString() {
      return "Login[id=" + id + ", user=" + user + ", password=<redacted>]";
    }
  }

  /** Login with a token from an earlier register or login. Same {@code type} as {@link Login}. */
  record TokenLogin(String id, String token) implements Request {
    public TokenLogin {
      checkId(id);
      requireNonNull(token, "token is null");
    }

    @Override public String type() { return "login"; }

    @Override public String toString() {
      return "TokenLogin[id=" + id + ", token=<redacted>]";
    }
  }

  /** Logs out this connection's token, or with {@code all} every token of the user. */
  record Logout(String id, boolean all) implements Request {
    public Logout { checkId(id); }

    public Logout(String id) {
      this(id, false);
    }

    @Override public String type() { return "logout"; }
  }

  /** Changes the password; every other token of the user is revoked. */
  record ChangePassword(String id, String oldPassword, String newPassword) implements Request {
    public ChangePassword {
      checkId(id);
      requireNonNull(oldPassword, "oldPassword is null");
      requireNonNull(newPassword, "newPassword is null");
    }

    @Override public String type() { return "password"; }

    @Override public String toString() {
      return "ChangePassword[id=" + id + ", old=<redacted>, new=<redacted>]";
    }
  }

  /** Deletes the account for good; the name stays taken. */
  record DeleteAccount(String id, String password) implements Request {
    public DeleteAccount {
      checkId(id);
      requireNonNull(password, "password is null");
    }

    @Override public String type() { return "delete_account"; }

    @Override public String toString() {
      return "DeleteAccount[id=" + id + ", password=<redacted>]";
    }
  }

  record Block(String id, String user) implements Request {
    public Block {
      checkId(id);
      requireNonNull(user, "user is null");
    }

    @Override public String type() { return "block"; }
  }

  record Unblock(String id, String user) implements Request {
    public Unblock {
      checkId(id);
      requireNonNull(user, "user is null");
    }

    @Override public String type() { return "unblock"; }
  }

  /** The users this user has blocked ({@code type} "blocked"). */
  record ListBlocked(String id) implements Request {
    public ListBlocked { checkId(id); }

    @Override public String type() { return "blocked"; }
  }

  /**
   * Sends {@code text} to {@code to} ({@code @peer} or {@code #room}); {@code cid} makes it
   * idempotent. {@code replyTo} (optional) is the seq of the message this one answers; {@code
   * files} the ids of files the sender uploaded, at most {@link #MAX_FILES} (then {@code text}
   * may be empty).
   */
  record Send(String id, String to, String text, String cid, Long replyTo, List<String> files)
      implements Request {
    public static final int MAX_FILES = 10;

    public Send {
      checkId(id);
      requireNonNull(to, "to is null");
      requireNonNull(text, "text is null");
      requireNonNull(cid, "cid is null");
      files = files == null ? List.of() : List.copyOf(files);
    }

    public Send(String id, String to, String text, String cid, Long replyTo) {
      this(id, to, text, cid, replyTo, List.of());
    }

    public Send(String id, String to, String text, String cid) {
      this(id, to, text, cid, null, List.of());
    }

    @Override public String type() { return "send"; }
  }

  /** Replaces the text of one's own message. */
  record Edit(String id, String conv, long seq, String text) implements Request {
    public Edit {
      checkId(id);
      requireNonNull(conv, "conv is null");
      requireNonNull(text, "text is null");
    }

    @Override public String type() { return "edit"; }
  }

  /** Deletes a message: its text and reactions are erased ({@code type} "delete"). */
  record DeleteMessage(String id, String conv, long seq) implements Request {
    public DeleteMessage {
      checkId(id);
      requireNonNull(conv, "conv is null");
    }

    @Override public String type() { return "delete"; }
  }

  /** Sets ({@code on}) or clears one's reaction {@code emoji} on a message. */
  record React(String id, String conv, long seq, String emoji, boolean on) implements Request {
    public React {
      checkId(id);
      requireNonNull(conv, "conv is null");
      requireNonNull(emoji, "emoji is null");
    }

    @Override public String type() { return "react"; }
  }

  /** The changes to a conversation's messages after rev {@code afterRev}, ascending. */
  record Updates(String id, String conv, long afterRev, Integer limit) implements Request {
    public Updates {
      checkId(id);
      requireNonNull(conv, "conv is null");
    }

    @Override public String type() { return "updates"; }
  }

  /**
   * Full-text search: messages matching every word of {@code query}, newest first, in {@code conv}
   * or (null) every conversation the user can read; {@code before} is the opaque cursor of a
   * previous reply's {@code next}. {@code limit} null means the server's default.
   */
  record Search(String id, String query, String conv, Integer limit, String before)
      implements Request {
    public Search {
      checkId(id);
      requireNonNull(query, "query is null");
    }

    @Override public String type() { return "search"; }
  }

  record Create(String id, String room, String topic, boolean isPrivate) implements Request {
    public Create {
      checkId(id);
      requireNonNull(room, "room is null");
      topic = topic == null ? "" : topic;
    }

    @Override public String type() { return "create"; }
  }

  record Join(String id, String room) implements Request {
    public Join {
      checkId(id);
      requireNonNull(room, "room is null");
    }

    @Override public String type() { return "join"; }
  }

  record Leave(String id, String room) implements Request {
    public Leave {
      checkId(id);
      requireNonNull(room, "room is null");
    }

    @Override public String type() { return "leave"; }
  }

  record Invite(String id, String room, String user) implements Request {
    public Invite {
      checkId(id);
      requireNonNull(room, "room is null");
      requireNonNull(user, "user is null");
    }

    @Override public String type() { return "invite"; }
  }

  record Kick(String id, String room, String user) implements Request {
    public Kick {
      checkId(id);
      requireNonNull(room, "room is null");
      requireNonNull(user, "user is null");
    }

    @Override public String type() { return "kick"; }
  }

  /**
   * A page of the room directory: public rooms and the private rooms the user belongs to
   * ({@code type} "rooms"). {@code query} (a name prefix or topic words), {@code after} (a room
   * name from the previous page) and {@code limit} are optional.
   */
  record ListRooms(String id, String query, String after, Integer limit) implements Request {
    public ListRooms { checkId(id); }

    public ListRooms(String id) {
      this(id, null, null, null);
    }

    @Override public String type() { return "rooms"; }
  }

  record Ban(String id, String room, String user) implements Request {
    public Ban {
      checkId(id);
      requireNonNull(room, "room is null");
      requireNonNull(user, "user is null");
    }

    @Override public String type() { return "ban"; }
  }

  record Unban(String id, String room, String user) implements Request {
    public Unban {
      checkId(id);
      requireNonNull(room, "room is null");
      requireNonNull(user, "user is null");
    }

    @Override public String type() { return "unban"; }
  }

  /** The users banned from a room ({@code type} "bans"; owner and moderators). */
  record ListBans(String id, String room) implements Request {
    public ListBans {
      checkId(id);
      requireNonNull(room, "room is null");
    }

    @Override public String type() { return "bans"; }
  }

  /** Gives {@code user} a role in {@code room}; "owner" transfers ownership. */
  record SetRole(String id, String room, String user, String role) implements Request {
    public SetRole {
      checkId(id);
      requireNonNull(room, "room is null");
      requireNonNull(user, "user is null");
      requireNonNull(role, "role is null");
    }

    @Override public String type() { return "role"; }
  }

  record SetTopic(String id, String room, String topic) implements Request {
    public SetTopic {
      checkId(id);
      requireNonNull(room, "room is null");
      requireNonNull(topic, "topic is null");
    }

    @Override public String type() { return "topic"; }
  }

  record DeleteRoom(String id, String room) implements Request {
    public DeleteRoom {
      checkId(id);
      requireNonNull(room, "room is null");
    }

    @Override public String type() { return "delete_room"; }
  }

  record Members(String id, String room) implements Request {
    public Members {
      checkId(id);
      requireNonNull(room, "room is null");
    }

    @Override public String type() { return "members"; }
  }

  /** Lists the user's conversations with their last and read seqs ({@code type} "conversations"). */
  record ListConversations(String id) implements Request {
    public ListConversations { checkId(id); }

    @Override public String type() { return "conversations"; }
  }

  /**
   * A page of history: messages after {@code after}, before {@code before}, or the latest when
   * both are null. {@code limit} null means the server's default.
   */
  record History(String id, String conv, Long after, Long before, Integer limit)
      implements Request {
    public History {
      checkId(id);
      requireNonNull(conv, "conv is null");
      if (after != null && before != null) {
        throw new IllegalArgumentException("after and before are exclusive");
      }
    }

    @Override public String type() { return "history"; }
  }

  /** Moves the user's read marker in {@code conv} forward to {@code seq} ({@code type} "read"). */
  record MarkRead(String id, String conv, long seq) implements Request {
    public MarkRead {
      checkId(id);
      requireNonNull(conv, "conv is null");
    }

    @Override public String type() { return "read"; }
  }

  record Typing(String id, String conv) implements Request {
    public Typing {
      checkId(id);
      requireNonNull(conv, "conv is null");
    }

    @Override public String type() { return "typing"; }
  }

  record Ping(String id) implements Request {
    public Ping { checkId(id); }

    @Override public String type() { return "ping"; }
  }
}
