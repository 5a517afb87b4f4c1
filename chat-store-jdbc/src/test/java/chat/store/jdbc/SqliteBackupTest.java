package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ConvId;
import chat.core.store.FileStore;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoredFile;
import chat.core.store.StoredMessage;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SqliteBackup} of an open store (as under a running server): the copy opens as a store
 * with the same epoch, messages and files; bytes no row names stay behind; an existing target is
 * never touched.
 */
class SqliteBackupTest {
  private static final ConvId GENERAL = ConvId.room("general");

  @TempDir Path tmp;

  @Test
  void theCopyOfAnOpenStoreOpensWithItsMessagesAndFiles() throws Exception {
    Path data = tmp.resolve("data");
    Path copy = tmp.resolve("backups").resolve("b1");
    String epoch;
    byte[] bytes = "the bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    StoredFile sent;
    StoredFile pending;
    try (OpenStore store = OpenStore.open(data)) {
      epoch = store.messages.epoch();
      sent = upload(store, "f-sent", bytes);
      pending = upload(store, "f-pending", new byte[] {7});
      append(store, "one", List.of(sent.ref()));
      append(store, "two", List.of());
      Files.write(data.resolve(FileDir.NAME).resolve("orphan"), new byte[] {1});

      SqliteBackup.Report report = SqliteBackup.backup(data, copy);

      assertEquals(epoch, report.epoch());
      assertEquals(2, report.files(), "the sent and the pending file, not the orphan");
      assertEquals(bytes.length + 1, report.fileBytes());
      append(store, "three, after the backup", List.of());
    }
    try (Stream<Path> left = Files.list(copy.getParent())) {
      assertEquals(List.of(copy), left.toList(), "no partial directory is left");
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)),
        "the copy holds password hashes and messages: its owner's only");
    try (Stream<Path> files = Files.list(copy.resolve(FileDir.NAME))) {
      assertEquals(List.of("f-pending", "f-sent"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    try (OpenStore restored = OpenStore.open(copy)) {
      assertEquals(epoch, restored.messages.epoch());
      List<StoredMessage> history = restored.messages.after(GENERAL, 0, 10);
      assertEquals(List.of("one", "two"), history.stream().map(StoredMessage::text).toList());
      assertEquals(List.of(sent.ref()), history.get(0).files());
      try (InputStream in = restored.files.open(sent.id()).orElseThrow()) {
        assertArrayEquals(bytes, in.readAllBytes());
      }
      assertTrue(restored.files.file(pending.id()).isPresent());
    }
  }

  @Test
  void anExistingTargetIsRefusedAndLeftAlone() throws Exception {
    Path data = tmp.resolve("data");
    Path target = tmp.resolve("taken");
    Files.createDirectory(target);
    Files.writeString(target.resolve("mine"), "keep");
    try (OpenStore store = OpenStore.open(data)) {
      append(store, "one", List.of());
      assertThrows(FileAlreadyExistsException.class, () -> SqliteBackup.backup(data, target));
    }
    try (Stream<Path> left = Files.list(target)) {
      assertEquals(List.of(target.resolve("mine")), left.toList());
    }
    assertEquals("keep", Files.readString(target.resolve("mine")));
    assertFalse(Files.exists(tmp.resolve(".taken.partial")));
  }

  @Test
  void aFolderWithoutAStoreIsRefused() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertThrows(IllegalArgumentException.class,
        () -> SqliteBackup.backup(empty, tmp.resolve("copy")));
    assertFalse(Files.exists(tmp.resolve("copy")));
    assertFalse(Files.exists(empty.resolve(SqliteDatabase.FILE_NAME)), "no database created");
  }

  private static StoredFile upload(OpenStore store, String id, byte[] bytes) throws Exception {
    FileStore.Upload upload = store.files.create(id, "alice", id + ".txt", "text/plain", 1);
    upload.write(ByteBuffer.wrap(bytes));
    return upload.commit();
  }

  private static void append(OpenStore store, String text, List<chat.core.store.FileRef> files) {
    RecordingAppendListener listener = new RecordingAppendListener();
    store.messages.append(new NewMessage(GENERAL, "alice", text, "c-" + text, 2, null, List.of(),
        files), listener);
    listener.awaitStored();
  }
}
