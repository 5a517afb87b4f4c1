package chat.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/** A frame sent by the server: a reply ({@link Ok}, {@link Error}) or a pushed event. */
public sealed interface Event {

  int PROTOCOL_VERSION = 1;

  /** The {@code type} of this event on the wire. */
  String type();

  /** The first frame on every connection; {@code features} names the additions it supports. */
  record Hello(int protocol, String server, String epoch, Limits limits, List<String> features)
      implements Event {
    public Hello {
      requireNonNull(server, "server is null");
      requireNonNull(epoch, "epoch is null");
      requireNonNull(limits, "limits is null");
      features = List.copyOf(features);
    }

    public Hello(int protocol, String server, String epoch, Limits limits) {
      this(protocol, server, epoch, limits, List.of());
    }

    @Override public String type() { return "hello"; }
  }

  /** A successful reply to the request whose id was {@code re}. */
  record Ok(String re, Result result) implements Event {
    public Ok { requireNonNull(result, "result is null"); }

    @Override public String type() { return "ok"; }
  }

  /**
   * A failed request. {@code re} is null when the request had no (readable) id; {@code
   * retryAfterMs} is set only for {@link ErrorCode#RATE_LIMITED}.
   */
  record Error(String re, ErrorCode code, String message, Long retryAfterMs) implements Event {
    public Error {
      requireNonNull(code, "code is null");
      requireNonNull(message, "message is null");
    }

    public Error(String re, ErrorCode code, String message) {
      this(re, code, message, null);
    }

    @Override public String type() { return "error"; }
  }

  /**
   * A message, named from the receiver's side ({@code @sender} for a direct message). The
   * optional fields of the second round: {@code replyTo} (the seq it answers, or null), {@code
   * mentions} (participants named as {@code @name}), {@code edited} (ms of the last edit, or
   * null), {@code deleted} (then {@code text} is ""), {@code reactions} (emoji to the users who
   * chose it, in the order they did; in the order the emoji were first chosen), {@code files}
   * (the attached files, in the order they were sent; none once deleted).
   */
  record Message(String conv, long seq, String from, String text, long ts, String cid,
      Long replyTo, List<String> mentions, Long edited, boolean deleted,
      Map<String, List<String>> reactions, List<FileInfo> files) implements Event {
    public Message {
      requireNonNull(conv, "conv is null");
      requireNonNull(from, "from is null");
      requireNonNull(text, "text is null");
      requireNonNull(cid, "cid is null");
      mentions = mentions == null ? List.of() : List.copyOf(mentions);
      reactions = copyReactions(reactions);
      files = files == null ? List.of() : List.copyOf(files);
    }

    /** A message without files. */
    public Message(String conv, long seq, String from, String text, long ts, String cid,
        Long replyTo, List<String> mentions, Long edited, boolean deleted,
        Map<String, List<String>> reactions) {
      this(conv, seq, from, text, ts, cid, replyTo, mentions, edited, deleted, reactions,
          List.of());
    }

    /** A plain message: no reply, mention, edit, deletion, reaction or file. */
    public Message(String conv, long seq, String from, String text, long ts, String cid) {
      this(conv, seq, from, text, ts, cid, null, List.of(), null, false, Map.of(), List.of());
    }

    /** The same message named {@code newConv} (the receiver's side of a direct conversation). */
    public Message named(String newConv) {
      return new Message(newConv, seq, from, text, ts, cid, replyTo, mentions, edited, deleted,
          reactions, files);
    }

    /** The same message with {@code newFiles} (e.g. their URLs resolved). */
    public Message withFiles(List<FileInfo> newFiles) {
      return new Message(conv, seq, from, text, ts, cid, replyTo, mentions, edited, deleted,
          reactions, newFiles);
    }

    private static Map<String, List<String>> copyReactions(Map<String, List<String>> reactions) {
      if (reactions == null || reactions.isEmpty()) {
        return Map.of();
      }
      java.util.LinkedHashMap<String, List<String>> copy = new java.util.LinkedHashMap<>();
      reactions.forEach((emoji, users) -> copy.put(
          requireNonNull(emoji, "emoji is null"), List.copyOf(users)));
      return java.util.Collections.unmodifiableMap(copy);
    }

    @Override public String type() { return "message"; }
  }

  /**
   * A change to an existing message: {@code action} is edit, delete or react; {@code message} is
   * the message as it now is; {@code rev} numbers the change within the conversation.
   */
  record Update(String conv, long seq, long rev, String by, String action, Message message)
      implements Event {
    public Update {
      requireNonNull(conv, "conv is null");
      requireNonNull(by, "by is null");
      requireNonNull(action, "action is null");
      requireNonNull(message, "message is null");
    }

    @Override public String type() { return "update"; }
  }

  /**
   * A membership change in a room: {@code action} is join, leave, invite, kick, ban, unban,
   * role (then {@code role} is the new role, else null) or deleted (the room is gone).
   */
  record Member(String conv, String user, String action, String role) implements Event {
    public Member {
      requireNonNull(conv, "conv is null");
      requireNonNull(user, "user is null");
      requireNonNull(action, "action is null");
    }

    public Member(String conv, String user, String action) {
      this(conv, user, action, null);
    }

    @Override public String type() { return "member"; }
  }

  /** A room's topic changed ({@code type} "room"). */
  record RoomChanged(String conv, String topic) implements Event {
    public RoomChanged {
      requireNonNull(conv, "conv is null");
      requireNonNull(topic, "topic is null");
    }

    @Override public String type() { return "room"; }
  }

  /** {@code user} has read {@code conv} up to {@code seq}. */
  record Read(String conv, String user, long seq) implements Event {
    public Read {
      requireNonNull(conv, "conv is null");
      requireNonNull(user, "user is null");
    }

    @Override public String type() { return "read"; }
  }

  record Typing(String conv, String user) implements Event {
    public Typing {
      requireNonNull(conv, "conv is null");
      requireNonNull(user, "user is null");
    }

    @Override public String type() { return "typing"; }
  }

  record Presence(String user, boolean online) implements Event {
    public Presence { requireNonNull(user, "user is null"); }

    @Override public String type() { return "presence"; }
  }
}
