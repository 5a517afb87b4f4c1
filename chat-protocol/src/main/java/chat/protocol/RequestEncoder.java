package chat.protocol;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes client frames, for the SDK, bots and tests. Optional fields that are null are left out. */
final class RequestEncoder {

  private RequestEncoder() {}

  static String encode(Request request) {
    TextOut out = new TextOut(128);
    try (JsonWriter w = new JsonWriter(out)) {
      w.setHtmlSafe(false);
      w.beginObject();
      w.name("type").value(request.type());
      if (request.id() != null) {
        w.name("id").value(request.id());
      }
      writeFields(w, request);
      w.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeFields(JsonWriter w, Request request) throws IOException {
    if (request instanceof Request.Send s) {
      w.name("to").value(s.to());
      w.name("text").value(s.text());
      w.name("cid").value(s.cid());
      if (s.replyTo() != null) {
        w.name("replyTo").value(s.replyTo());
      }
      if (!s.files().isEmpty()) {
        w.name("files").beginArray();
        for (String file : s.files()) {
          w.value(file);
        }
        w.endArray();
      }
    } else if (request instanceof Request.Edit e) {
      w.name("conv").value(e.conv());
      w.name("seq").value(e.seq());
      w.name("text").value(e.text());
    } else if (request instanceof Request.DeleteMessage d) {
      w.name("conv").value(d.conv());
      w.name("seq").value(d.seq());
    } else if (request instanceof Request.React r) {
      w.name("conv").value(r.conv());
      w.name("seq").value(r.seq());
      w.name("emoji").value(r.emoji());
      w.name("on").value(r.on());
    } else if (request instanceof Request.Updates u) {
      w.name("conv").value(u.conv());
      w.name("afterRev").value(u.afterRev());
      if (u.limit() != null) {
        w.name("limit").value(u.limit());
      }
    } else if (request instanceof Request.Search q) {
      w.name("query").value(q.query());
      if (q.conv() != null) {
        w.name("conv").value(q.conv());
      }
      if (q.limit() != null) {
        w.name("limit").value(q.limit());
      }
      if (q.before() != null) {
        w.name("before").value(q.before());
      }
    } else if (request instanceof Request.Register r) {
      w.name("user").value(r.user());
      w.name("password").value(r.password());
    } else if (request instanceof Request.Login l) {
      w.name("user").value(l.user());
      w.name("password").value(l.password());
    } else if (request instanceof Request.TokenLogin t) {
      w.name("token").value(t.token());
    } else if (request instanceof Request.Create c) {
      w.name("room").value(c.room());
      w.name("topic").value(c.topic());
      w.name("private").value(c.isPrivate());
    } else if (request instanceof Request.Join j) {
      w.name("room").value(j.room());
    } else if (request instanceof Request.Leave l) {
      w.name("room").value(l.room());
    } else if (request instanceof Request.Invite i) {
      w.name("room").value(i.room());
      w.name("user").value(i.user());
    } else if (request instanceof Request.Kick k) {
      w.name("room").value(k.room());
      w.name("user").value(k.user());
    } else if (request instanceof Request.Members m) {
      w.name("room").value(m.room());
    } else if (request instanceof Request.History h) {
      w.name("conv").value(h.conv());
      if (h.after() != null) {
        w.name("after").value(h.after());
      }
      if (h.before() != null) {
        w.name("before").value(h.before());
      }
      if (h.limit() != null) {
        w.name("limit").value(h.limit());
      }
    } else if (request instanceof Request.MarkRead r) {
      w.name("conv").value(r.conv());
      w.name("seq").value(r.seq());
    } else if (request instanceof Request.Typing t) {
      w.name("conv").value(t.conv());
    } else if (request instanceof Request.Logout l) {
      if (l.all()) {
        w.name("all").value(true);
      }
    } else if (request instanceof Request.ListRooms r) {
      if (r.query() != null) {
        w.name("query").value(r.query());
      }
      if (r.after() != null) {
        w.name("after").value(r.after());
      }
      if (r.limit() != null) {
        w.name("limit").value(r.limit());
      }
    } else if (request instanceof Request.ChangePassword p) {
      w.name("old").value(p.oldPassword());
      w.name("new").value(p.newPassword());
    } else if (request instanceof Request.DeleteAccount d) {
      w.name("password").value(d.password());
    } else if (request instanceof Request.Block b) {
      w.name("user").value(b.user());
    } else if (request instanceof Request.Unblock u) {
      w.name("user").value(u.user());
    } else if (request instanceof Request.Ban b) {
      w.name("room").value(b.room());
      w.name("user").value(b.user());
    } else if (request instanceof Request.Unban u) {
      w.name("room").value(u.room());
      w.name("user").value(u.user());
    } else if (request instanceof Request.ListBans b) {
      w.name("room").value(b.room());
    } else if (request instanceof Request.SetRole r) {
      w.name("room").value(r.room());
      w.name("user").value(r.user());
      w.name("role").value(r.role());
    } else if (request instanceof Request.SetTopic t) {
      w.name("room").value(t.room());
      w.name("topic").value(t.topic());
    } else if (request instanceof Request.DeleteRoom d) {
      w.name("room").value(d.room());
    } else if (request instanceof Request.ListBlocked
        || request instanceof Request.ListConversations
        || request instanceof Request.Ping) {
      return;
    } else {
      throw new IllegalArgumentException("unknown request " + request.getClass());
    }
  }
}
