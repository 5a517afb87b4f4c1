package chat.protocol;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Decodes untrusted request frames. Never throws; see {@link FrameCodec#decodeRequest}. */
final class RequestDecoder {

  /** Fields some request reads; every other field is skipped unread. */
  private static final Set<String> KNOWN_FIELDS = Set.of(
      "type", "id", "user", "password", "token", "to", "text", "cid", "room", "topic", "private",
      "conv", "after", "before", "limit", "seq", "all", "old", "new", "query", "role", "replyTo",
      "emoji", "on", "afterRev", "files");

  /** Known fields whose value is an array of strings; every other known field is a scalar. */
  private static final Set<String> STRING_LIST_FIELDS = Set.of("files");

  /** Stands for a known field whose value was an object or array. */
  private static final Object STRUCTURE = new Object();

  private RequestDecoder() {}

  static DecodeResult decode(String frame) {
    Map<String, Object> fields;
    try {
      fields = readTopLevelObject(frame);
    } catch (InvalidFrame e) {
      return new DecodeResult.Invalid(null, e.getMessage());
    } catch (MalformedJsonException e) {
      String text = e.getMessage();
      return new DecodeResult.Invalid(idOfBroken(frame),
          text != null && text.startsWith("Nesting limit")
              ? "nesting deeper than " + FrameCodec.MAX_NESTING + " levels"
              : text != null && text.startsWith("Unpaired surrogate")
                  ? "not valid JSON: a string holds half of a surrogate pair"
                  : "not valid JSON");
    } catch (NumberFormatException | IllegalStateException e) {
      return new DecodeResult.Invalid(idOfBroken(frame), "not valid JSON");
    } catch (IOException e) {
      return new DecodeResult.Invalid(idOfBroken(frame), "not valid JSON");
    } catch (RuntimeException e) {
      // Gson reports some malformed input (e.g. nesting limit) as unchecked exceptions.
      return new DecodeResult.Invalid(idOfBroken(frame), "not valid JSON");
    }

    Fields f = new Fields(fields);
    String re = null;
    try {
      re = f.optionalString("id");
      if (re != null && re.length() > Request.MAX_ID_CHARS) {
        return new DecodeResult.Invalid(null, "id: longer than " + Request.MAX_ID_CHARS + " chars");
      }
      return new DecodeResult.Valid(toRequest(f, re));
    } catch (InvalidFrame e) {
      return new DecodeResult.Invalid(re, e.getMessage());
    }
  }

  private static Request toRequest(Fields f, String id) throws InvalidFrame {
    String type = f.requiredString("type");
    switch (type) {
      case "register":
        return new Request.Register(id, f.requiredString("user"), f.requiredString("password"));
      case "login":
        if (f.has("token")) {
          if (f.has("user") || f.has("password")) {
            throw new InvalidFrame("login: give either token or user and password, not both");
          }
          return new Request.TokenLogin(id, f.requiredString("token"));
        }
        if (!f.has("user") && !f.has("password")) {
          throw new InvalidFrame("login: token, or user and password, is required");
        }
        return new Request.Login(id, f.requiredString("user"), f.requiredString("password"));
      case "logout":
        return new Request.Logout(id, f.optionalBoolean("all"));
      case "password":
        return new Request.ChangePassword(id, f.requiredString("old"), f.requiredString("new"));
      case "delete_account":
        return new Request.DeleteAccount(id, f.requiredString("password"));
      case "block":
        return new Request.Block(id, f.requiredString("user"));
      case "unblock":
        return new Request.Unblock(id, f.requiredString("user"));
      case "blocked":
        return new Request.ListBlocked(id);
      case "ban":
        return new Request.Ban(id, f.requiredString("room"), f.requiredString("user"));
      case "unban":
        return new Request.Unban(id, f.requiredString("room"), f.requiredString("user"));
      case "bans":
        return new Request.ListBans(id, f.requiredString("room"));
      case "role":
        return new Request.SetRole(
            id, f.requiredString("room"), f.requiredString("user"), f.requiredString("role"));
      case "topic":
        return new Request.SetTopic(id, f.requiredString("room"), f.requiredString("topic"));
      case "delete_room":
        return new Request.DeleteRoom(id, f.requiredString("room"));
      case "send": {
        Long replyTo = f.optionalLong("replyTo");
        if (replyTo != null && replyTo < 1) {
          throw new InvalidFrame("replyTo: must be a positive seq");
        }
        List<String> files = f.optionalStrings("files");
        if (files.size() > Request.Send.MAX_FILES) {
          throw new InvalidFrame("files: at most " + Request.Send.MAX_FILES);
        }
        // With files, the text may be left out: it is then empty.
        String text = files.isEmpty() || f.has("text") ? f.requiredString("text") : "";
        return new Request.Send(id, f.requiredString("to"), text, f.requiredString("cid"),
            replyTo, files);
      }
      case "edit":
        return new Request.Edit(id, f.requiredString("conv"), positiveSeq(f),
            f.requiredString("text"));
      case "delete":
        return new Request.DeleteMessage(id, f.requiredString("conv"), positiveSeq(f));
      case "react": {
        if (!f.has("on")) {
          throw new InvalidFrame("on: required (true or false)");
        }
        return new Request.React(id, f.requiredString("conv"), positiveSeq(f),
            f.requiredString("emoji"), f.optionalBoolean("on"));
      }
      case "updates": {
        long afterRev = f.requiredLong("afterRev");
        if (afterRev < 0) {
          throw new InvalidFrame("afterRev: must not be negative");
        }
        Long limit = f.optionalLong("limit");
        if (limit != null && (limit < 1 || limit > Integer.MAX_VALUE)) {
          throw new InvalidFrame("limit: must be a positive integer");
        }
        return new Request.Updates(id, f.requiredString("conv"), afterRev,
            limit == null ? null : limit.intValue());
      }
      case "search": {
        Long limit = f.optionalLong("limit");
        if (limit != null && (limit < 1 || limit > Integer.MAX_VALUE)) {
          throw new InvalidFrame("limit: must be a positive integer");
        }
        return new Request.Search(id, f.requiredString("query"), f.optionalString("conv"),
            limit == null ? null : limit.intValue(), f.optionalString("before"));
      }
      case "create":
        return new Request.Create(
            id, f.requiredString("room"), f.optionalString("topic"), f.optionalBoolean("private"));
      case "join":
        return new Request.Join(id, f.requiredString("room"));
      case "leave":
        return new Request.Leave(id, f.requiredString("room"));
      case "invite":
        return new Request.Invite(id, f.requiredString("room"), f.requiredString("user"));
      case "kick":
        return new Request.Kick(id, f.requiredString("room"), f.requiredString("user"));
      case "rooms": {
        Long limit = f.optionalLong("limit");
        if (limit != null && (limit < 1 || limit > Integer.MAX_VALUE)) {
          throw new InvalidFrame("limit: must be a positive integer");
        }
        return new Request.ListRooms(id, f.optionalString("query"), f.optionalString("after"),
            limit == null ? null : limit.intValue());
      }
      case "members":
        return new Request.Members(id, f.requiredString("room"));
      case "conversations":
        return new Request.ListConversations(id);
      case "history": {
        Long after = f.optionalLong("after");
        Long before = f.optionalLong("before");
        if (after != null && before != null) {
          throw new InvalidFrame("history: after and before cannot be used together");
        }
        Long limit = f.optionalLong("limit");
        if (limit != null && (limit < 1 || limit > Integer.MAX_VALUE)) {
          throw new InvalidFrame("limit: must be a positive integer");
        }
        if (after != null && after < 0) {
          throw new InvalidFrame("after: must not be negative");
        }
        if (before != null && before < 1) {
          throw new InvalidFrame("before: must be positive");
        }
        return new Request.History(
            id, f.requiredString("conv"), after, before, limit == null ? null : limit.intValue());
      }
      case "read": {
        long seq = f.requiredLong("seq");
        if (seq < 0) {
          throw new InvalidFrame("seq: must not be negative");
        }
        return new Request.MarkRead(id, f.requiredString("conv"), seq);
      }
      case "typing":
        return new Request.Typing(id, f.requiredString("conv"));
      case "ping":
        return new Request.Ping(id);
      default:
        throw new InvalidFrame("type: unknown request type '" + clip(type) + "'");
    }
  }

  private static long positiveSeq(Fields f) throws InvalidFrame {
    long seq = f.requiredLong("seq");
    if (seq < 1) {
      throw new InvalidFrame("seq: must be positive");
    }
    return seq;
  }

  private static Map<String, Object> readTopLevelObject(String frame)
      throws IOException, InvalidFrame {
    if (frame == null) {
      throw new InvalidFrame("empty frame");
    }
    JsonReader reader = new JsonReader(new StringReader(frame));
    reader.setStrictness(Strictness.STRICT);
    reader.setNestingLimit(FrameCodec.MAX_NESTING);
    if (reader.peek() != JsonToken.BEGIN_OBJECT) {
      throw new InvalidFrame("not a JSON object");
    }
    Map<String, Object> fields = new HashMap<>();
    reader.beginObject();
    while (reader.hasNext()) {
      String name = reader.nextName();
      if (!KNOWN_FIELDS.contains(name)) {
        reader.skipValue();
        continue;
      }
      if (fields.containsKey(name)) {
        throw new InvalidFrame(clip(name) + ": duplicate field");
      }
      fields.put(name, STRING_LIST_FIELDS.contains(name) && reader.peek() == JsonToken.BEGIN_ARRAY
          ? readStrings(reader) : readScalar(reader));
    }
    reader.endObject();
    JsonToken next;
    try {
      next = reader.peek();
    } catch (MalformedJsonException e) {
      next = null; // strict mode rejects any non-whitespace after the top-level value
    }
    if (next != JsonToken.END_DOCUMENT) {
      throw new InvalidFrame("trailing data after the JSON object");
    }
    return fields;
  }

  /**
   * The {@code id} of a frame that is not valid JSON, if a lenient reading of its top-level
   * object finds one (a string of at most {@link Request#MAX_ID_CHARS}) before it breaks, else
   * null: so that a request refused for, say, half a surrogate pair in its text still gets its
   * one reply under its id, and its client does not wait for it forever.
   */
  private static String idOfBroken(String frame) {
    if (frame == null) {
      return null;
    }
    try {
      JsonReader reader = new JsonReader(new StringReader(frame));
      reader.setStrictness(Strictness.LENIENT);
      reader.setNestingLimit(FrameCodec.MAX_NESTING);
      if (reader.peek() != JsonToken.BEGIN_OBJECT) {
        return null;
      }
      reader.beginObject();
      while (reader.hasNext()) {
        if (reader.nextName().equals("id")) {
          if (reader.peek() != JsonToken.STRING) {
            return null;
          }
          String id = reader.nextString();
          return id.length() <= Request.MAX_ID_CHARS ? id : null;
        }
        reader.skipValue();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null; // broken before the id
    }
  }

  /** Reads a value: String, Boolean, {@link NumberLiteral}, null, or {@link #STRUCTURE}. */
  private static Object readScalar(JsonReader reader) throws IOException {
    switch (reader.peek()) {
      case STRING:
        return reader.nextString();
      case NUMBER:
        return new NumberLiteral(reader.nextString());
      case BOOLEAN:
        return reader.nextBoolean();
      case NULL:
        reader.nextNull();
        return null;
      default:
        reader.skipValue();
        return STRUCTURE;
    }
  }

  /** Reads an array: a {@link StringList}, marked invalid if an element is not a string. */
  private static StringList readStrings(JsonReader reader) throws IOException {
    List<String> values = new ArrayList<>();
    boolean valid = true;
    reader.beginArray();
    while (reader.hasNext()) {
      if (reader.peek() == JsonToken.STRING) {
        values.add(reader.nextString());
      } else {
        reader.skipValue();
        valid = false;
      }
    }
    reader.endArray();
    return new StringList(values, valid);
  }

  static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  private record NumberLiteral(String text) {}

  private record StringList(List<String> values, boolean valid) {}

  /** A frame that is JSON but not a valid request; the message is the reason given to the client. */
  private static final class InvalidFrame extends Exception {
    InvalidFrame(String message) {
      super(message, null, false, false);
    }
  }

  /** Typed access to the decoded top-level fields, with precise errors. */
  private static final class Fields {
    private final Map<String, Object> values;

    Fields(Map<String, Object> values) {
      this.values = values;
    }

    boolean has(String name) {
      return values.get(name) != null;
    }

    String requiredString(String name) throws InvalidFrame {
      String value = optionalString(name);
      if (value == null) {
        throw new InvalidFrame(name + ": required");
      }
      return value;
    }

    String optionalString(String name) throws InvalidFrame {
      Object value = values.get(name);
      if (value == null || value instanceof String) {
        return (String) value;
      }
      throw new InvalidFrame(name + ": must be a string");
    }

    boolean optionalBoolean(String name) throws InvalidFrame {
      Object value = values.get(name);
      if (value == null) {
        return false;
      }
      if (value instanceof Boolean) {
        return (Boolean) value;
      }
      throw new InvalidFrame(name + ": must be true or false");
    }

    /** An array of strings; empty if absent. */
    List<String> optionalStrings(String name) throws InvalidFrame {
      Object value = values.get(name);
      if (value == null) {
        return List.of();
      }
      if (value instanceof StringList list && list.valid()) {
        return list.values();
      }
      throw new InvalidFrame(name + ": must be an array of strings");
    }

    long requiredLong(String name) throws InvalidFrame {
      Long value = optionalLong(name);
      if (value == null) {
        throw new InvalidFrame(name + ": required");
      }
      return value;
    }

    Long optionalLong(String name) throws InvalidFrame {
      Object value = values.get(name);
      if (value == null) {
        return null;
      }
      if (!(value instanceof NumberLiteral)) {
        throw new InvalidFrame(name + ": must be an integer");
      }
      String text = ((NumberLiteral) value).text();
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        boolean integral = text.chars().allMatch(c -> c == '-' || (c >= '0' && c <= '9'));
        throw new InvalidFrame(name + (integral ? ": out of range" : ": must be an integer"));
      }
    }
  }
}
