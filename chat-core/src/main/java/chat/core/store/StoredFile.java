package chat.core.store;

import static java.util.Objects.requireNonNull;

/**
 * A file as stored: its id (also the name of its bytes on disk, never the user's name), who
 * uploaded it, the name and media type it was uploaded with, its size, and when it was stored
 * (ms). {@code conv} and {@code seq} name the message it is attached to; both are null/0 while it
 * is pending (uploaded, not yet sent).
 */
public record StoredFile(String id, String owner, String name, long size, String type,
    long createdAt, ConvId conv, long seq) {
  public StoredFile {
    requireNonNull(id, "id is null");
    requireNonNull(owner, "owner is null");
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    if ((conv == null) != (seq == 0)) {
      throw new IllegalArgumentException("conv and seq are set together");
    }
  }

  /** Whether it is attached to a message. */
  public boolean attached() {
    return conv != null;
  }

  /** As a message carries it. */
  public FileRef ref() {
    return new FileRef(id, name, size, type);
  }
}
