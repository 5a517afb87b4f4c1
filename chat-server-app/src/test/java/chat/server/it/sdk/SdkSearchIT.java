package chat.server.it.sdk;

import static chat.server.it.sdk.Errors.assertError;
import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static chat.server.it.sdk.Sdk.password;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.client.cli.ChatCli;
import chat.protocol.ErrorCode;
import chat.protocol.Result;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Search through the SDK (pages by cursor) and the command line against the packaged server. */
class SdkSearchIT {
  @RegisterExtension
  static final SharedServer shared = new SharedServer(Sdk.FAST);

  private static ServerProcess server() {
    return shared.process();
  }

  private static List<String> texts(Result.Search page) {
    return page.results().stream().map(h -> h.conv() + " " + h.message().text()).toList();
  }

  @Test
  void searchPagesNewestFirstThroughTheCursor() throws Exception {
    try (ChatClient alice = connected(server().wsUri(), "alice31", new Recorder());
        ChatClient bob = connected(server().wsUri(), "bob31", new Recorder())) {
      await(alice.createRoom("plans", "", false));
      await(bob.join("plans"));
      await(alice.send("#plans", "Launch checklist, draft"));
      await(bob.send("@alice31", "the launch is moved"));
      await(alice.send("#plans", "lunch at noon"));
      await(bob.send("#plans", "LAUNCH day!"));

      assertEquals(List.of("#plans LAUNCH day!", "@bob31 the launch is moved",
          "#plans Launch checklist, draft"), texts(await(alice.search("laun"))));

      Result.Search first = await(alice.search("launch", null, 2, null));
      assertEquals(List.of("#plans LAUNCH day!", "@bob31 the launch is moved"), texts(first));
      assertTrue(first.more());
      Result.Search second = await(alice.search("launch", null, 2, first.next()));
      assertEquals(List.of("#plans Launch checklist, draft"), texts(second));
      assertFalse(second.more());
      assertNull(second.next());

      assertEquals(List.of("#plans LAUNCH day!", "#plans Launch checklist, draft"),
          texts(await(bob.search("launch", "#plans", null, null))));
      assertError(ErrorCode.BAD_REQUEST, alice.search("?!"));
    }
  }

  @Test
  void commandLineSearchesEverywhereOrInOneConversation() throws Exception {
    assertEquals("0", cli("dave31", "--register", "create", "money")[0]);
    assertEquals("0", cli("carol31", "--register", "send", "@dave31", "budget review")[0]);
    assertEquals("0", cli("dave31", "send", "#money", "the budget is final")[0]);

    String[] everywhere = cli("dave31", "search", "budg");
    assertEquals("0", everywhere[0], everywhere[2]);
    String[] lines = everywhere[1].strip().split("\n");
    assertEquals(2, lines.length, everywhere[1]);
    assertTrue(lines[0].startsWith("#money 1 ") && lines[0].endsWith("dave31: the budget is final"),
        lines[0]);
    assertTrue(lines[1].startsWith("@carol31 1 ") && lines[1].endsWith("carol31: budget review"),
        lines[1]);

    String[] inRoom = cli("dave31", "search-in", "#money", "budget");
    assertEquals("0", inRoom[0], inRoom[2]);
    assertEquals(1, inRoom[1].strip().split("\n").length, inRoom[1]);
    String[] usage = cli("dave31", "search-in", "#money");
    assertEquals("2", usage[0], "2 is bad usage: " + usage[2]);
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
}
