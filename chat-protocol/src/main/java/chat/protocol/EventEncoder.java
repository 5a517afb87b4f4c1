package chat.protocol;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes server frames. Hand-written with {@link JsonWriter}: this is the hot path. */
final class EventEncoder {

  private EventEncoder() {}

  static String encode(Event event) {
    TextOut out = new TextOut(256);
    try (JsonWriter w = new JsonWriter(out)) {
      w.setHtmlSafe(false);
      w.setSerializeNulls(true);
      w.beginObject();
      w.name("type").value(event.type());
      writeFields(w, event);
      w.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // TextOut does not throw
    }
    return out.toString();
  }

  private static void writeFields(JsonWriter w, Event event) throws IOException {
    if (event instanceof Event.Message m) {
      writeMessageFields(w, m);
    } else if (event instanceof Event.Ok ok) {
      w.name("re").value(ok.re());
      writeResult(w, ok.result());
    } else if (event instanceof Event.Error e) {
      w.name("re").value(e.re());
      w.name("code").value(e.code().wireName());
      w.name("message").value(e.message());
      if (e.retryAfterMs() != null) {
        w.name("retryAfterMs").value(e.retryAfterMs());
      }
    } else if (event instanceof Event.Hello h) {
      w.name("protocol").value(h.protocol());
      w.name("server").value(h.server());
      w.name("epoch").value(h.epoch());
      Limits l = h.limits();
      w.name("limits").beginObject();
      w.name("maxFrameBytes").value(l.maxFrameBytes());
      w.name("maxTextChars").value(l.maxTextChars());
      w.name("historyMax").value(l.historyMax());
      w.name("sendPerSecond").value(l.sendPerSecond());
      w.name("sendBurst").value(l.sendBurst());
      w.name("authTimeoutMs").value(l.authTimeoutMs());
      w.name("requestsPerSecond").value(l.requestsPerSecond());
      w.name("requestBurst").value(l.requestBurst());
      w.name("maxUploadBytes").value(l.maxUploadBytes());
      w.endObject();
      w.name("features").beginArray();
      for (String feature : h.features()) {
        w.value(feature);
      }
      w.endArray();
    } else if (event instanceof Event.Member m) {
      w.name("conv").value(m.conv());
      w.name("user").value(m.user());
      w.name("action").value(m.action());
      if (m.role() != null) {
        w.name("role").value(m.role());
      }
    } else if (event instanceof Event.Update u) {
      writeUpdateFields(w, u);
    } else if (event instanceof Event.RoomChanged r) {
      w.name("conv").value(r.conv());
      w.name("topic").value(r.topic());
    } else if (event instanceof Event.Read r) {
      w.name("conv").value(r.conv());
      w.name("user").value(r.user());
      w.name("seq").value(r.seq());
    } else if (event instanceof Event.Typing t) {
      w.name("conv").value(t.conv());
      w.name("user").value(t.user());
    } else if (event instanceof Event.Presence p) {
      w.name("user").value(p.user());
      w.name("online").value(p.online());
    } else {
      throw new IllegalArgumentException("unknown event " + event.getClass());
    }
  }

  static void writeMessageFields(JsonWriter w, Event.Message m) throws IOException {
    w.name("conv").value(m.conv());
    w.name("seq").value(m.seq());
    w.name("from").value(m.from());
    w.name("text").value(m.text());
    w.name("ts").value(m.ts());
    w.name("cid").value(m.cid());
    // The second round's fields, only when set: a plain message encodes as in the first round.
    if (m.replyTo() != null) {
      w.name("replyTo").value(m.replyTo());
    }
    if (!m.mentions().isEmpty()) {
      w.name("mentions").beginArray();
      for (String user : m.mentions()) {
        w.value(user);
      }
      w.endArray();
    }
    if (m.edited() != null) {
      w.name("edited").value(m.edited());
    }
    if (m.deleted()) {
      w.name("deleted").value(true);
    }
    if (!m.reactions().isEmpty()) {
      w.name("reactions").beginObject();
      for (var e : m.reactions().entrySet()) {
        w.name(e.getKey()).beginArray();
        for (String user : e.getValue()) {
          w.value(user);
        }
        w.endArray();
      }
      w.endObject();
    }
    if (!m.files().isEmpty()) {
      w.name("files").beginArray();
      for (FileInfo f : m.files()) {
        w.beginObject();
        w.name("id").value(f.id());
        w.name("name").value(f.name());
        w.name("size").value(f.size());
        w.name("type").value(f.type());
        w.name("url").value(f.url());
        w.endObject();
      }
      w.endArray();
    }
  }

  /** An update's fields (the event's, and each entry of an updates reply). */
  static void writeUpdateFields(JsonWriter w, Event.Update u) throws IOException {
    w.name("conv").value(u.conv());
    w.name("seq").value(u.seq());
    w.name("rev").value(u.rev());
    w.name("by").value(u.by());
    w.name("action").value(u.action());
    w.name("message").beginObject();
    w.name("type").value(u.message().type());
    writeMessageFields(w, u.message());
    w.endObject();
  }

  private static void writeResult(JsonWriter w, Result result) throws IOException {
    if (result instanceof Result.Empty) {
      return;
    } else if (result instanceof Result.Sent s) {
      w.name("conv").value(s.conv());
      w.name("seq").value(s.seq());
      w.name("ts").value(s.ts());
      w.name("cid").value(s.cid());
    } else if (result instanceof Result.Auth a) {
      w.name("user").value(a.user());
      w.name("token").value(a.token());
      w.name("expiresAt").value(a.expiresAt());
    } else if (result instanceof Result.Created c) {
      w.name("room").value(c.room());
    } else if (result instanceof Result.Joined j) {
      w.name("conv").value(j.conv());
      w.name("topic").value(j.topic());
      w.name("lastSeq").value(j.lastSeq());
    } else if (result instanceof Result.Rooms r) {
      w.name("rooms").beginArray();
      for (Result.RoomInfo room : r.rooms()) {
        w.beginObject();
        w.name("room").value(room.room());
        w.name("topic").value(room.topic());
        w.name("private").value(room.isPrivate());
        w.name("members").value(room.members());
        w.name("joined").value(room.joined());
        w.endObject();
      }
      w.endArray();
      w.name("more").value(r.more());
    } else if (result instanceof Result.Users u) {
      w.name("users").beginArray();
      for (String user : u.users()) {
        w.value(user);
      }
      w.endArray();
    } else if (result instanceof Result.Members m) {
      w.name("members").beginArray();
      for (Result.MemberInfo member : m.members()) {
        w.beginObject();
        w.name("user").value(member.user());
        w.name("role").value(member.role());
        w.name("online").value(member.online());
        w.endObject();
      }
      w.endArray();
    } else if (result instanceof Result.Conversations c) {
      w.name("conversations").beginArray();
      for (Result.ConversationInfo conv : c.conversations()) {
        w.beginObject();
        w.name("conv").value(conv.conv());
        w.name("lastSeq").value(conv.lastSeq());
        w.name("readSeq").value(conv.readSeq());
        w.name("lastRev").value(conv.lastRev());
        w.endObject();
      }
      w.endArray();
    } else if (result instanceof Result.History h) {
      w.name("conv").value(h.conv());
      w.name("messages").beginArray();
      for (Event.Message m : h.messages()) {
        w.beginObject();
        w.name("type").value(m.type());
        writeMessageFields(w, m);
        w.endObject();
      }
      w.endArray();
      w.name("more").value(h.more());
    } else if (result instanceof Result.Changed c) {
      w.name("conv").value(c.conv());
      w.name("seq").value(c.seq());
      w.name("rev").value(c.rev());
    } else if (result instanceof Result.Updates u) {
      w.name("conv").value(u.conv());
      w.name("updates").beginArray();
      for (Event.Update update : u.updates()) {
        w.beginObject();
        writeUpdateFields(w, update);
        w.endObject();
      }
      w.endArray();
      w.name("more").value(u.more());
    } else if (result instanceof Result.Search s) {
      w.name("results").beginArray();
      for (Result.SearchHit hit : s.results()) {
        w.beginObject();
        w.name("conv").value(hit.conv());
        w.name("message").beginObject();
        w.name("type").value(hit.message().type());
        writeMessageFields(w, hit.message());
        w.endObject();
        w.endObject();
      }
      w.endArray();
      w.name("more").value(s.more());
      if (s.next() != null) {
        w.name("next").value(s.next());
      }
    } else if (result instanceof Result.Pong p) {
      w.name("ts").value(p.ts());
    } else {
      throw new IllegalArgumentException("unknown result " + result.getClass());
    }
  }
}
