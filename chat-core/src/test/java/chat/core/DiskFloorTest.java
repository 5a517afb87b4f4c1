package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.core.memory.InMemoryStoreModule;
import chat.core.store.FileStore;
import chat.core.store.StoredFile;
import chat.protocol.ErrorCode;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Uploads keep the files' disk above its floor (here 10 MiB): refused at the start when the
 * declared size would pass it, stopped when the disk gets there while they run. The store's
 * free space is what the test says it is.
 */
class DiskFloorTest {
  private static final long FLOOR = 10L << 20;
  private static final long MIB = 1L << 20;
  private static final ChatConfig.Files LIMITS = new ChatConfig.Files(2, 3, 60, 50, 40,
      Duration.ofHours(1), Duration.ofMinutes(1), 1L << 40, FLOOR);

  private volatile long free = 100L << 20;

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().maxUploadBytes(64L << 20)
      .files(LIMITS), 10_000, filesWithTheFreeSpaceOfThisTest());

  /** The in-memory file store, reporting {@link #free} as its disk's free space. */
  private AbstractModule filesWithTheFreeSpaceOfThisTest() {
    return new AbstractModule() {
      @Override
      protected void configure() {
        FileStore store = Guice.createInjector(new InMemoryStoreModule())
            .getInstance(FileStore.class);
        bind(FileStore.class).toInstance(Around.wrap(FileStore.class, store,
            (method, args, call) -> method.equals("freeBytes") ? free : call.proceed()));
      }
    };
  }
  private final FileService files = chat.core.instance(FileService.class);

  @BeforeEach
  void user() {
    chat.user("alice");
  }

  private StoredFile upload(long declared, long bytes) throws Exception {
    FileService.Upload u = files.begin("alice", "f.bin", "application/octet-stream", declared);
    for (long written = 0; written < bytes; written += 64 * 1024) {
      u.write(ByteBuffer.allocate((int) Math.min(64 * 1024, bytes - written)));
    }
    return u.finish();
  }

  @Test
  void anUploadThatWouldPassTheFloorIsRefusedAtOnce() throws Exception {
    free = FLOOR + 5 * MIB;

    StorageFullException e = assertThrows(StorageFullException.class,
        () -> upload(6 * MIB, 6 * MIB));
    assertEquals(ErrorCode.INTERNAL, e.code());

    assertEquals(5 * MIB, upload(5 * MIB, 5 * MIB).size(), "up to the floor is fine");
  }

  @Test
  void anUploadIsStoppedWhenTheDiskReachesTheFloor() throws Exception {
    free = FLOOR + MIB;
    FileService.Upload running = files.begin("alice", "f.bin", "application/octet-stream", -1);
    running.write(ByteBuffer.allocate((int) (MIB / 2)));
    free = FLOOR - 1; // others filled the disk meanwhile

    assertThrows(StorageFullException.class, () -> {
      for (int i = 0; i < 64; i++) {
        running.write(ByteBuffer.allocate(64 * 1024));
      }
    });

    // Its slot was given back: of two uploads at once, two may start again.
    free = 100L << 20;
    FileService.Upload a = files.begin("alice", "a.bin", "application/octet-stream", 1);
    FileService.Upload b = files.begin("alice", "b.bin", "application/octet-stream", 1);
    a.abort();
    b.abort();
  }

  @Test
  void aFloorOfZeroLooksAtNothing() throws Exception {
    TestChat unchecked = new TestChat(ChatConfig.builder().files(new ChatConfig.Files(2, 3, 60,
        50, 40, Duration.ofHours(1), Duration.ofMinutes(1), 1L << 40, 0)), 10_000,
        filesWithTheFreeSpaceOfThisTest());
    try {
      free = 0;
      unchecked.user("bob");
      FileService.Upload u = unchecked.core.instance(FileService.class)
          .begin("bob", "f.txt", "text/plain", 3);
      u.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertEquals(3, u.finish().size());
    } finally {
      unchecked.close();
    }
  }
}
