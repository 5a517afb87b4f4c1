package chat.server.it.sdk;

import static chat.server.it.sdk.Errors.assertError;
import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static chat.server.it.sdk.Sdk.password;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.client.cli.ChatCli;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Result;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Edits, deletions, reactions and replies through the SDK and the command line against the
 * packaged server: the events at every participant's listener, and a client cut off from the
 * server catching up on the changes it missed, each once and in rev order.
 */
class SdkChangesIT {
  @RegisterExtension
  static final SharedServer shared = new SharedServer(Sdk.FAST);

  private static ServerProcess server() {
    return shared.process();
  }

  @Test
  void editReactAndDeleteReachEveryParticipantsListener() throws Exception {
    Recorder aliceInbox = new Recorder();
    Recorder bobInbox = new Recorder();
    try (ChatClient alice = connected(server().wsUri(), "alice14", aliceInbox);
        ChatClient bob = connected(server().wsUri(), "bob14", bobInbox)) {
      await(alice.createRoom("changes", "", false));
      await(bob.join("changes"));
      long seq = await(alice.send("#changes", "helo")).seq();
      bobInbox.awaitText("#changes", "helo");

      Result.Changed edited = await(alice.edit("#changes", seq, "hello"));
      for (Recorder inbox : List.of(aliceInbox, bobInbox)) {
        Event.Update u = inbox.nextUpdate("#changes");
        assertEquals("edit alice14 " + seq + " " + edited.rev(),
            u.action() + " " + u.by() + " " + u.seq() + " " + u.rev());
        assertEquals("hello", u.message().text());
        assertNotNull(u.message().edited());
      }

      Result.Changed reacted = await(bob.react("#changes", seq, "👍", true));
      assertEquals(edited.rev() + 1, reacted.rev());
      Event.Update reaction = aliceInbox.nextUpdate("#changes");
      assertEquals("react bob14", reaction.action() + " " + reaction.by());
      assertEquals(Map.of("👍", List.of("bob14")), reaction.message().reactions());

      assertError(ErrorCode.FORBIDDEN, bob.edit("#changes", seq, "not mine"));
      Result.Changed deleted = await(alice.delete("#changes", seq));
      Event.Update deletion = bobInbox.next(Event.Update.class, u -> u.action().equals("delete"));
      assertEquals(deleted.rev(), deletion.rev());
      assertTrue(deletion.message().deleted());
      assertEquals("", deletion.message().text());
      assertEquals(Map.of(), deletion.message().reactions(), "reactions are erased too");
      assertError(ErrorCode.FORBIDDEN, bob.react("#changes", seq, "🎉", true));

      Event.Message stored = await(bob.history("#changes", null, null, null)).messages().get(0);
      assertTrue(stored.deleted());
      assertEquals(List.of(edited.rev(), reacted.rev(), deleted.rev()),
          bobInbox.revs("#changes"), "each change once, in rev order");

      Result.Updates page = await(bob.updates("#changes", 0, null));
      assertEquals(deleted.rev(), page.updates().get(page.updates().size() - 1).rev());
    }
  }

  @Test
  void aReplyCarriesReplyToAndMentions() throws Exception {
    Recorder aliceInbox = new Recorder();
    try (ChatClient alice = connected(server().wsUri(), "alice15", aliceInbox);
        ChatClient bob = connected(server().wsUri(), "bob15", new Recorder())) {
      long question = await(alice.send("@bob15", "lunch?")).seq();
      long answer = await(bob.reply("@alice15", question, "@alice15 yes")).seq();

      Event.Message m = aliceInbox.next(Event.Message.class, x -> x.seq() == answer);
      assertEquals(question, m.replyTo());
      assertEquals(List.of("alice15"), m.mentions());
      assertNull(aliceInbox.messages().get(0).replyTo(), "a plain message has none");
      assertError(ErrorCode.NOT_FOUND, bob.reply("@alice15", 99, "to nothing"));
    }
  }

  @Test
  void aClientCutOffCatchesUpEveryChangeOnceInRevOrder() throws Exception {
    Recorder aliceInbox = new Recorder();
    try (TcpProxy link = new TcpProxy(server().wsPort());
        ChatClient bob = connected(server().wsUri(), "bob16", new Recorder());
        ChatClient alice = Sdk.client(link.wsUri(), "alice16", aliceInbox).historyPage(7)
            .build()) {
      await(alice.connect());
      await(bob.createRoom("cutoff", "", false));
      await(alice.join("cutoff"));
      int messages = 80;
      List<CompletableFuture<Result.Sent>> sends = new ArrayList<>();
      for (int i = 1; i <= messages; i++) {
        sends.add(bob.send("#cutoff", "m" + i));
      }
      for (CompletableFuture<Result.Sent> f : sends) {
        await(f);
      }
      aliceInbox.awaitText("#cutoff", "m" + messages);
      assertEquals(1, await(change(bob, 1)).rev());
      aliceInbox.awaitRev("#cutoff", 1); // live

      link.refuse(true);
      link.cut();
      aliceInbox.next(Recorder.Disconnected.class);
      // Each change on its own message, so that none supersedes another and every rev is due.
      for (long seq = 2; seq <= 40; seq++) {
        assertEquals(seq, await(change(bob, seq)).rev());
      }
      link.refuse(false); // alice comes back while bob keeps changing
      List<CompletableFuture<Result.Changed>> more = new ArrayList<>();
      for (long seq = 41; seq <= messages; seq++) {
        more.add(change(bob, seq));
      }
      for (CompletableFuture<Result.Changed> f : more) {
        await(f);
      }
      aliceInbox.awaitRev("#cutoff", messages);
      assertEquals(messages + 1L, await(bob.react("#cutoff", 1, "🎉", true)).rev());
      aliceInbox.awaitRev("#cutoff", messages + 1);

      List<Long> expected = new ArrayList<>();
      for (long rev = 1; rev <= messages + 1; rev++) {
        expected.add(rev);
      }
      assertEquals(expected, aliceInbox.revs("#cutoff"), "each change once, in rev order");
      aliceInbox.assertExactlyOnceInOrder("#cutoff", messages);
      assertEquals(Map.of("#cutoff", messages + 1L), alice.lastRevs());
      assertTrue(link.accepted() >= 2, "reconnected through the link");
    }
  }

  /** Edits, reacts to or deletes bob's message {@code seq}, by turns. */
  private static CompletableFuture<Result.Changed> change(ChatClient bob, long seq) {
    return switch ((int) (seq % 3)) {
      case 0 -> bob.react("#cutoff", seq, "👍", true);
      case 1 -> bob.edit("#cutoff", seq, "edited " + seq);
      default -> bob.delete("#cutoff", seq);
    };
  }

  /** One in-process run of the CLI as {@code user}; returns exit code, out and err. */
  private static String[] cli(String user, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ChatCli.run(args, Map.of("CHAT_SERVER", server().wsUri().toString(),
            "CHAT_USER", user, "CHAT_PASSWORD", password(user)),
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8)};
  }

  /** The CLI run succeeded; returns its output, trimmed. */
  private static String ok(String user, String... args) {
    String[] run = cli(user, args);
    assertEquals("0", run[0], String.join(" ", args) + ": " + run[2]);
    return run[1].strip();
  }

  @Test
  void commandLineRepliesEditsReactsDeletesAndListsTheUpdates() throws Exception {
    ok("carol17", "--register", "token");
    ok("dave17", "--register", "token");
    ok("carol17", "create", "cli-changes");
    ok("dave17", "join", "cli-changes");
    assertEquals("1", ok("carol17", "send", "#cli-changes", "helo"));
    assertEquals("2", ok("dave17", "reply", "#cli-changes", "1", "hi", "carol17"));

    assertEquals("1", ok("carol17", "edit", "#cli-changes", "1", "hello"));
    assertEquals("2", ok("carol17", "react", "#cli-changes", "2", "👍"));
    String[] refused = cli("dave17", "edit", "#cli-changes", "1", "mine now");
    assertEquals("1", refused[0], refused[2]);
    assertTrue(refused[2].contains("forbidden"), refused[2]);

    String history = ok("dave17", "history", "#cli-changes");
    String[] lines = history.split("\n");
    assertEquals(2, lines.length, history);
    assertTrue(lines[0].endsWith(" carol17: hello [edited]"), lines[0]);
    assertTrue(lines[1].endsWith(" dave17: [reply to 1] hi carol17 [👍 carol17]"), lines[1]);

    assertEquals("#cli-changes 1 edit 1 carol17: hello\n"
        + "#cli-changes 2 react 2 carol17: [👍 carol17]", ok("dave17", "updates", "#cli-changes"));
    assertEquals("3", ok("carol17", "unreact", "#cli-changes", "2", "👍"));
    assertEquals("4", ok("carol17", "delete", "#cli-changes", "1"));
    assertEquals("#cli-changes 3 react 2 carol17:\n#cli-changes 4 delete 1 carol17",
        ok("dave17", "updates", "#cli-changes", "2"));
    assertEquals("5", ok("dave17", "delete", "#cli-changes", "2"));
    assertEquals("#cli-changes 5 delete 2 dave17", ok("carol17", "updates", "#cli-changes", "4"));
    String after = ok("carol17", "history", "#cli-changes");
    assertTrue(after.matches("(?s).* carol17: \\[deleted]\n.* dave17: .*\\[deleted]"), after);
  }
}
