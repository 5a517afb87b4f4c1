package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.Account;
import chat.core.store.AccountStore;
import chat.core.store.StoredFile;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.FileInfo;
import chat.protocol.Request;
import chat.protocol.Result;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md, "Files and images", as the core decides it: who may upload what, how much and how
 * often ({@link FileService}); sends with files (only the sender's unsent uploads, text then
 * optional); message objects carrying the files with their URL; downloads of sent files only;
 * deleting a message or a room erasing its files; unsent uploads expiring.
 */
class FilesTest {
  private static final ChatConfig.Files LIMITS = new ChatConfig.Files(2, 3, 60, 5, 4,
      Duration.ofHours(1), Duration.ofMinutes(1), 250, 0);
  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().maxUploadBytes(100)
      .files(LIMITS));
  private final FileService files = chat.core.instance(FileService.class);
  private TestClient alice;
  private TestClient bob;

  @BeforeEach
  void users() {
    alice = chat.user("alice");
    bob = chat.user("bob");
  }

  private StoredFile upload(String user, String name, String type, String content)
      throws Exception {
    FileService.Upload u = files.begin(user, name, type, -1);
    u.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
    return u.finish();
  }

  private StoredFile upload(String user, String content) throws Exception {
    return upload(user, content + ".txt", "text/plain; charset=utf-8", content);
  }

  private Request.Send send(String to, String text, String... fileIds) {
    return new Request.Send(TestClient.nextId(), to, text, "c-" + TestClient.nextId(), null,
        List.of(fileIds));
  }

  private static ChatException refused(ErrorCode code, ThrowingRunnable r) {
    ChatException e = assertThrows(ChatException.class, r::run);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private String content(String id) throws IOException {
    FileService.Download d = files.download(id).orElseThrow();
    try (InputStream in = d.bytes()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  // Sending

  @Test
  void aSentFileReachesEveryoneWithItsUrlAndCanBeDownloaded() throws Exception {
    StoredFile f = upload("alice", "cat.png", "image/png", "PNG bytes");
    assertEquals(Optional.empty(), files.download(f.id()), "not sent yet: not served");

    Result.Sent sent = alice.ok(send("@bob", "", f.id()), Result.Sent.class);

    FileInfo expected = new FileInfo(f.id(), "cat.png", 9, "image/png", "/files/" + f.id());
    assertEquals(List.of(expected), alice.events.next(Event.Message.class).files());
    Event.Message atBob = bob.events.next(Event.Message.class);
    assertEquals(List.of(expected), atBob.files());
    assertEquals("", atBob.text());
    assertEquals(List.of(expected), bob.history("@alice", null, null, null).messages().get(0)
        .files());
    assertEquals(1, sent.seq());
    assertEquals("PNG bytes", content(f.id()));
  }

  /** A user's files may take 250 bytes here, pending and sent together; others have their own. */
  @Test
  void aUsersFilesAreBoundedInBytes() throws Exception {
    StoredFile first = upload("alice", "x".repeat(100));
    alice.ok(send("@bob", "", first.id()), Result.Sent.class);
    upload("alice", "y".repeat(100));

    ChatException full = refused(ErrorCode.FORBIDDEN, () -> files.begin("alice", "big.txt",
        "text/plain", 51));
    assertTrue(full.getMessage().contains("50 are left"), full.getMessage());
    refused(ErrorCode.TOO_LARGE, () -> upload("alice", "z".repeat(51))); // no length: cut off
    upload("alice", "z".repeat(50));
    refused(ErrorCode.FORBIDDEN, () -> files.begin("alice", "one.txt", "text/plain", 1));
    upload("bob", "b".repeat(100));

    alice.ok(new Request.DeleteMessage(TestClient.nextId(), "@bob", 1), Result.Changed.class);
    upload("alice", "w".repeat(100)); // the deleted message's file no longer counts
  }

  @Test
  void onlyTheSendersUnsentUploadsCanBeSent() throws Exception {
    StoredFile bobs = upload("bob", "bobs");
    StoredFile alices = upload("alice", "alices");

    alice.error(send("@bob", "look", bobs.id()), ErrorCode.BAD_REQUEST);
    alice.error(send("@bob", "look", "no-such-file-at-all-123456"), ErrorCode.BAD_REQUEST);
    alice.error(send("@bob", "twice", alices.id(), alices.id()), ErrorCode.BAD_REQUEST);
    alice.error(send("@bob", ""), ErrorCode.BAD_REQUEST);
    alice.ok(send("@bob", "once", alices.id()), Result.Sent.class);
    alice.error(send("@bob", "again", alices.id()), ErrorCode.BAD_REQUEST);
    alice.createRoom("general", false);
    alice.error(send("#general", "elsewhere", alices.id()), ErrorCode.BAD_REQUEST);
    assertEquals(1, alice.history("@bob", null, null, null).messages().size());
  }

  @Test
  void aRepeatedSendGetsTheSameSeq() throws Exception {
    StoredFile f = upload("alice", "f");
    Request.Send first = send("@bob", "", f.id());
    Result.Sent sent = alice.ok(first, Result.Sent.class);

    Result.Sent again = alice.ok(new Request.Send(TestClient.nextId(), "@bob", "", first.cid(),
        null, List.of(f.id())), Result.Sent.class);

    assertEquals(sent.seq(), again.seq());
  }

  @Test
  void deletingTheMessageOrTheRoomErasesItsFiles() throws Exception {
    StoredFile direct = upload("alice", "direct");
    StoredFile inRoom = upload("alice", "room");
    long seq = alice.ok(send("@bob", "", direct.id()), Result.Sent.class).seq();
    alice.createRoom("general", false);
    alice.ok(send("#general", "", inRoom.id()), Result.Sent.class);
    alice.settle();

    alice.ok(new Request.DeleteMessage(TestClient.nextId(), "@bob", seq), Result.Changed.class);
    alice.ok(new Request.DeleteRoom(TestClient.nextId(), "general"));

    assertEquals(Optional.empty(), files.download(direct.id()));
    assertEquals(Optional.empty(), files.download(inRoom.id()));
    Event.Message deleted = alice.history("@bob", null, null, null).messages().get(0);
    assertEquals(List.of(), deleted.files());
    assertTrue(deleted.deleted());
  }

  // Uploads

  @Test
  void tokensOfActiveAccountsAuthenticate() throws Exception {
    assertEquals("alice", files.authenticate(alice.token));
    refused(ErrorCode.UNAUTHORIZED, () -> files.authenticate("not-a-token"));
    refused(ErrorCode.UNAUTHORIZED, () -> files.authenticate(null));
    refused(ErrorCode.UNAUTHORIZED, () -> files.authenticate(""));
    alice.ok(new Request.Logout(TestClient.nextId()));
    refused(ErrorCode.UNAUTHORIZED, () -> files.authenticate(alice.token));
  }

  @Test
  void aDisabledAccountsTokenDoesNotAuthenticate() throws Exception {
    chat.core.instance(AccountStore.class).setStatus("bob", Account.Status.DISABLED); // token kept
    refused(ErrorCode.UNAUTHORIZED, () -> files.authenticate(bob.token));
    assertEquals("alice", files.authenticate(alice.token));
  }

  @Test
  void sizeIsLimitedWhetherDeclaredOrNot() throws Exception {
    refused(ErrorCode.TOO_LARGE, () -> files.begin("alice", "big", "text/plain", 101));

    FileService.Upload u = files.begin("alice", "big", "text/plain", -1);
    u.write(ByteBuffer.allocate(60));
    refused(ErrorCode.TOO_LARGE, () -> u.write(ByteBuffer.allocate(41)));

    StoredFile exactly = upload("alice", "max", "text/plain", "x".repeat(100));
    assertEquals(100, exactly.size());
  }

  @Test
  void namesAreCheckedAndTypesMadePlain() throws Exception {
    for (String bad : new String[] {null, "", "  ", ".", "..", "a/b", "a\\b", "a\nb", "a\u0000",
        "evil\u202Egnp.exe", "x".repeat(256)}) {
      refused(ErrorCode.BAD_REQUEST, () -> files.begin("alice", bad, "text/plain", 1));
    }
    assertEquals("text/plain", upload("alice", "a.txt", "Text/Plain; charset=UTF-8", "a").type());
    assertEquals("application/octet-stream",
        upload("alice", "b", "text/html<script>", "b").type());
    assertEquals("application/octet-stream", upload("alice", "c", null, "c").type());
    assertEquals("ünïcödé 🐱.png", upload("bob", "ünïcödé 🐱.png", "image/png", "d").name());
  }

  @Test
  void uploadsInProgressAreCappedPerUserAndInTotal() throws Exception {
    FileService.Upload a1 = files.begin("alice", "1", "text/plain", -1);
    FileService.Upload a2 = files.begin("alice", "2", "text/plain", -1);
    ChatException busy = refused(ErrorCode.RATE_LIMITED,
        () -> files.begin("alice", "3", "text/plain", -1));
    assertTrue(busy.retryAfterMs() > 0);
    FileService.Upload b1 = files.begin("bob", "1", "text/plain", -1);
    refused(ErrorCode.RATE_LIMITED, () -> files.begin("bob", "2", "text/plain", -1));

    a1.abort();
    a1.abort(); // frees one slot, once
    FileService.Upload b2 = files.begin("bob", "2", "text/plain", -1);
    refused(ErrorCode.RATE_LIMITED, () -> files.begin("alice", "3", "text/plain", -1));
    a2.finish();
    b1.abort();
    b2.abort();
    files.begin("alice", "3", "text/plain", -1).abort();
  }

  @Test
  void uploadsPerUserAreRateLimited() throws Exception {
    List<StoredFile> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      StoredFile f = upload("alice", "f" + i);
      alice.ok(send("@bob", "", f.id()), Result.Sent.class);
      sent.add(f);
    }
    ChatException tooFast = refused(ErrorCode.RATE_LIMITED, () -> upload("alice", "f5"));
    assertTrue(tooFast.retryAfterMs() > 0);
    upload("bob", "bob is not slowed");

    chat.ticker.advance(Duration.ofSeconds(1));
    upload("alice", "one a second");
  }

  @Test
  void unsentUploadsAreCappedAndExpire() throws Exception {
    for (int i = 0; i < 4; i++) {
      upload("alice", "pending" + i);
    }
    refused(ErrorCode.FORBIDDEN, () -> files.begin("alice", "5th", "text/plain", -1));

    chat.clock.advance(Duration.ofHours(1).plusMillis(1));
    chat.core.instance(FileServiceImpl.class).expire();

    StoredFile fresh = upload("alice", "after expiry");
    alice.ok(send("@bob", "", fresh.id()), Result.Sent.class);
    assertEquals("after expiry", content(fresh.id()));
  }

  @Test
  void unknownAndMalformedIdsAreNotFound() throws Exception {
    assertEquals(Optional.empty(), files.download("no-such-file-at-all-123456"));
    assertEquals(Optional.empty(), files.download("../../etc/passwd"));
    assertEquals(Optional.empty(), files.download(""));
  }

  @Test
  void helloNamesFilesAndTheUploadLimit() {
    EventRecorder recorder = new EventRecorder();
    try (chat.core.local.LocalClient c = chat.core.local().connect(recorder)) {
      Event.Hello hello = recorder.next(Event.Hello.class);
      assertEquals(100, hello.limits().maxUploadBytes());
      assertTrue(hello.features().contains("files"), hello.features().toString());
    }
  }
}
