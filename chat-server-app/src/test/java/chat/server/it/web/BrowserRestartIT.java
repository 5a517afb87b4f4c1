package chat.server.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import chat.client.ChatClient;
import chat.client.ChatListener;
import chat.protocol.Event;
import chat.server.it.ServerProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server dies under an open page (kill -9) and comes back on the same data directory and
 * ports: the page shows that it is reconnecting, reconnects by itself, catches up on messages
 * that were sent while it was cut off (by a protocol client, to a room and to the page's user
 * directly), and sends what was typed while offline, once.
 */
class BrowserRestartIT {
  /** The page's backoff is capped at 30 s; it has been down for a few seconds only. */
  static final Duration RECONNECT = Duration.ofSeconds(40);

  @TempDir Path tmp;
  ServerProcess server;
  Browser dave;

  @BeforeEach
  void start() throws Exception {
    Browser.assumeAvailable();
    server = ServerProcess.start(tmp.resolve("data"));
    dave = Browser.shared(0, "dave");
  }

  @AfterEach
  void stop() throws Exception {
    Panels.closeAll(dave, server);
  }

  @Test
  void pageReconnectsAfterARestartAndShowsWhatWasSentMeanwhile() throws Exception {
    try (ChatClient erin = client(server.wsUri(), "erin")) {
      erin.createRoom("ops", "Operations", false).get(15, TimeUnit.SECONDS);
      erin.send("#ops", "deploy at five").get(15, TimeUnit.SECONDS);
    }
    dave.open(server.httpUri("/"));
    dave.signIn("dave", WebTests.PASSWORD, true);
    dave.goTo("#ops");
    dave.awaitMessage("erin", "deploy at five");

    server.kill9();
    dave.awaitTrue("the page to show that it is reconnecting",
        "const s = document.querySelector('#connection-status');"
            + "return s.dataset.state === 'reconnecting' && s.textContent === 'Reconnecting…';");

    // While the page is cut off, the same store is served on other ports (so the page cannot
    // reach it) and someone writes to the room and to dave directly.
    ServerProcess elsewhere = ServerProcess.start(server.dataDir());
    try {
      assertNotEquals(server.wsPort(), elsewhere.wsPort());
      try (ChatClient erin = client(elsewhere.wsUri(), "erin")) {
        erin.send("#ops", "database migrated").get(15, TimeUnit.SECONDS);
        erin.send("@dave", "are you around?").get(15, TimeUnit.SECONDS);
      }
    } finally {
      elsewhere.kill9();
    }
    // Dave writes while offline: it waits in the outbox.
    dave.send("on my way", true);
    dave.awaitTrue("the message to wait for the connection",
        "const li = [...document.querySelectorAll('[role=log] li.message.own')].pop();"
            + "return li && li.dataset.state === 'pending'"
            + " && li.querySelector('.message-status').textContent === 'Waiting for connection…';");
    assertNotEquals("online", dave.connectionState());
    dave.assertAccessible("reconnecting, with a message waiting");

    server = server.restartOnSamePorts();
    dave.awaitTrue(RECONNECT, "the page to reconnect by itself",
        "return document.querySelector('#connection-status').dataset.state === 'online';");
    dave.awaitMessage("erin", "database migrated");
    dave.awaitMessage("dave", "on my way");
    assertEquals(List.of("deploy at five", "database migrated", "on my way"),
        dave.messageTexts());
    // The direct message sent meanwhile is in the list, unread, and opens with its text.
    dave.await("@erin unread in the list", d -> d.findElements(org.openqa.selenium.By
        .cssSelector("button.conv-item[data-conv='@erin'][data-unread='1']")).stream()
        .findFirst().orElse(null));
    dave.openFromList("@erin");
    dave.awaitMessage("erin", "are you around?");
    dave.assertNothingRan();

    // The message typed offline was stored exactly once.
    try (ChatClient erin = client(server.wsUri(), "erin")) {
      List<Event.Message> page = erin.history("#ops", null, null, null)
          .get(15, TimeUnit.SECONDS).messages();
      assertEquals(List.of("deploy at five", "database migrated", "on my way"),
          page.stream().map(Event.Message::text).toList());
    }
  }

  static ChatClient client(URI uri, String user) throws Exception {
    ChatClient c = ChatClient.builder(uri).register(user, WebTests.PASSWORD)
        .listener(new ChatListener() {}).build();
    c.connect().get(15, TimeUnit.SECONDS);
    return c;
  }
}
