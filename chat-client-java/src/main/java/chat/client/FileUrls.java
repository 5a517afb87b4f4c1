package chat.client;

import chat.protocol.Event;
import chat.protocol.FileInfo;
import chat.protocol.Result;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the file URLs of received messages absolute: the server sends them relative to its HTTP
 * origin ({@code /files/<id>}), which a program outside a browser cannot fetch as such. Messages
 * in {@code message} and {@code update} events and in {@code history} and {@code updates}
 * replies; everything else passes unchanged. Pure; thread-safe.
 */
final class FileUrls {
  private final URI origin;

  /** {@code origin}: {@code http(s)://host[:port]}, against which relative URLs resolve. */
  FileUrls(URI origin) {
    this.origin = origin;
  }

  URI origin() {
    return origin;
  }

  /**
   * {@code url} resolved against the origin (an absolute one stays as it is); one that is not a
   * URI at all stays as the server sent it (a message must not be lost over its file's URL).
   */
  String resolve(String url) {
    try {
      return origin.resolve(url).toString();
    } catch (IllegalArgumentException notAUri) {
      return url;
    }
  }

  FileInfo resolve(FileInfo f) {
    return f.withUrl(resolve(f.url()));
  }

  Event resolve(Event event) {
    if (event instanceof Event.Message m) {
      return resolve(m);
    }
    if (event instanceof Event.Update u) {
      return resolve(u);
    }
    if (event instanceof Event.Ok ok && ok.result() instanceof Result.History h) {
      List<Event.Message> messages = new ArrayList<>(h.messages().size());
      h.messages().forEach(m -> messages.add(resolve(m)));
      return new Event.Ok(ok.re(), new Result.History(h.conv(), messages, h.more()));
    }
    if (event instanceof Event.Ok ok && ok.result() instanceof Result.Updates page) {
      List<Event.Update> updates = new ArrayList<>(page.updates().size());
      page.updates().forEach(u -> updates.add(resolve(u)));
      return new Event.Ok(ok.re(), new Result.Updates(page.conv(), updates, page.more()));
    }
    return event;
  }

  private Event.Message resolve(Event.Message m) {
    if (m.files().isEmpty()) {
      return m;
    }
    List<FileInfo> files = new ArrayList<>(m.files().size());
    m.files().forEach(f -> files.add(resolve(f)));
    return m.withFiles(files);
  }

  private Event.Update resolve(Event.Update u) {
    Event.Message m = resolve(u.message());
    return m == u.message() ? u : new Event.Update(u.conv(), u.seq(), u.rev(), u.by(),
        u.action(), m);
  }

  /**
   * The HTTP origin of a server whose WebSocket is at {@code ws}: same host and port, {@code
   * ws} becoming {@code http} and {@code wss} {@code https}. Right when one origin serves both,
   * as behind the proxy of {@code deploy/}; the bare jar serves HTTP on another port (8080 beside
   * 8081), which {@link ChatClient.Builder#httpOrigin} then names.
   */
  static URI defaultOrigin(URI ws) {
    String scheme = "wss".equals(ws.getScheme()) ? "https" : "http";
    return URI.create(scheme + "://" + ws.getRawAuthority());
  }
}
