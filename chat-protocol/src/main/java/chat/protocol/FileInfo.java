package chat.protocol;

import static java.util.Objects.requireNonNull;

/**
 * A file attached to a message, as message objects carry it: its id, the name it was uploaded
 * under, its size in bytes, its media type, and the URL its bytes are served at ({@code
 * /files/<id>} from the server, relative to the server's HTTP origin).
 */
public record FileInfo(String id, String name, long size, String type, String url) {

  /** The path a server serves file {@code id} at. */
  public static String path(String id) {
    return "/files/" + id;
  }

  public FileInfo {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(url, "url is null");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
  }

  /** The same file with its URL replaced (e.g. resolved against the HTTP origin). */
  public FileInfo withUrl(String newUrl) {
    return new FileInfo(id, name, size, type, newUrl);
  }
}
