package chat.server.it.web;

import static chat.server.it.web.Panels.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A conversation left open while thousands of messages arrive, in a real browser: the page keeps
 * a window of them (web/js/store.js, HELD_MAX), not every one; scrolling back loads the
 * forgotten ones again; reading back while the room goes on keeps the message in view still and
 * forgets the messages between it and the newest, which show as a hole; Jump to latest goes on.
 */
class BrowserLongHistoryIT {
  /** web/js/store.js: HELD_MAX and KEEP_NEWEST. */
  static final int HELD_MAX = 1500;
  static final int KEEP_NEWEST = 1000;

  /** Bob floods quickly: sends are not limited here. */
  @RegisterExtension
  static final SharedServer shared = WebTests.server(1, "--send-per-second", "5000",
      "--send-burst", "5000", "--requests-per-second", "5000", "--request-burst", "5000");
  static ServerProcess server;
  static Browser alice;
  static ChatClient bob;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    alice = Browser.shared(0, "alice");
    Panels.signedOut(alice, server);
    alice.signIn("alice", WebTests.PASSWORD, true);
    bob = Panels.client(server, "bob"); // paced to the raised limits the hello advertises
  }

  @AfterAll
  static void stop() throws Exception {
    Panels.closeAll(alice, bob);
  }

  @Test
  void anOpenConversationKeepsAWindowOfAFloodAndLoadsTheRestAgain() throws Exception {
    Panels.createRoom(alice, "busy", "Many messages");
    await(bob.join("busy"));
    int flood = HELD_MAX + 100;
    send(1, flood);
    awaitShown(flood);
    int shown = messageCount();
    assertTrue(shown >= KEEP_NEWEST && shown <= HELD_MAX, shown + " messages in the page");
    long first = firstSeq();
    assertTrue(first > 1, "the oldest were forgotten, first " + first);
    assertEquals("Flood " + first, alice.js("return document.querySelector("
        + "'[role=log] li.message .message-text').textContent;"));

    // Scrolling back loads them again.
    alice.js("document.querySelector('#message-scroller').scrollTop = 0;");
    alice.awaitTrue("older messages loaded again", "return Number(document.querySelector("
        + "'[role=log] li.message').dataset.seq) < arguments[0];", first);

    // Reading back while the room goes on: the message at the top of the view stays where it
    // is; the messages between it and the newest are forgotten and show as a hole.
    long reading = ((Number) alice.js("const top = document.querySelector('#message-scroller')"
        + ".getBoundingClientRect().top; return Number([...document.querySelectorAll("
        + "'[role=log] li.message')].find((m) => m.getBoundingClientRect().bottom > top)"
        + ".dataset.seq);")).longValue();
    Object y = top(reading);
    int more = 600;
    send(flood + 1, flood + more);
    alice.awaitTrue("the newest message held", "return !!document.querySelector("
        + "'[role=log] li.message[data-seq=\"' + arguments[0] + '\"]');", flood + more);
    alice.awaitTrue("a hole between", "return !!document.querySelector("
        + "'[role=log] li.history-gap');");
    assertEquals(y, top(reading), "the message being read kept still");
    shown = messageCount();
    assertTrue(shown <= HELD_MAX, shown + " messages in the page");

    alice.button("Jump to latest").click();
    alice.awaitTrue("the newest in view", "const s = document.querySelector('#message-scroller');"
        + "return s.scrollHeight - s.scrollTop - s.clientHeight < 40;");
    await(bob.send("#busy", "After the flood"));
    alice.awaitMessage("bob", "After the flood");
  }

  /** Bob sends "Flood from" to "Flood to", up to 200 at a time in flight. */
  private static void send(int from, int to) throws Exception {
    for (int start = from; start <= to; start += 200) {
      List<CompletableFuture<?>> sends = new ArrayList<>();
      for (int i = start; i <= Math.min(to, start + 199); i++) {
        sends.add(bob.send("#busy", "Flood " + i));
      }
      await(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)));
    }
  }

  private static void awaitShown(int seq) {
    alice.awaitTrue("message " + seq + " shown", "const last = [...document.querySelectorAll("
        + "'[role=log] li.message')].pop(); return !!last && last.dataset.seq === String("
        + "arguments[0]);", seq);
  }

  private static int messageCount() {
    return ((Number) alice.js("return document.querySelectorAll('[role=log] li.message')"
        + ".length;")).intValue();
  }

  private static long firstSeq() {
    return ((Number) alice.js("return Number(document.querySelector('[role=log] li.message')"
        + ".dataset.seq);")).longValue();
  }

  private static Object top(long seq) {
    return alice.js("return Math.round(document.querySelector('[role=log] li.message[data-seq=\"'"
        + " + arguments[0] + '\"]').getBoundingClientRect().top);", seq);
  }
}
