package chat.protocol;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/** Reads server frames on the client side. The server is trusted less than fully: errors are typed. */
final class EventDecoder {

  private EventDecoder() {}

  static Event decode(String frame) {
    JsonObject o;
    try {
      JsonReader reader = new JsonReader(new StringReader(frame));
      reader.setStrictness(Strictness.STRICT);
      reader.setNestingLimit(FrameCodec.MAX_NESTING);
      JsonElement element = JsonParser.parseReader(reader);
      if (!element.isJsonObject()) {
        throw new MalformedFrameException("not a JSON object");
      }
      o = element.getAsJsonObject();
    } catch (MalformedFrameException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new MalformedFrameException("not valid JSON", e);
    }
    try {
      return toEvent(o);
    } catch (MalformedFrameException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new MalformedFrameException("malformed " + str(o, "type") + " frame: " + e, e);
    }
  }

  private static Event toEvent(JsonObject o) {
    String type = str(o, "type");
    switch (type) {
      case "hello": {
        JsonObject l = o.getAsJsonObject("limits");
        Limits limits = new Limits(
            l.get("maxFrameBytes").getAsInt(), l.get("maxTextChars").getAsInt(),
            l.get("historyMax").getAsInt(), l.get("sendPerSecond").getAsInt(),
            l.get("sendBurst").getAsInt(), l.get("authTimeoutMs").getAsLong(),
            l.has("requestsPerSecond") ? l.get("requestsPerSecond").getAsInt()
                : Limits.DEFAULT_REQUESTS_PER_SECOND,
            l.has("requestBurst") ? l.get("requestBurst").getAsInt()
                : Limits.DEFAULT_REQUEST_BURST,
            l.has("maxUploadBytes") ? l.get("maxUploadBytes").getAsLong()
                : Limits.DEFAULT_MAX_UPLOAD_BYTES);
        List<String> features = new ArrayList<>();
        if (o.has("features")) {
          for (JsonElement e : o.getAsJsonArray("features")) {
            features.add(e.getAsString());
          }
        }
        return new Event.Hello(o.get("protocol").getAsInt(), str(o, "server"), str(o, "epoch"),
            limits, features);
      }
      case "ok":
        return new Event.Ok(optStr(o, "re"), toResult(o));
      case "error": {
        JsonElement retry = o.get("retryAfterMs");
        return new Event.Error(optStr(o, "re"), ErrorCode.fromWire(str(o, "code")),
            str(o, "message"), retry == null || retry.isJsonNull() ? null : retry.getAsLong());
      }
      case "message":
        return toMessage(o);
      case "update":
        return toUpdate(o);
      case "member":
        return new Event.Member(
            str(o, "conv"), str(o, "user"), str(o, "action"), optStr(o, "role"));
      case "room":
        return new Event.RoomChanged(str(o, "conv"), str(o, "topic"));
      case "read":
        return new Event.Read(str(o, "conv"), str(o, "user"), o.get("seq").getAsLong());
      case "typing":
        return new Event.Typing(str(o, "conv"), str(o, "user"));
      case "presence":
        return new Event.Presence(str(o, "user"), o.get("online").getAsBoolean());
      default:
        throw new MalformedFrameException("unknown event type '" + RequestDecoder.clip(type) + "'");
    }
  }

  private static Event.Update toUpdate(JsonObject o) {
    return new Event.Update(str(o, "conv"), o.get("seq").getAsLong(), o.get("rev").getAsLong(),
        str(o, "by"), str(o, "action"), toMessage(o.getAsJsonObject("message")));
  }

  private static Result toResult(JsonObject o) {
    if (o.has("updates")) {
      List<Event.Update> updates = new ArrayList<>();
      for (JsonElement e : o.getAsJsonArray("updates")) {
        updates.add(toUpdate(e.getAsJsonObject()));
      }
      return new Result.Updates(str(o, "conv"), updates, o.get("more").getAsBoolean());
    }
    if (o.has("rev") && o.has("seq") && !o.has("cid")) {
      return new Result.Changed(str(o, "conv"), o.get("seq").getAsLong(),
          o.get("rev").getAsLong());
    }
    if (o.has("token")) {
      // PROTOCOL.md's password reply names only token and expiresAt; the client knows its user.
      String user = o.has("user") ? str(o, "user") : "";
      return new Result.Auth(user, str(o, "token"), o.get("expiresAt").getAsLong());
    }
    if (o.has("results")) {
      List<Result.SearchHit> hits = new ArrayList<>();
      for (JsonElement e : o.getAsJsonArray("results")) {
        JsonObject hit = e.getAsJsonObject();
        hits.add(new Result.SearchHit(str(hit, "conv"), toMessage(hit.getAsJsonObject("message"))));
      }
      return new Result.Search(hits, o.get("more").getAsBoolean(), optStr(o, "next"));
    }
    if (o.has("messages")) {
      List<Event.Message> messages = new ArrayList<>();
      for (JsonElement e : o.getAsJsonArray("messages")) {
        messages.add(toMessage(e.getAsJsonObject()));
      }
      return new Result.History(str(o, "conv"), messages, o.get("more").getAsBoolean());
    }
    if (o.has("conversations")) {
      List<Result.ConversationInfo> list = new ArrayList<>();
      for (JsonElement e : o.getAsJsonArray("conversations")) {
        JsonObject c = e.getAsJsonObject();
        JsonElement lastRev = c.get("lastRev");
        list.add(new Result.ConversationInfo(str(c, "conv"), c.get("lastSeq").getAsLong(),
            c.get("readSeq").getAsLong(), lastRev == null ? 0 : lastRev.getAsLong()));
      }
      return new Result.Conversations(list);
    }
    if (o.has("rooms")) {
      List<Result.RoomInfo> list = new ArrayList<>();
      for (JsonElement e : o.getAsJsonArray("rooms")) {
        JsonObject r = e.getAsJsonObject();
        list.add(new Result.RoomInfo(str(r, "room"), str(r, "topic"),
            r.get("private").getAsBoolean(), r.get("members").getAsInt(),
            r.get("joined").getAsBoolean()));
      }
      JsonElement more = o.get("more");
      return new Result.Rooms(list, more != null && more.getAsBoolean());
    }
    if (o.has("users")) {
      List<String> users = new ArrayList<>();
      for (JsonElement e : o.getAsJsonArray("users")) {
        users.add(e.getAsString());
      }
      return new Result.Users(users);
    }
    if (o.has("members")) {
      List<Result.MemberInfo> list = new ArrayList<>();
      JsonArray members = o.getAsJsonArray("members");
      for (JsonElement e : members) {
        JsonObject m = e.getAsJsonObject();
        list.add(new Result.MemberInfo(
            str(m, "user"), str(m, "role"), m.get("online").getAsBoolean()));
      }
      return new Result.Members(list);
    }
    if (o.has("seq") && o.has("cid")) {
      return new Result.Sent(str(o, "conv"), o.get("seq").getAsLong(), o.get("ts").getAsLong(),
          str(o, "cid"));
    }
    if (o.has("lastSeq")) {
      return new Result.Joined(str(o, "conv"), str(o, "topic"), o.get("lastSeq").getAsLong());
    }
    if (o.has("room")) {
      return new Result.Created(str(o, "room"));
    }
    if (o.has("ts")) {
      return new Result.Pong(o.get("ts").getAsLong());
    }
    return Result.EMPTY;
  }

  private static Event.Message toMessage(JsonObject o) {
    JsonElement replyTo = o.get("replyTo");
    JsonElement edited = o.get("edited");
    JsonElement deleted = o.get("deleted");
    List<String> mentions = new ArrayList<>();
    if (o.has("mentions")) {
      for (JsonElement e : o.getAsJsonArray("mentions")) {
        mentions.add(e.getAsString());
      }
    }
    java.util.Map<String, List<String>> reactions = new java.util.LinkedHashMap<>();
    if (o.has("reactions")) {
      for (var e : o.getAsJsonObject("reactions").entrySet()) {
        List<String> users = new ArrayList<>();
        for (JsonElement u : e.getValue().getAsJsonArray()) {
          users.add(u.getAsString());
        }
        reactions.put(e.getKey(), users);
      }
    }
    List<FileInfo> files = new ArrayList<>();
    if (o.has("files")) {
      for (JsonElement e : o.getAsJsonArray("files")) {
        JsonObject f = e.getAsJsonObject();
        files.add(new FileInfo(str(f, "id"), str(f, "name"), f.get("size").getAsLong(),
            str(f, "type"), str(f, "url")));
      }
    }
    return new Event.Message(str(o, "conv"), o.get("seq").getAsLong(), str(o, "from"),
        str(o, "text"), o.get("ts").getAsLong(), str(o, "cid"),
        replyTo == null || replyTo.isJsonNull() ? null : replyTo.getAsLong(), mentions,
        edited == null || edited.isJsonNull() ? null : edited.getAsLong(),
        deleted != null && !deleted.isJsonNull() && deleted.getAsBoolean(), reactions, files);
  }

  private static String str(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new MalformedFrameException(name + ": missing or not a string");
    }
    return e.getAsString();
  }

  private static String optStr(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }
}
