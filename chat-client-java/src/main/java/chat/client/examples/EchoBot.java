package chat.client.examples;

import chat.client.ChatClient;
import chat.client.ChatListener;
import chat.protocol.Event;
import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * Echoes every direct message back to its sender.
 * {@code java -cp chat-client.jar chat.client.examples.EchoBot ws://localhost:8081/ws echobot pw}
 */
public final class EchoBot {
  public static void main(String[] args) throws Exception {
    URI server = URI.create(args.length > 0 ? args[0] : "ws://localhost:8081/ws");
    String user = args.length > 1 ? args[1] : "echobot";
    String password = args.length > 2 ? args[2] : "echobot-password";
    CountDownLatch closed = new CountDownLatch(1);

    ChatClient bot = ChatClient.builder(server)
        .register(user, password)
        .listener(new ChatListener() {
          @Override
          public void onMessage(ChatClient client, Event.Message m) {
            if (m.conv().startsWith("@") && !m.from().equals(client.user())) {
              client.send(m.conv(), "echo: " + m.text());
            }
          }

          @Override
          public void onClosed(ChatClient client) {
            closed.countDown();
          }
        })
        .build();
    bot.connect().get();
    System.out.println(user + " is listening; send it a direct message.");
    closed.await();
  }
}
