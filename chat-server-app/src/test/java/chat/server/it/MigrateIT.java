package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.store.jdbc.PrivatePostgres;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar chat-server.jar migrate --from-sqlite PATH --to-postgres URL}: a store made
 * through the real server on SQLite (accounts, a token, rooms public and private with roles, a
 * ban, a block, read markers, messages with replies, mentions, edits, a delete, reactions, files
 * sent and pending) is copied into PostgreSQL, the counts printed agree, a second run changes
 * nothing, and a server on PostgreSQL then serves the same store: everything each user can see
 * is as it was, logins by password and by token work, seqs go on where they were, files
 * download, search finds. A target that holds other data is refused and left alone.
 */
class MigrateIT {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  private static final String PASSWORD = "migrate-secret-3b9a";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern COUNT = Pattern.compile("(?m)^(\\S[^\\n]*?)\\s+(\\d+)\\s+(\\d+)$");

  @TempDir Path tmp;

  /** What the SQLite server held, as its users saw it, and what the test needs afterwards. */
  private record Made(Map<String, String> seen, String aliceToken, String epoch, String fileId,
      byte[] fileBytes, String word) {}

  @Test
  void aStoreMovesToPostgresAndIsServedFromThere() throws Exception {
    Path data = tmp.resolve("sqlite");
    Made made = populate(data);
    String url = postgres.newDatabase();

    ServerProcess.Result first = migrate(data.toString(), url);
    assertEquals(0, first.exitCode(), first.output());
    assertTrue(first.output().contains("copied"), first.output());
    Map<String, List<Long>> counts = counts(first.output());
    for (String table : List.of("users", "tokens", "rooms", "memberships", "blocks", "bans",
        "conversations", "messages", "reactions", "message_changes", "read_markers", "files",
        "file bytes")) {
      List<Long> c = counts.get(table);
      assertTrue(c != null && c.get(0) > 0 && c.get(0).equals(c.get(1)),
          table + " in " + first.output());
    }
    assertFalse(first.output().contains(PASSWORD), "the password is never printed");

    ServerProcess.Result second = migrate(data.resolve("chat.db").toString(), url);
    assertEquals(0, second.exitCode(), second.output());
    assertTrue(second.output().contains("nothing was changed"), second.output());
    assertEquals(counts, counts(second.output()));

    try (ServerProcess server = ServerProcess.start(tmp.resolve("pg-node"), "--store",
        "postgres", "--postgres-url", url)) {
      assertEquals(made.seen(), seen(server, made), "every user sees what they saw");
      WireClient alice = WireClient.connect(server.wsUri()).loginWithToken(made.aliceToken());
      assertEquals(made.epoch(), alice.hello.get("epoch").getAsString(), "same epoch");
      assertEquals(5, alice.send("#general", "after the move", "moved-1").get("seq").getAsLong(),
          "seqs go on where they were");
      assertEquals(1, alice.send("#general", "hello @bob", "g1").get("seq").getAsLong(),
          "a cid sent before the move is still known");

      HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(
          server.httpUri("/files/" + made.fileId())).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, download.statusCode());
      assertArrayEquals(made.fileBytes(), download.body());

      JsonArray hits = alice.ok(Frames.of("type", "search", "query", made.word()))
          .getAsJsonArray("results");
      assertEquals(1, hits.size(), hits.toString());
      assertEquals(2, hits.get(0).getAsJsonObject().getAsJsonObject("message").get("seq")
          .getAsLong());
      ServerLogs.assertNoErrors(server);
    }
  }

  @Test
  void aTargetHoldingOtherDataIsRefusedAndLeftAlone() throws Exception {
    String url = postgres.newDatabase();
    Path ours = tmp.resolve("ours");
    try (ServerProcess server = ServerProcess.start(ours, "--store", "sqlite")) {
      WireClient.connect(server.wsUri()).register("alice").close();
    }
    Path theirs = tmp.resolve("theirs");
    try (ServerProcess server = ServerProcess.start(theirs, "--store", "sqlite")) {
      WireClient.connect(server.wsUri()).register("mallory").close();
    }
    assertEquals(0, migrate(ours.toString(), url).exitCode());

    ServerProcess.Result refused = migrate(theirs.toString(), url);

    assertEquals(1, refused.exitCode(), refused.output());
    assertTrue(refused.output().contains("refused"), refused.output());
    ServerProcess.Result again = migrate(ours.toString(), url);
    assertEquals(0, again.exitCode(), again.output());
    assertTrue(again.output().contains("nothing was changed"), "the target is as it was: "
        + again.output());
  }

  @Test
  void badUsageSaysWhatIsMissing() throws Exception {
    ServerProcess.Result noTarget = ServerProcess.run(tmp, "migrate", "--from-sqlite",
        tmp.toString());
    assertEquals(2, noTarget.exitCode());
    assertTrue(noTarget.output().contains("--to-postgres"), noTarget.output());
    ServerProcess.Result noStore = ServerProcess.run(tmp, "migrate", "--from-sqlite",
        tmp.resolve("nothing-here").toString(), "--to-postgres", postgres.newDatabase());
    assertEquals(2, noStore.exitCode());
    assertTrue(noStore.output().contains("no SQLite store"), noStore.output());
  }

  private static ServerProcess.Result migrate(String from, String url) throws Exception {
    return ServerProcess.run(Path.of(from).getParent(), "migrate", "--from-sqlite", from,
        "--to-postgres", url, "--postgres-password", PASSWORD);
  }

  /** The "checked" table of the output: name to {sqlite, postgres}. */
  private static Map<String, List<Long>> counts(String output) {
    Map<String, List<Long>> counts = new LinkedHashMap<>();
    Matcher m = COUNT.matcher(output);
    while (m.find()) {
      counts.put(m.group(1).strip(), List.of(Long.parseLong(m.group(2)),
          Long.parseLong(m.group(3))));
    }
    return counts;
  }

  /** Makes a store with some of everything through a server on SQLite, then stops it. */
  private Made populate(Path data) throws Exception {
    try (ServerProcess server = ServerProcess.start(data, "--store", "sqlite")) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient bob = WireClient.connect(server.wsUri()).register("bob");
      WireClient carol = WireClient.connect(server.wsUri()).register("carol");
      WireClient mallory = WireClient.connect(server.wsUri()).register("mallory");

      alice.ok(Frames.of("type", "create", "room", "general", "topic", "Anything",
          "private", false));
      bob.ok(Frames.of("type", "join", "room", "general"));
      carol.ok(Frames.of("type", "join", "room", "general"));
      mallory.ok(Frames.of("type", "join", "room", "general"));
      alice.ok(Frames.of("type", "role", "room", "general", "user", "bob", "role", "moderator"));
      bob.ok(Frames.of("type", "ban", "room", "general", "user", "mallory"));
      alice.ok(Frames.of("type", "create", "room", "inner", "private", true));
      alice.ok(Frames.of("type", "invite", "room", "inner", "user", "carol"));
      carol.ok(Frames.of("type", "block", "user", "mallory"));

      String word = WireClients.unique("kw") + "x";
      alice.send("#general", "hello @bob", "g1");
      bob.ok(Changes.reply("#general", "the word " + word + " with a nul \u0000 in it", "g2",
          1));
      carol.send("#general", "to be deleted", "g3");
      alice.send("#general", "to be edited", "g4");
      alice.ok(Changes.edit("#general", 4, "edited"));
      carol.ok(Changes.delete("#general", 3));
      bob.ok(Changes.react("#general", 1, "\uD83D\uDC4D", true));
      carol.ok(Changes.react("#general", 1, "\uD83D\uDC4D", true));
      alice.send("#inner", "private words", "i1");
      alice.send("@bob", "psst", "d1");
      bob.send("@alice", "hi", "d2");
      bob.ok(Frames.of("type", "read", "conv", "#general", "seq", 4));
      carol.ok(Frames.of("type", "read", "conv", "#general", "seq", 2));

      byte[] photo = new byte[300_000];
      new Random(3).nextBytes(photo);
      String fileId = FilesIT.uploaded(server, alice.token, "photo.png", "image/png", photo);
      alice.ok(FilesIT.sendFiles("@bob", "a photo", fileId));
      FilesIT.uploaded(server, bob.token, "draft.txt", "text/plain", new byte[] {1, 2, 3});

      String epoch = alice.hello.get("epoch").getAsString();
      String token = alice.token;
      for (WireClient c : List.of(alice, bob, carol, mallory)) {
        c.close();
      }
      Made made = new Made(null, token, epoch, fileId, photo, word);
      Map<String, String> seen = seen(server, made);
      ServerLogs.assertNoErrors(server);
      return new Made(seen, token, epoch, fileId, photo, word);
    }
  }

  /**
   * What each user sees, signing in by password: their conversations with read markers, every
   * conversation's history and changes, rooms, members and roles, whom they blocked; and
   * mallory's ban, as the answer to a join.
   */
  private static Map<String, String> seen(ServerProcess server, Made made) throws Exception {
    List<WireClient> clients = new ArrayList<>();
    for (String user : List.of("alice", "bob", "carol", "mallory")) {
      WireClient c = WireClient.connect(server.wsUri());
      c.login(user, WireClient.PASSWORD);
      clients.add(c);
    }
    Map<String, String> seen = new LinkedHashMap<>();
    for (WireClient c : clients) {
      JsonObject convs = c.ok(Frames.of("type", "conversations"));
      seen.put(c.user + " conversations", convs.get("conversations").toString());
      for (JsonElement e : convs.getAsJsonArray("conversations")) {
        String conv = e.getAsJsonObject().get("conv").getAsString();
        seen.put(c.user + " history " + conv, c.ok(Frames.of("type", "history", "conv", conv,
            "after", 0, "limit", 100)).get("messages").toString());
        seen.put(c.user + " updates " + conv, c.ok(Changes.updates(conv, 0, 100))
            .get("updates").toString());
      }
      JsonObject rooms = c.ok(Frames.of("type", "rooms"));
      seen.put(c.user + " rooms", rooms.get("rooms").toString());
      for (JsonElement e : rooms.getAsJsonArray("rooms")) {
        String room = e.getAsJsonObject().get("room").getAsString().substring(1);
        seen.put(c.user + " members " + room, c.ok(Frames.of("type", "members", "room", room))
            .get("members").toString());
      }
      seen.put(c.user + " blocked", c.ok(Frames.of("type", "blocked")).get("users")
          .toString());
    }
    seen.put("mallory joins general", clients.get(3).error(Frames.of("type", "join", "room",
        "general"), "forbidden").get("code").getAsString());
    for (WireClient c : clients) {
      c.close();
    }
    return seen;
  }
}
