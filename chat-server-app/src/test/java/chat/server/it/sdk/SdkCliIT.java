package chat.server.it.sdk;

import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static chat.server.it.sdk.Sdk.password;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.client.cli.ChatCli;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command-line client against the packaged server: commands, output, exit codes. */
class SdkCliIT {
  @RegisterExtension
  static final SharedServer shared = new SharedServer(Sdk.FAST);
  @TempDir static Path tmp;

  private static ServerProcess server() {
    return shared.process();
  }

  /** One in-process run of the CLI. */
  record Run(int code, String out, String err) {}

  private static Run cli(Map<String, String> env, InputStream in, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ChatCli.run(args, env, in, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static Run cli(String user, String... args) {
    Map<String, String> env = new HashMap<>(Map.of("CHAT_SERVER", server().wsUri().toString()));
    if (user != null) {
      env.put("CHAT_USER", user);
      env.put("CHAT_PASSWORD", password(user));
    }
    return cli(env, new ByteArrayInputStream(new byte[0]), args);
  }

  @Test
  void registerSendAndHistoryPrintPlainLines() throws Exception {
    Run carol = cli("carol", "--register", "token");
    assertEquals(0, carol.code(), carol.err());
    String token = carol.out().strip();
    assertTrue(token.length() >= 22, token);
    assertEquals(0, cli("dave", "--register", "token").code());

    Run sent = cli("carol", "send", "@dave", "hello", "there");
    assertEquals(0, sent.code(), sent.err());
    assertEquals("1\n", sent.out());
    assertEquals(0, cli("dave", "send", "@carol", "line one\nline two").code());

    Run history = cli(Map.of("CHAT_SERVER", server().wsUri().toString(), "CHAT_TOKEN", token),
        new ByteArrayInputStream(new byte[0]), "history", "@dave");
    assertEquals(0, history.code(), history.err());
    List<String> lines = history.out().lines().toList();
    assertEquals(3, lines.size(), history.out());
    assertTrue(lines.get(0).matches("@dave 1 \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z carol: hello there"),
        lines.get(0));
    assertTrue(lines.get(1).matches("@dave 2 \\S+ dave: line one"), lines.get(1));
    assertEquals("  line two", lines.get(2));

    Run limited = cli("carol", "history", "@dave", "1");
    assertEquals(List.of("dave: line one", "  line two"), limited.out().lines()
        .map(l -> l.replaceFirst("^@dave 2 \\S+ ", "")).toList(), limited.out());

    Run conversations = cli("carol", "conversations");
    assertEquals("@dave 2 0\n", conversations.out());
  }

  @Test
  void roomCommands() {
    assertEquals("#cli-room\n", cli("erin", "--register", "create", "cli-room", "All", "about",
        "it").out());
    assertEquals(0, cli("frank", "--register", "token").code());
    assertEquals("#cli-room\n", cli("frank", "join", "#cli-room").out());
    Run rooms = cli("frank", "rooms");
    assertTrue(rooms.out().lines().anyMatch(l -> l.equals("#cli-room 2 joined All about it")),
        rooms.out());
    Run leave = cli("frank", "leave", "cli-room");
    assertEquals(0, leave.code(), leave.err());
    assertEquals("", leave.out());
  }

  @Test
  void moderationAndBlockingCommands() {
    assertEquals(0, cli("lena", "--register", "token").code());
    assertEquals(0, cli("mike", "--register", "token").code());
    assertEquals("#cli-mod\n", cli("lena", "create", "cli-mod").out());
    assertEquals(0, cli("mike", "join", "cli-mod").code());

    Run topic = cli("lena", "topic", "cli-mod", "Weekly", "sync");
    assertEquals(0, topic.code(), topic.err());
    assertEquals("", topic.out());
    assertEquals("#cli-mod 2 joined Weekly sync\n", cli("mike", "rooms", "cli-mod").out());

    assertEquals(0, cli("lena", "role", "cli-mod", "mike", "moderator").code());
    Run notOwner = cli("mike", "role", "cli-mod", "lena", "member");
    assertEquals(1, notOwner.code());
    assertTrue(notOwner.err().contains("forbidden"), notOwner.err());
    Run banOwner = cli("mike", "ban", "cli-mod", "lena");
    assertEquals(1, banOwner.code());
    assertTrue(banOwner.err().contains("forbidden"), banOwner.err());

    assertEquals(0, cli("lena", "ban", "cli-mod", "mike").code());
    assertEquals("mike\n", cli("lena", "bans", "cli-mod").out());
    assertEquals(1, cli("mike", "join", "cli-mod").code());
    assertEquals(0, cli("lena", "unban", "cli-mod", "mike").code());
    assertEquals("", cli("lena", "bans", "cli-mod").out());

    assertEquals(0, cli("lena", "block", "mike").code());
    assertEquals("mike\n", cli("lena", "blocked").out());
    Run blocked = cli("mike", "send", "@lena", "hello?");
    assertEquals(1, blocked.code());
    assertTrue(blocked.err().contains("forbidden"), blocked.err());
    assertEquals(0, cli("lena", "unblock", "mike").code());
    assertEquals("", cli("lena", "blocked").out());
    assertEquals(0, cli("mike", "send", "@lena", "hello?").code());

    assertEquals(0, cli("lena", "delete-room", "cli-mod").code());
    Run gone = cli("mike", "join", "cli-mod");
    assertEquals(1, gone.code());
    assertTrue(gone.err().contains("not_found"), gone.err());
  }

  @Test
  void accountCommands() {
    assertEquals(0, cli("nora", "--register", "token").code());
    Map<String, String> env = Map.of("CHAT_SERVER", server().wsUri().toString(),
        "CHAT_USER", "nora", "CHAT_PASSWORD", password("nora"));
    Run changed = cli(env, new ByteArrayInputStream(
        "nora's second password\nignored\n".getBytes(StandardCharsets.UTF_8)), "password");
    assertEquals(0, changed.code(), changed.err());
    String token = changed.out().strip();
    assertTrue(token.length() >= 22, token);

    Run oldPassword = cli("nora", "rooms");
    assertEquals(3, oldPassword.code());
    assertTrue(oldPassword.err().contains("unauthorized"), oldPassword.err());
    Map<String, String> newPassword = Map.of("CHAT_SERVER", server().wsUri().toString(),
        "CHAT_USER", "nora", "CHAT_PASSWORD", "nora's second password");
    Map<String, String> byToken = Map.of("CHAT_SERVER", server().wsUri().toString(),
        "CHAT_TOKEN", token);
    assertEquals(0, cli(byToken, new ByteArrayInputStream(new byte[0]), "rooms").code());

    Run everywhere = cli(newPassword, new ByteArrayInputStream(new byte[0]), "logout-all");
    assertEquals(0, everywhere.code(), everywhere.err());
    assertEquals(3, cli(byToken, new ByteArrayInputStream(new byte[0]), "rooms").code(),
        "the token printed by password is revoked too");

    Run wrongName = cli(newPassword, new ByteArrayInputStream(new byte[0]), "delete-account",
        "lena");
    assertEquals(2, wrongName.code());
    assertTrue(wrongName.err().contains("give your own user name"), wrongName.err());
    Run deleted = cli(newPassword, new ByteArrayInputStream(new byte[0]), "delete-account",
        "nora");
    assertEquals(0, deleted.code(), deleted.err());
    assertEquals(3, cli(newPassword, new ByteArrayInputStream(new byte[0]), "rooms").code());
  }

  @Test
  void exitCodesTellScriptsWhatWentWrong() throws Exception {
    assertEquals(0, cli("gina", "--register", "token").code());

    Run refused = cli("gina", "send", "#no-such-room", "hi");
    assertEquals(1, refused.code());
    assertTrue(refused.err().contains("not_found"), refused.err());
    assertEquals("", refused.out());

    Run toSelf = cli("gina", "send", "@gina", "hi me");
    assertEquals(1, toSelf.code());
    assertTrue(toSelf.err().contains("bad_request"), toSelf.err());

    Run usage = cli("gina", "send", "@dave");
    assertEquals(2, usage.code());
    assertTrue(usage.err().contains("usage: send TO TEXT"), usage.err());

    Run wrongPassword = cli(Map.of("CHAT_SERVER", server().wsUri().toString(),
        "CHAT_USER", "gina", "CHAT_PASSWORD", "not-ginas-password"),
        new ByteArrayInputStream(new byte[0]), "rooms");
    assertEquals(3, wrongPassword.code());
    assertTrue(wrongPassword.err().contains("unauthorized"), wrongPassword.err());

    int deadPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort();
    }
    Run down = cli(Map.of("CHAT_SERVER", "ws://127.0.0.1:" + deadPort + "/ws",
        "CHAT_USER", "gina", "CHAT_PASSWORD", password("gina")),
        new ByteArrayInputStream(new byte[0]), "rooms");
    assertEquals(3, down.code());
    assertTrue(down.err().contains("cannot connect"), down.err());
  }

  /** Lines written to a stream, as they are completed. */
  private static final class Lines extends OutputStream {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    @Override public synchronized void write(int b) {
      if (b == '\n') {
        lines.add(current.toString(StandardCharsets.UTF_8));
        current.reset();
      } else {
        current.write(b);
      }
    }

    String next(java.util.function.Predicate<String> test) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Recorder.WAIT_S);
      while (true) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        assertNotNull(line, "no such line within " + Recorder.WAIT_S + " s");
        if (test.test(line)) {
          return line;
        }
      }
    }
  }

  @Test
  void listenPrintsIncomingMessagesAndSendsTypedLines() throws Exception {
    assertEquals(0, cli("hank", "--register", "token").code());
    Recorder ivyInbox = new Recorder();
    try (ChatClient ivy = connected(server().wsUri(), "ivy", ivyInbox);
        PipedOutputStream typing = new PipedOutputStream()) {
      PipedInputStream stdin = new PipedInputStream(typing);
      Lines out = new Lines();
      Lines err = new Lines();
      Map<String, String> env = Map.of("CHAT_SERVER", server().wsUri().toString(),
          "CHAT_USER", "hank", "CHAT_PASSWORD", password("hank"));
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ChatCli.run(
          new String[] {"listen"}, env, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8)));

      err.next(l -> l.contains("listening as hank"));
      await(ivy.send("@hank", "are you there?"));
      String shown = out.next(l -> l.contains("are you there?"));
      assertTrue(shown.matches("@ivy 1 \\S+ ivy: are you there\\?"), shown);

      typing.write("@ivy yes, here\nnonsense\n".getBytes(StandardCharsets.UTF_8));
      typing.flush();
      ivyInbox.awaitText("@hank", "yes, here");
      err.next(l -> l.contains("type '@user text'"));
      out.next(l -> l.contains("hank: yes, here")); // its own message is shown too

      typing.close(); // end of input
      assertEquals(0, exit.get(Recorder.WAIT_S, TimeUnit.SECONDS));
    }
  }

  /** The documented command: java -jar chat-client.jar, exit codes seen by a shell. */
  @Test
  void theRunnableJarWorksFromTheShell() throws Exception {
    Optional<Path> jar = Jars.cliJar();
    Assumptions.assumeTrue(jar.isPresent(), "no chat-client.jar beside " + Jars.location(ChatCli.class));
    assertEquals(0, cli("judy", "--register", "token").code());

    List<String> base = List.of(Jars.java(), "-jar", jar.get().toString(),
        "--server", server().wsUri().toString(), "--user", "kate", "--register");
    Path out = tmp.resolve("cli-out.txt");
    List<String> send = new ArrayList<>(base);
    send.addAll(List.of("send", "@judy", "from", "the", "shell"));
    Process p = new ProcessBuilder(send).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "did not exit");
    // no password given: usage error, before any connection
    assertEquals(2, p.exitValue(), Files.readString(out));

    Map<String, String> environment = Map.of("CHAT_PASSWORD", password("kate"));
    ProcessBuilder withPassword = new ProcessBuilder(send).redirectOutput(out.toFile())
        .redirectError(tmp.resolve("cli-err.txt").toFile());
    withPassword.environment().putAll(environment);
    Process ok = withPassword.start();
    assertTrue(ok.waitFor(30, TimeUnit.SECONDS), "did not exit");
    assertEquals(0, ok.exitValue(), Files.readString(tmp.resolve("cli-err.txt")));
    assertEquals("1", Files.readString(out).strip());

    List<String> refused = new ArrayList<>(base);
    refused.addAll(List.of("send", "#nowhere", "hi"));
    ProcessBuilder refusedRun = new ProcessBuilder(refused).redirectOutput(out.toFile())
        .redirectError(tmp.resolve("cli-err.txt").toFile());
    refusedRun.environment().putAll(environment);
    Process no = refusedRun.start();
    assertTrue(no.waitFor(30, TimeUnit.SECONDS), "did not exit");
    assertEquals(1, no.exitValue());
    assertTrue(Files.readString(tmp.resolve("cli-err.txt")).contains("not_found"));
  }
}
