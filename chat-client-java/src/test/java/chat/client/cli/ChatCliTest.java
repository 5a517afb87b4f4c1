package chat.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Event;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's usage errors and exit codes that need no server. */
class ChatCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return ChatCli.run(args, env, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    assertEquals(0, run(Map.of(), "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("Exit codes: 0 done"));
  }

  @Test
  void usageMistakesExitTwoWithAMessage() {
    assertEquals(2, run(Map.of()));
    assertTrue(err().contains("Usage:"), err());

    assertEquals(2, run(Map.of(), "--user", "alice", "--password", "password1", "frobnicate"));
    assertTrue(err().contains("unknown command frobnicate"), err());

    assertEquals(2, run(Map.of(), "--user", "alice", "--password", "password1", "join"));
    assertTrue(err().contains("usage: join ROOM"), err());

    assertEquals(2, run(Map.of(), "--user", "alice", "--password", "password1", "history",
        "@bob", "lots"));
    assertTrue(err().contains("LIMIT a positive number"), err());

    assertEquals(2, run(Map.of(), "--bogus"));
    assertTrue(err().contains("unknown option --bogus"), err());

    assertEquals(2, run(Map.of(), "send", "@bob", "hi"));
    assertTrue(err().contains("give --user and --password"), err());

    assertEquals(2, run(Map.of(), "--user"));
    assertTrue(err().contains("--user needs a value"), err());

    assertEquals(2, run(Map.of(), "--server", "http://x/ws", "--token", "t", "rooms"));
    assertTrue(err().contains("ws:// or wss://"), err());
  }

  @Test
  void newCommandsCheckTheirArgumentsBeforeConnecting() {
    Map<String, String> env = Map.of("CHAT_SERVER", "ws://127.0.0.1:1/ws", "CHAT_USER", "alice",
        "CHAT_PASSWORD", "password1");
    assertEquals(2, run(env, "role", "general", "bob", "admin"));
    assertTrue(err().contains("usage: role ROOM USER owner|moderator|member"), err());
    assertEquals(2, run(env, "ban", "general"));
    assertTrue(err().contains("usage: ban ROOM USER"), err());
    assertEquals(2, run(env, "block"));
    assertTrue(err().contains("usage: block USER"), err());
    assertEquals(2, run(env, "blocked", "mallory"));
    assertTrue(err().contains("usage: blocked takes no arguments"), err());
    assertEquals(2, run(env, "delete-account"));
    assertTrue(err().contains("usage: delete-account USER"), err());
    assertEquals(2, run(env, "topic"));
    assertTrue(err().contains("usage: topic ROOM"), err());
  }

  @Test
  void passwordChangesNeedTheCurrentPasswordAndANewOneOnStandardInput() {
    Map<String, String> tokenOnly = Map.of("CHAT_SERVER", "ws://127.0.0.1:1/ws",
        "CHAT_TOKEN", "t");
    assertEquals(2, run(tokenOnly, "password"));
    assertTrue(err().contains("password needs your current password"), err());
    assertEquals(2, run(tokenOnly, "delete-account", "alice"));
    assertTrue(err().contains("delete-account needs your current password"), err());

    Map<String, String> env = Map.of("CHAT_SERVER", "ws://127.0.0.1:1/ws", "CHAT_USER", "alice",
        "CHAT_PASSWORD", "password1");
    assertEquals(2, run(env, "password")); // standard input is empty
    assertTrue(err().contains("new password on the first line of standard input"), err());
  }

  @Test
  void aServerThatIsNotThereExitsThreeQuickly() {
    long start = System.nanoTime();
    int code = run(Map.of("CHAT_SERVER", "ws://127.0.0.1:1/ws", "CHAT_TOKEN", "t"), "rooms");
    long ms = (System.nanoTime() - start) / 1_000_000;

    assertEquals(3, code, err());
    assertTrue(err().contains("cannot connect to ws://127.0.0.1:1/ws"), err());
    assertTrue(ms < 5_000, "took " + ms + " ms; scripts should not wait for retries");
  }

  @Test
  void formatsMessagesOnOneLineWithContinuationsIndented() {
    Event.Message m = new Event.Message("#general", 12, "alice", "hi\nthere", 0, "c");
    assertEquals("#general 12 1970-01-01T00:00:00Z alice: hi\n  there", ChatCli.format(m));
  }

  /** Others choose message text: no escape sequence or direction control reaches a terminal. */
  @Test
  void controlCharactersOfOthersTextNeverReachTheTerminal() {
    String hostile = "ok\u001b]52;c;ZXZpbA==\u0007\u001b[2J\r\u009b1m\u202egnp.exe\u2066x\tend"
        + "\nnext";
    Event.Message m = new Event.Message("#general", 12, "mallory", hostile, 0, "c");
    assertEquals("#general 12 1970-01-01T00:00:00Z mallory: "
        + "ok?]52;c;ZXZpbA==??[2J??1m?gnp.exe?x?end\n  next", ChatCli.format(m));
    Event.Message edited = new Event.Message("#general", 12, "mallory", "\u001b[31mred", 0, "c",
        null, List.of(), 5L, false, Map.of());
    assertEquals("#general 5 edit 12 mallory: ?[31mred",
        ChatCli.format(new Event.Update("#general", 12, 5, "mallory", "edit", edited)));
  }

  @Test
  void changeCommandsCheckTheirArgumentsBeforeConnecting() {
    Map<String, String> env = Map.of("CHAT_SERVER", "ws://127.0.0.1:1/ws", "CHAT_USER", "alice",
        "CHAT_PASSWORD", "password1");
    assertEquals(2, run(env, "edit", "#general", "x", "new text"));
    assertTrue(err().contains("usage: edit CONV SEQ TEXT..."), err());
    assertEquals(2, run(env, "reply", "#general", "3"));
    assertTrue(err().contains("usage: reply CONV SEQ TEXT..."), err());
    assertEquals(2, run(env, "delete", "#general", "0"));
    assertTrue(err().contains("usage: delete CONV SEQ"), err());
    assertEquals(2, run(env, "react", "#general", "3"));
    assertTrue(err().contains("usage: react CONV SEQ EMOJI"), err());
    assertEquals(2, run(env, "unreact", "#general", "3", "👍", "🎉"));
    assertTrue(err().contains("usage: unreact CONV SEQ EMOJI"), err());
    assertEquals(2, run(env, "updates", "#general", "-1"));
    assertTrue(err().contains("usage: updates CONV [AFTER_REV]"), err());
  }

  @Test
  void formatsRepliesEditsDeletionsAndReactions() {
    Map<String, List<String>> reactions = new LinkedHashMap<>();
    reactions.put("👍", List.of("bob", "carol"));
    reactions.put("🎉", List.of("dave"));
    Event.Message edited = new Event.Message("#general", 12, "alice", "yes", 0, "c", 7L,
        List.of(), 5L, false, reactions);
    assertEquals("#general 12 1970-01-01T00:00:00Z alice: [reply to 7] yes [edited] "
        + "[👍 bob,carol] [🎉 dave]", ChatCli.format(edited));
    Event.Message deleted = new Event.Message("#general", 13, "alice", "", 0, "c", null,
        List.of(), 5L, true, Map.of());
    assertEquals("#general 13 1970-01-01T00:00:00Z alice: [deleted]", ChatCli.format(deleted));

    assertEquals("#general 4 react 12 dave: [👍 bob,carol] [🎉 dave]",
        ChatCli.format(new Event.Update("#general", 12, 4, "dave", "react", edited)));
    assertEquals("#general 5 edit 12 alice: yes",
        ChatCli.format(new Event.Update("#general", 12, 5, "alice", "edit", edited)));
    assertEquals("#general 6 delete 13 carol",
        ChatCli.format(new Event.Update("#general", 13, 6, "carol", "delete", deleted)));
  }
}
