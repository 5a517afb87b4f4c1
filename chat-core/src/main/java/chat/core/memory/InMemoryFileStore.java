package chat.core.memory;

import chat.core.store.ConvId;
import chat.core.store.FileRef;
import chat.core.store.FileStore;
import chat.core.store.FilesUnavailableException;
import chat.core.store.StoredFile;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Files in memory, bytes and all: bounded by the core's upload limits (size, pending files per
 * user, expiry), like the durable store. Guarded by this; the {@link InMemoryMessageStore}
 * attaches and erases files through it.
 */
final class InMemoryFileStore implements FileStore {
  private final Map<String, Entry> files = new HashMap<>(); // guarded by this

  private record Entry(StoredFile file, byte[] bytes) {}

  @Inject
  InMemoryFileStore() {}

  @Override
  public Upload create(String id, String owner, String name, String type, long createdAt) {
    return new Upload() {
      private ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      @Override
      public void write(ByteBuffer buffer) {
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }

      @Override
      public StoredFile commit() {
        byte[] all = bytes.toByteArray();
        bytes = null;
        StoredFile file = new StoredFile(id, owner, name, all.length, type, createdAt, null, 0);
        synchronized (InMemoryFileStore.this) {
          if (files.putIfAbsent(id, new Entry(file, all)) != null) {
            throw new IllegalStateException("file id " + id + " is taken");
          }
        }
        return file;
      }

      @Override
      public void abort() {
        bytes = null;
      }
    };
  }

  @Override
  public synchronized Optional<StoredFile> file(String id) {
    Entry e = files.get(id);
    return e == null ? Optional.empty() : Optional.of(e.file());
  }

  @Override
  public synchronized Optional<InputStream> open(String id) {
    Entry e = files.get(id);
    return e == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(e.bytes()));
  }

  @Override
  public synchronized int pendingCount(String owner) {
    int count = 0;
    for (Entry e : files.values()) {
      if (!e.file().attached() && e.file().owner().equals(owner)) {
        count++;
      }
    }
    return count;
  }

  @Override
  public synchronized long storedBytes(String owner) {
    long bytes = 0;
    for (Entry e : files.values()) {
      if (e.file().owner().equals(owner)) {
        bytes += e.file().size();
      }
    }
    return bytes;
  }

  @Override
  public synchronized int expirePending(long createdBefore) {
    int before = files.size();
    files.values().removeIf(e -> !e.file().attached() && e.file().createdAt() < createdBefore);
    return before - files.size();
  }

  /**
   * Attaches every file to message {@code seq} of {@code conv}, or none: each must be a pending
   * file of {@code owner}.
   */
  synchronized void attach(List<FileRef> refs, String owner, ConvId conv, long seq) {
    List<Entry> claimed = new ArrayList<>(refs.size());
    for (FileRef ref : refs) {
      Entry e = files.get(ref.id());
      if (e == null || e.file().attached() || !e.file().owner().equals(owner)
          || claimed.contains(e)) {
        throw new FilesUnavailableException(ref.id());
      }
      claimed.add(e);
    }
    for (Entry e : claimed) {
      StoredFile f = e.file();
      files.put(f.id(), new Entry(new StoredFile(f.id(), f.owner(), f.name(), f.size(), f.type(),
          f.createdAt(), conv, seq), e.bytes()));
    }
  }

  /** Erases these files. */
  synchronized void erase(List<FileRef> refs) {
    for (FileRef ref : refs) {
      files.remove(ref.id());
    }
  }

  /** Erases every file attached to a message of {@code conv}. */
  synchronized void eraseConversation(ConvId conv) {
    files.values().removeIf(e -> conv.equals(e.file().conv()));
  }
}
