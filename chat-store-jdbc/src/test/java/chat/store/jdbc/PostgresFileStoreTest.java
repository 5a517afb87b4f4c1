package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.FileStore;
import chat.core.store.FileStoreContract;
import chat.core.store.MessageChange;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoredFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL stores, on a private server, held to the files contract; and what only files
 * kept in the database show: bytes in chunks, read one at a time (a file erased while it is read
 * fails at the next chunk), gone with their message, served by another node on the same
 * database, and the chunks of an upload that never completed erased by expiry.
 */
class PostgresFileStoreTest extends FileStoreContract {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  private final List<OpenPostgres> opened = new ArrayList<>();

  @Override
  protected Stores newStores() throws Exception {
    OpenPostgres s = OpenPostgres.open(postgres.newDatabase());
    opened.add(s);
    return new Stores(s.messages, s.files);
  }

  @Override
  protected Stores reopen() throws Exception {
    OpenPostgres current = currentStore();
    current.close();
    OpenPostgres again = OpenPostgres.open(current.url);
    opened.add(again);
    return new Stores(again.messages, again.files);
  }

  private OpenPostgres currentStore() {
    return opened.stream().filter(s -> s.messages == stores.messages()).findFirst().orElseThrow();
  }

  @AfterEach
  void closeAll() {
    opened.forEach(OpenPostgres::close);
  }

  private long chunkRows() {
    return currentStore().database.read(c -> Sql.queryLong(c,
        "SELECT count(*) FROM file_chunks"));
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void aLargeFileIsKeptInChunksAndReadBackWhole() throws Exception {
    byte[] content = randomBytes(2 * PostgresFileStore.CHUNK_BYTES + 1234);
    FileStore.Upload upload = stores.files().create("large-file-0123456789abcd", "alice",
        "big.bin", "application/octet-stream", 1);
    for (int i = 0; i < content.length; i += 10_000) { // pieces that straddle the chunks
      upload.write(ByteBuffer.wrap(content, i, Math.min(10_000, content.length - i)));
    }
    StoredFile f = upload.commit();

    assertEquals(content.length, f.size());
    assertEquals(3, chunkRows());
    try (InputStream in = stores.files().open(f.id()).orElseThrow()) {
      assertArrayEquals(content, in.readAllBytes());
    }
  }

  @Test
  void aFileErasedWhileItIsReadFailsAtItsNextChunk() throws Exception {
    StoredFile f = upload("alice", "two-chunks.bin", randomBytes(PostgresFileStore.CHUNK_BYTES
        + 1), 1);
    RecordingAppendListener listener = new RecordingAppendListener();
    stores.messages().append(new NewMessage(GENERAL, "alice", "", "c1", 2, null, List.of(),
        List.of(f.ref())), listener);
    listener.awaitStored();

    try (InputStream in = stores.files().open(f.id()).orElseThrow()) {
      assertEquals(PostgresFileStore.CHUNK_BYTES, in.readNBytes(PostgresFileStore.CHUNK_BYTES)
          .length, "the first chunk is read");
      stores.messages().change(GENERAL, 1, new MessageChange.Delete("alice", 3));
      assertEquals(0, chunkRows(), "the chunks went with the message");
      assertThrows(IOException.class, in::read);
    }
  }

  @Test
  void anotherNodeOnTheDatabaseServesTheFile() throws Exception {
    byte[] content = randomBytes(PostgresFileStore.CHUNK_BYTES + 7);
    StoredFile f = upload("alice", "shared.bin", content, 1);

    try (OpenPostgres other = OpenPostgres.open(currentStore().url)) {
      assertEquals(Optional.of(f), other.files.file(f.id()));
      try (InputStream in = other.files.open(f.id()).orElseThrow()) {
        assertArrayEquals(content, in.readAllBytes());
      }
    }
  }

  @Test
  void theChunksOfAnUploadThatNeverCompletedAreErasedByExpiry() throws Exception {
    FileStore.Upload dead = stores.files().create("dead-upload-0123456789abc", "alice",
        "dead.bin", "application/octet-stream", 1_000);
    dead.write(ByteBuffer.wrap(randomBytes(PostgresFileStore.CHUNK_BYTES + 5)));
    // Its node dies here: no commit, no abort. An upload begun later is still being written.
    FileStore.Upload young = stores.files().create("young-upload-0123456789ab", "alice",
        "young.bin", "application/octet-stream", 5_000);
    young.write(ByteBuffer.wrap(randomBytes(PostgresFileStore.CHUNK_BYTES)));
    assertEquals(2, chunkRows());

    assertEquals(0, stores.files().expirePending(2_000), "no file expired: only chunks");

    assertEquals(1, chunkRows(), "the dead upload's chunk is gone, the young one's is not");
    StoredFile done = young.commit();
    try (InputStream in = stores.files().open(done.id()).orElseThrow()) {
      assertEquals(PostgresFileStore.CHUNK_BYTES, in.readAllBytes().length);
    }
    assertEquals(Optional.empty(), stores.files().file("dead-upload-0123456789abc"));
  }

  @Test
  void anAbortedUploadLeavesNoChunks() throws Exception {
    FileStore.Upload upload = stores.files().create("aborted-0123456789abcdef", "alice",
        "a.bin", "application/octet-stream", 1);
    upload.write(ByteBuffer.wrap(randomBytes(PostgresFileStore.CHUNK_BYTES * 2)));
    assertEquals(2, chunkRows());

    upload.abort();

    assertEquals(0, chunkRows());
    assertEquals(0L, (long) currentStore().database.read(c -> Sql.queryLong(c,
        "SELECT count(*) FROM uploads")));
    assertTrue(stores.files().open("aborted-0123456789abcdef").isEmpty());
  }
}
