package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.FileStoreContract;
import chat.core.store.MessageChange;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoredFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite stores, on a real database file and a real files directory, held to the files
 * contract; and what only a store on disk can show: the bytes go from the directory when a
 * message is deleted, and bytes left without a row (a crash between commit and unlink) go when
 * the store opens.
 */
class SqliteFileStoreTest extends FileStoreContract {
  @TempDir
  Path tmp;
  private final List<OpenStore> opened = new ArrayList<>();

  @Override
  protected Stores newStores() throws Exception {
    OpenStore s = OpenStore.open(tmp.resolve("db" + opened.size()));
    opened.add(s);
    return new Stores(s.messages, s.files);
  }

  @Override
  protected Stores reopen() throws Exception {
    OpenStore current = currentStore();
    current.close();
    OpenStore again = OpenStore.open(current.dir);
    opened.add(again);
    return new Stores(again.messages, again.files);
  }

  private OpenStore currentStore() {
    return opened.stream().filter(s -> s.messages == stores.messages()).findFirst().orElseThrow();
  }

  @AfterEach
  void closeAll() {
    for (OpenStore s : opened) {
      s.close();
    }
  }

  private List<String> filesOnDisk(Path dir) throws Exception {
    Path files = dir.resolve(FileDir.NAME);
    if (!Files.isDirectory(files)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(files)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void bytesLiveUnderTheirIdAndGoWithTheMessage() throws Exception {
    Path dir = currentStore().dir;
    StoredFile f = upload("alice", "evil/../../name.txt", new byte[] {1, 2}, 1);
    assertEquals(List.of(f.id()), filesOnDisk(dir), "stored by id, never by the given name");
    RecordingAppendListener listener = new RecordingAppendListener();
    stores.messages().append(new NewMessage(GENERAL, "alice", "", "c1", 2, null, List.of(),
        List.of(f.ref())), listener);
    listener.awaitStored();

    stores.messages().change(GENERAL, 1, new MessageChange.Delete("alice", 3));

    assertEquals(List.of(), filesOnDisk(dir));
  }

  @Test
  void bytesWithoutARowGoWhenTheStoreOpens() throws Exception {
    Path dir = currentStore().dir;
    StoredFile kept = upload("alice", "kept");
    StoredFile orphan = upload("alice", "orphan");
    OpenStore store = currentStore();
    // As if the process died after deleting the row and before unlinking the bytes.
    store.database.transaction(c -> Sql.update(c, "DELETE FROM files WHERE id = ?",
        orphan.id()));
    Files.writeString(dir.resolve(FileDir.NAME).resolve("half-written.part"), "x");
    assertTrue(filesOnDisk(dir).contains(orphan.id()));

    stores = reopen();

    assertEquals(List.of(kept.id()), filesOnDisk(dir));
    assertTrue(stores.files().file(kept.id()).isPresent());
    assertFalse(stores.files().open(orphan.id()).isPresent());
  }

  /** The free space is the data directory's disk's, as the operating system reports it. */
  @Test
  void freeBytesAreTheDataDirectorysDisks() throws Exception {
    OpenStore store = currentStore();
    java.nio.file.FileStore disk = Files.getFileStore(store.dir);
    long before = disk.getUsableSpace();
    long free = store.files.freeBytes();
    long after = disk.getUsableSpace();
    // Other processes write meanwhile: within what the disk said just before and after, give
    // or take a MiB.
    assertTrue(free >= Math.min(before, after) - (1 << 20)
        && free <= Math.max(before, after) + (1 << 20), free + " not near " + before);
    assertTrue(free < Long.MAX_VALUE / 2, "a real disk's figure");
  }
}
