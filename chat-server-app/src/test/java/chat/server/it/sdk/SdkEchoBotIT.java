package chat.server.it.sdk;

import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.protocol.Event;
import chat.server.it.ServerProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example bot, started with the command docs/sdk.md gives, answers direct messages. */
class SdkEchoBotIT {
  private static final Path SOURCE =
      Path.of("..", "chat-client-java", "src", "main", "java", "chat", "client", "examples",
          "EchoBot.java");

  @TempDir Path tmp;

  @Test
  void theEchoBotEchoesEveryDirectMessageOnce() throws Exception {
    try (ServerProcess server = Sdk.fastServer(tmp.resolve("data"))) {
      Process bot = new ProcessBuilder(Jars.java(), "-cp", Jars.sdkClassPath(),
          "chat.client.examples.EchoBot", server.wsUri().toString(), "echobot",
          "echobot password").redirectErrorStream(true).start();
      BlockingQueue<String> output = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(bot.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            output.add(line);
          }
        } catch (java.io.IOException e) {
          // the process ended
        }
      }, "echobot-output");
      reader.setDaemon(true);
      reader.start();
      try {
        String line;
        do { // (the SDK's logging facade may first say that no logger is bound)
          line = output.poll(30, TimeUnit.SECONDS);
          assertNotNull(line, "the bot did not say it is listening");
        } while (!line.contains("echobot is listening"));

        Recorder inbox = new Recorder();
        try (ChatClient dave = connected(server.wsUri(), "dave", inbox)) {
          for (int i = 1; i <= 3; i++) {
            await(dave.send("@echobot", "ping " + i));
          }
          inbox.awaitText("@echobot", "echo: ping 3");
          List<String> echoes = inbox.messages().stream()
              .filter(m -> m.from().equals("echobot")).map(Event.Message::text).toList();
          assertEquals(List.of("echo: ping 1", "echo: ping 2", "echo: ping 3"), echoes);
          await(dave.send("@echobot", "one more"));
          inbox.awaitText("@echobot", "echo: one more");
          assertEquals(4, inbox.messages().stream().filter(m -> m.from().equals("echobot"))
              .count(), "no echo twice, and none of its own echoes");
        }
      } finally {
        bot.destroyForcibly();
        bot.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theEchoBotIsAShortProgramOnThePublicApi() throws Exception {
    List<String> lines = Files.readAllLines(SOURCE);
    assertTrue(lines.size() <= 50, "EchoBot has " + lines.size() + " lines");
    assertTrue(lines.stream().filter(l -> l.startsWith("import chat."))
        .allMatch(l -> l.matches("import chat\\.(client|protocol)\\.[A-Z]\\w*;")), lines.toString());
  }
}
