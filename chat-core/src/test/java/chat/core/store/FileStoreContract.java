package chat.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every pair of {@link FileStore} and {@link MessageStore} must do with files: uploads
 * written in pieces and read back, aborted ones leaving nothing, attaching with the append (in
 * order; only the sender's pending files; each file to one message, also when sends race),
 * edits and reactions keeping files, a delete or a deleted conversation erasing them, pending
 * files expiring, and all of it surviving a restart. A subclass supplies the two stores.
 */
public abstract class FileStoreContract {
  protected static final ConvId GENERAL = ConvId.room("general");
  protected static final ConvId ALICE_BOB = ConvId.direct("alice", "bob");

  /** A message store and the file store it attaches from, over the same data. */
  public record Stores(MessageStore messages, FileStore files) {}

  /** The stores under test; {@link #reopen} replaces them. */
  protected Stores stores;
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

  /** New, empty, ready stores; each call gives different ones. */
  protected abstract Stores newStores() throws Exception;

  /**
   * Closes {@link #stores} cleanly and opens the same data again. A store that keeps nothing
   * across restarts aborts the calling test with an assumption.
   */
  protected abstract Stores reopen() throws Exception;

  @BeforeEach
  void createStores() throws Exception {
    stores = newStores();
  }

  // Helpers

  private long now() {
    return clock.incrementAndGet();
  }

  private static String newId() {
    return UUID.randomUUID().toString().replace("-", "") + "x0";
  }

  /** Uploads {@code bytes} in pieces of at most 3 bytes; returns the file as stored. */
  protected StoredFile upload(String owner, String name, byte[] bytes, long createdAt)
      throws IOException {
    FileStore.Upload upload = stores.files().create(newId(), owner, name, "text/plain",
        createdAt);
    for (int i = 0; i < bytes.length; i += 3) {
      upload.write(ByteBuffer.wrap(bytes, i, Math.min(3, bytes.length - i)));
    }
    return upload.commit();
  }

  protected StoredFile upload(String owner, String text) throws IOException {
    return upload(owner, text + ".txt", text.getBytes(StandardCharsets.UTF_8), now());
  }

  private byte[] bytes(String id) throws IOException {
    Optional<InputStream> in = stores.files().open(id);
    assertTrue(in.isPresent(), "bytes of " + id);
    try (InputStream s = in.get()) {
      return s.readAllBytes();
    }
  }

  private RecordingAppendListener.Outcome append(NewMessage m) {
    RecordingAppendListener listener = new RecordingAppendListener();
    stores.messages().append(m, listener);
    RecordingAppendListener.Outcome outcome = listener.await();
    listener.assertCalledOnce();
    return outcome;
  }

  private NewMessage message(ConvId conv, String from, String cid, StoredFile... files) {
    List<FileRef> refs = new ArrayList<>();
    for (StoredFile f : files) {
      refs.add(f.ref());
    }
    return new NewMessage(conv, from, "", cid, now(), null, List.of(), refs);
  }

  private StoredMessage sent(NewMessage m) {
    RecordingAppendListener.Outcome o = append(m);
    if (o.failure() != null) {
      throw new AssertionError("append failed", o.failure());
    }
    assertFalse(o.duplicate(), "a new message");
    return o.message();
  }

  private void refused(NewMessage m, StoredFile file) {
    RecordingAppendListener.Outcome o = append(m);
    FilesUnavailableException e = assertInstanceOf(FilesUnavailableException.class, o.failure(),
        "outcome " + o);
    assertEquals(file.id(), e.fileId());
  }

  private StoredMessage current(ConvId conv, long seq) {
    return stores.messages().message(conv, seq).orElseThrow();
  }

  private static List<FileRef> refs(StoredFile... files) {
    List<FileRef> refs = new ArrayList<>();
    for (StoredFile f : files) {
      refs.add(f.ref());
    }
    return refs;
  }

  // Uploads

  @Test
  void anUploadWrittenInPiecesIsPendingWithItsBytes() throws Exception {
    byte[] content = "hello, files".getBytes(StandardCharsets.UTF_8);
    StoredFile f = upload("alice", "hi.txt", content, 42);

    assertEquals(new StoredFile(f.id(), "alice", "hi.txt", content.length, "text/plain", 42,
        null, 0), f);
    assertEquals(Optional.of(f), stores.files().file(f.id()));
    assertArrayEquals(content, bytes(f.id()));
    assertEquals(1, stores.files().pendingCount("alice"));
    assertEquals(0, stores.files().pendingCount("bob"));
  }

  @Test
  void anEmptyFileIsAFile() throws Exception {
    StoredFile f = upload("alice", "empty", new byte[0], now());
    assertEquals(0, f.size());
    assertArrayEquals(new byte[0], bytes(f.id()));
  }

  @Test
  void anAbortedUploadLeavesNothing() throws Exception {
    String id = newId();
    FileStore.Upload upload = stores.files().create(id, "alice", "x.bin", "text/plain", now());
    upload.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    upload.abort();
    upload.abort();

    assertEquals(Optional.empty(), stores.files().file(id));
    assertEquals(Optional.empty(), stores.files().open(id));
    assertEquals(0, stores.files().pendingCount("alice"));
  }

  @Test
  void anUnknownFileIsNotThere() throws Exception {
    assertEquals(Optional.empty(), stores.files().file("no-such-file-0123456789"));
    assertEquals(Optional.empty(), stores.files().open("no-such-file-0123456789"));
  }

  // Attaching

  @Test
  void anAppendAttachesTheSendersFilesInOrder() throws Exception {
    StoredFile second = upload("alice", "second");
    StoredFile first = upload("alice", "first");

    StoredMessage m = sent(message(GENERAL, "alice", "c1", first, second));

    assertEquals(refs(first, second), m.files());
    assertEquals(m, current(GENERAL, 1));
    assertEquals(List.of(m), stores.messages().after(GENERAL, 0, 10));
    assertEquals(List.of(m), stores.messages().before(GENERAL, Long.MAX_VALUE, 10));
    StoredFile attached = stores.files().file(first.id()).orElseThrow();
    assertTrue(attached.attached());
    assertEquals(GENERAL, attached.conv());
    assertEquals(1, attached.seq());
    assertEquals(0, stores.files().pendingCount("alice"));
    assertArrayEquals("first".getBytes(StandardCharsets.UTF_8), bytes(first.id()),
        "attached, the bytes are still there");
  }

  @Test
  void messagesWithoutFilesHaveNone() throws Exception {
    StoredFile f = upload("alice", "f");
    sent(new NewMessage(GENERAL, "alice", "plain", "c1", now()));
    sent(message(GENERAL, "alice", "c2", f));
    sent(new NewMessage(GENERAL, "bob", "plain too", "c3", now()));

    List<StoredMessage> page = stores.messages().after(GENERAL, 0, 10);
    assertEquals(List.of(List.of(), refs(f), List.of()),
        page.stream().map(StoredMessage::files).toList());
  }

  @Test
  void someoneElsesFileIsRefusedAndNothingIsStored() throws Exception {
    StoredFile bobs = upload("bob", "bobs");
    StoredFile alices = upload("alice", "alices");

    refused(message(GENERAL, "alice", "c1", alices, bobs), bobs);

    assertEquals(0, stores.messages().lastSeq(GENERAL));
    assertFalse(stores.files().file(alices.id()).orElseThrow().attached(),
        "all or nothing: the sender's own file stays pending too");
    assertFalse(stores.files().file(bobs.id()).orElseThrow().attached());
    StoredMessage next = sent(message(GENERAL, "alice", "c2", alices));
    assertEquals(1, next.seq(), "the refused append took no seq");
  }

  @Test
  void anUnknownFileIsRefused() throws Exception {
    StoredFile ghost = new StoredFile("never-uploaded-0123456789", "alice", "g", 1, "text/plain",
        0, null, 0);
    refused(message(ALICE_BOB, "alice", "c1", ghost), ghost);
    assertEquals(0, stores.messages().lastSeq(ALICE_BOB));
  }

  @Test
  void aFileIsAttachedToOneMessageOnly() throws Exception {
    StoredFile f = upload("alice", "once");
    sent(message(GENERAL, "alice", "c1", f));

    refused(message(GENERAL, "alice", "c2", f), f);
    refused(message(ALICE_BOB, "alice", "c3", f), f);

    assertEquals(1, stores.messages().lastSeq(GENERAL));
    assertEquals(0, stores.messages().lastSeq(ALICE_BOB));
  }

  @Test
  void aRepeatedCidGetsTheFirstMessageWithItsFiles() throws Exception {
    StoredFile f = upload("alice", "f");
    StoredMessage first = sent(message(GENERAL, "alice", "c1", f));

    RecordingAppendListener.Outcome again = append(message(GENERAL, "alice", "c1", f));

    assertTrue(again.duplicate());
    assertEquals(first, again.message());
  }

  @Test
  void sendsRacingForOneFileAttachItOnce() throws Exception {
    StoredFile f = upload("alice", "contended");
    int senders = 8;
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<RecordingAppendListener.Outcome>> outcomes = new ArrayList<>();
      for (int i = 0; i < senders; i++) {
        ConvId conv = i % 2 == 0 ? GENERAL : ALICE_BOB;
        NewMessage m = message(conv, "alice", "race-" + i, f);
        outcomes.add(pool.submit(() -> {
          start.await();
          return append(m);
        }));
      }
      start.countDown();
      int stored = 0;
      for (Future<RecordingAppendListener.Outcome> o : outcomes) {
        RecordingAppendListener.Outcome outcome = o.get(10, TimeUnit.SECONDS);
        if (outcome.failure() == null) {
          stored++;
          assertEquals(refs(f), outcome.message().files());
        } else {
          assertInstanceOf(FilesUnavailableException.class, outcome.failure());
        }
      }
      assertEquals(1, stored, "exactly one send got the file");
      assertEquals(1, stores.messages().lastSeq(GENERAL) + stores.messages().lastSeq(ALICE_BOB));
    } finally {
      pool.shutdownNow();
    }
  }

  // Changes

  @Test
  void editsAndReactionsKeepTheFiles() throws Exception {
    StoredFile f = upload("alice", "kept");
    sent(message(GENERAL, "alice", "c1", f));

    stores.messages().change(GENERAL, 1, new MessageChange.Edit("alice", "now with text",
        List.of(), now()));
    stores.messages().change(GENERAL, 1, new MessageChange.React("bob", "\uD83D\uDC4D", true, 20,
        now()));

    StoredMessage m = current(GENERAL, 1);
    assertEquals("now with text", m.text());
    assertEquals(Map.of("\uD83D\uDC4D", List.of("bob")), m.reactions());
    assertEquals(refs(f), m.files());
    assertTrue(stores.files().file(f.id()).isPresent());
  }

  @Test
  void deletingAMessageErasesItsFilesAndNoOthers() throws Exception {
    StoredFile a = upload("alice", "a");
    StoredFile b = upload("alice", "b");
    StoredFile other = upload("bob", "other");
    StoredFile pending = upload("alice", "pending");
    sent(message(GENERAL, "alice", "c1", a, b));
    sent(message(GENERAL, "bob", "c2", other));

    ChangeOutcome outcome = stores.messages().change(GENERAL, 1,
        new MessageChange.Delete("alice", now()));

    assertEquals(ChangeOutcome.Status.APPLIED, outcome.status());
    assertEquals(List.of(), outcome.message().files());
    assertEquals(List.of(), current(GENERAL, 1).files());
    for (StoredFile gone : List.of(a, b)) {
      assertEquals(Optional.empty(), stores.files().file(gone.id()));
      assertEquals(Optional.empty(), stores.files().open(gone.id()));
    }
    assertEquals(refs(other), current(GENERAL, 2).files());
    assertArrayEquals("other".getBytes(StandardCharsets.UTF_8), bytes(other.id()));
    assertArrayEquals("pending".getBytes(StandardCharsets.UTF_8), bytes(pending.id()));
  }

  /** A user's stored bytes count pending and sent files, theirs only, until erased. */
  @Test
  void storedBytesAreTheOwnersFilesPendingAndSent() throws Exception {
    assertEquals(0, stores.files().storedBytes("alice"));
    StoredFile sentOne = upload("alice", "0123456789"); // 10 bytes
    upload("alice", "pending"); // 7
    upload("bob", "someone else's"); // 14
    sent(message(GENERAL, "alice", "c1", sentOne));
    assertEquals(17, stores.files().storedBytes("alice"));
    assertEquals(14, stores.files().storedBytes("bob"));

    stores.messages().change(GENERAL, 1, new MessageChange.Delete("alice", now()));
    assertEquals(7, stores.files().storedBytes("alice"), "the deleted message's file is gone");
    assertEquals(7, reopen().files().storedBytes("alice"));
  }

  @Test
  void deletingAConversationErasesItsFiles() throws Exception {
    StoredFile inRoom = upload("alice", "room");
    StoredFile direct = upload("alice", "direct");
    sent(message(GENERAL, "alice", "c1", inRoom));
    sent(message(ALICE_BOB, "alice", "c2", direct));

    stores.messages().deleteConversation(GENERAL);

    assertEquals(Optional.empty(), stores.files().file(inRoom.id()));
    assertEquals(Optional.empty(), stores.files().open(inRoom.id()));
    assertEquals(refs(direct), current(ALICE_BOB, 1).files());
    assertTrue(stores.files().open(direct.id()).isPresent());
  }

  // Expiry

  @Test
  void expiryErasesOnlyOldPendingFiles() throws Exception {
    StoredFile old = upload("alice", "old.txt", new byte[] {1}, 1_000);
    StoredFile oldButSent = upload("alice", "sent.txt", new byte[] {2}, 1_000);
    StoredFile young = upload("alice", "young.txt", new byte[] {3}, 5_000);
    sent(message(GENERAL, "alice", "c1", oldButSent));

    assertEquals(1, stores.files().expirePending(2_000));

    assertEquals(Optional.empty(), stores.files().file(old.id()));
    assertEquals(Optional.empty(), stores.files().open(old.id()));
    assertTrue(stores.files().file(oldButSent.id()).isPresent());
    assertTrue(stores.files().file(young.id()).isPresent());
    assertEquals(1, stores.files().pendingCount("alice"));
    assertEquals(0, stores.files().expirePending(2_000), "nothing left to expire");
    refused(message(GENERAL, "alice", "c2", old), old);
  }

  // Durability

  @Test
  void filesSurviveARestart() throws Exception {
    StoredFile sentFile = upload("alice", "sent");
    StoredFile pending = upload("alice", "pending");
    StoredMessage m = sent(message(GENERAL, "alice", "c1", sentFile));

    stores = reopen();

    assertEquals(m, current(GENERAL, 1));
    assertEquals(Optional.of(pending), stores.files().file(pending.id()));
    assertArrayEquals("sent".getBytes(StandardCharsets.UTF_8), bytes(sentFile.id()));
    assertArrayEquals("pending".getBytes(StandardCharsets.UTF_8), bytes(pending.id()));
    assertEquals(1, stores.files().pendingCount("alice"));
  }
}
