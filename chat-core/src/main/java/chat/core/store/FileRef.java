package chat.core.store;

import static java.util.Objects.requireNonNull;

/** A file as a message carries it: its id, the name it was uploaded under, size and media type. */
public record FileRef(String id, String name, long size, String type) {
  public FileRef {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
  }
}
