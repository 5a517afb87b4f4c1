package chat.server.it;

import static chat.server.it.Changes.assertUpdate;
import static chat.server.it.Changes.delete;
import static chat.server.it.Changes.edit;
import static chat.server.it.Changes.message;
import static chat.server.it.Changes.react;
import static chat.server.it.Changes.rev;
import static chat.server.it.Changes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "The text and reactions are erased from the store (not hidden)", with the default SQLite
 * store: after a delete and a clean restart (the WAL checkpointed), no byte of the data
 * directory holds the deleted text, nor the text it had before an edit; the same grep finds a
 * text that was not deleted, so it would have found the deleted one. After the restart, history
 * and updates show the message deleted, without its mentions and reactions.
 */
class ErasureIT {
  @TempDir Path tmp;

  @Test
  void aDeletedMessagesTextIsGoneFromTheDatabaseFilesAfterARestart() throws Exception {
    Path data = tmp.resolve("data");
    String original = marker("orig");
    String edited = marker("edit");
    String direct = marker("direct");
    String kept = marker("kept");
    String room;
    String aliceToken;
    String bobToken;
    String bob;
    long roomSeq;
    long dmSeq;
    long keptSeq;

    ServerProcess server = ServerProcess.start(data, "--store", "sqlite");
    try {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient bobClient = WireClient.connect(server.wsUri()).register("bob");
      bob = bobClient.user;
      aliceToken = alice.token;
      bobToken = bobClient.token;
      room = Changes.room(alice, bobClient);
      roomSeq = send(alice, room, "the plan is " + original + " @" + bob);
      keptSeq = send(alice, room, "this stays: " + kept);
      dmSeq = send(alice, "@" + bob, "between us: " + direct);
      alice.ok(edit(room, roomSeq, "the plan is " + edited + " @" + bob));
      bobClient.ok(react(room, roomSeq, "🤫", true));
      alice.ok(react(room, roomSeq, "👍", true));
      alice.close();
      bobClient.close();
      stop(server);
      assertTrue(stored(data, edited), "control: the grep finds a stored text");
      assertTrue(stored(data, direct), "control: the grep finds a stored text");
      assertTrue(stored(data, kept), "control: the grep finds a stored text");

      server = ServerProcess.start(data, "--store", "sqlite");
      alice = WireClient.connect(server.wsUri()).loginWithToken(aliceToken);
      bobClient = WireClient.connect(server.wsUri()).loginWithToken(bobToken);
      long roomRev = rev(alice.ok(delete(room, roomSeq)), room, roomSeq);
      long dmRev = rev(alice.ok(delete("@" + bob, dmSeq)), "@" + bob, dmSeq);
      assertEquals(4, roomRev, "edit and two reactions came first");
      assertEquals(1, dmRev);
      Changes.assertDeleted(assertUpdate(bobClient.await("update"), room, roomSeq, roomRev,
          alice.user, "delete"), alice.user);
      alice.close();
      bobClient.close();
      stop(server);
      assertDataDirLacks(data, original, edited, direct);
      assertTrue(stored(data, kept), "the message not deleted is still stored");

      server = ServerProcess.start(data, "--store", "sqlite");
      bobClient = WireClient.connect(server.wsUri()).loginWithToken(bobToken);
      Changes.assertDeleted(message(bobClient, room, roomSeq), alice.user);
      Changes.assertDeleted(message(bobClient, "@alice", dmSeq), alice.user);
      assertEquals("this stays: " + kept,
          message(bobClient, room, keptSeq).get("text").getAsString());
      JsonObject page = bobClient.ok(Changes.updates(room, 0, 200));
      List<Long> revs = new ArrayList<>();
      for (JsonElement e : page.getAsJsonArray("updates")) {
        revs.add(e.getAsJsonObject().get("rev").getAsLong());
        Changes.assertDeleted(e.getAsJsonObject().getAsJsonObject("message"), alice.user);
      }
      assertEquals(List.of(roomRev), revs, "the delete supersedes the rest: " + page);
      bobClient.error(react(room, roomSeq, "👍", true), "forbidden");
      bobClient.close();
      stop(server);
      assertDataDirLacks(data, original, edited, direct);
    } finally {
      server.close();
    }
  }

  /**
   * An acknowledged delete survives kill -9 (the WAL still holding the frames written before
   * it), and once the restarted store has recovered and stopped cleanly, the text is gone.
   */
  @Test
  void aDeleteSurvivesKillDashNineAndTheTextIsGoneAfterRecovery() throws Exception {
    Path data = tmp.resolve("data");
    String secret = marker("killed");
    String kept = marker("kept");
    ServerProcess server = ServerProcess.start(data, "--store", "sqlite");
    try {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient.connect(server.wsUri()).register("bob").close();
      long seq = send(alice, "@bob", "the code is " + secret);
      send(alice, "@bob", "still here: " + kept);
      alice.ok(react("@bob", seq, "🔒", true));
      long rev = rev(alice.ok(delete("@bob", seq)), "@bob", seq);
      String token = alice.token;
      ServerLogs.assertNoErrors(server);
      server.kill9();

      server = server.restart("--store", "sqlite");
      alice = WireClient.connect(server.wsUri()).loginWithToken(token);
      Changes.assertDeleted(message(alice, "@bob", seq), alice.user);
      assertEquals(rev, conversationsLastRev(alice, "@bob"));
      assertEquals(rev, rev(alice.ok(delete("@bob", seq)), "@bob", seq), "deleted already");
      alice.close();
      stop(server);
      assertDataDirLacks(data, secret);
      assertTrue(stored(data, kept), "control: the grep finds a stored text");
    } finally {
      server.close();
    }
  }

  private static long conversationsLastRev(WireClient c, String conv) throws Exception {
    for (JsonElement e : c.ok(Frames.of("type", "conversations"))
        .getAsJsonArray("conversations")) {
      if (e.getAsJsonObject().get("conv").getAsString().equals(conv)) {
        return e.getAsJsonObject().get("lastRev").getAsLong();
      }
    }
    throw new AssertionError("no " + conv + " in conversations");
  }

  /** SIGTERM (the store closes cleanly, checkpointing its WAL); the log has no ERROR. */
  private static void stop(ServerProcess server) throws Exception {
    server.terminate();
    ServerLogs.assertNoErrors(server);
  }

  private static String marker(String what) {
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    return "zq" + what + HexFormat.of().formatHex(random);
  }

  private static void assertDataDirLacks(Path data, String... texts) throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : files(data)) {
      byte[] bytes = Files.readAllBytes(file);
      for (String text : texts) {
        if (indexOf(bytes, text.getBytes(StandardCharsets.UTF_8)) >= 0) {
          found.add(text + " in " + data.relativize(file) + " (" + bytes.length + " bytes)");
        }
      }
    }
    assertEquals(List.of(), found, "deleted text still on disk; files: " + files(data));
  }

  private static boolean stored(Path data, String text) throws IOException {
    for (Path file : files(data)) {
      if (indexOf(Files.readAllBytes(file), text.getBytes(StandardCharsets.UTF_8)) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> files(Path data) throws IOException {
    try (Stream<Path> s = Files.walk(data)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
