package chat.server.it.web;

import static chat.server.it.web.MessageSteps.awaitChips;
import static chat.server.it.web.MessageSteps.awaitMenuClosed;
import static chat.server.it.web.MessageSteps.choose;
import static chat.server.it.web.MessageSteps.message;
import static chat.server.it.web.MessageSteps.openActions;
import static chat.server.it.web.Panels.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.client.ChatClient;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Message changes at desktop (1280x800, light and dark) and phone (390x844) size: the "Message
 * actions" menu, reactions with a reply (and the composer answering one, with @-suggestions), and
 * an edited and a deleted message. On a phone a long press opens the menu. The menu stays inside
 * the messages, nothing gets wider than the screen and axe finds no serious problem; with
 * {@code -Dchat.screenshots.dir=docs/screenshots} each view is saved as a PNG.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class BrowserMessageScreensIT {
  static final Path SHOTS = Browser.screenshotDir();
  static final String QUESTION = "The release candidate is on staging. Can someone try it?";
  static final String ANSWER = "Trying it now, the login page first.";
  static final String MENTION = "@bob could you check the reconnect banner too?";
  static final String WRONG = "Posting the wrong link, sorry";

  @RegisterExtension
  static final SharedServer shared = WebTests.server(2);
  static ServerProcess server;
  static Browser alice;
  static Browser bob;
  static ChatClient carol;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    alice = Browser.shared(0, "alice");
    bob = Browser.shared(1, "bob");
    Panels.signedOut(alice, server);
    Panels.signedOut(bob, server);
    alice.signIn("alice", WebTests.PASSWORD, true);
    bob.signIn("bob", WebTests.PASSWORD, true);
    carol = Panels.client(server, "carol");

    Panels.createRoom(alice, "launch", "Shipping 0.3 on Friday");
    bob.goTo("#launch");
    await(carol.join("launch"));
    await(carol.send("#launch", QUESTION));
    bob.awaitMessage("carol", QUESTION);
    openActions(bob, QUESTION);
    choose(bob, "Reply");
    bob.send("Trying it now, login first", true);
    bob.awaitMessage("bob", "Trying it now, login first");
    openActions(bob, "Trying it now, login first");
    choose(bob, "Edit");
    Browser.type(bob.field("Edit message"), ANSWER);
    bob.field("Edit message").sendKeys(Keys.ENTER);
    bob.awaitMessage("bob", ANSWER);
    await(carol.send("#launch", WRONG));
    alice.awaitMessage("carol", WRONG);
    openActions(alice, WRONG); // the room's owner deletes someone else's message
    choose(alice, "Delete");
    choose(alice, "Delete");
    message(alice, "Message deleted");
    alice.send(MENTION, true);
    bob.awaitMessage("alice", MENTION);
    for (String emoji : List.of("🎉", "👍")) {
      openActions(bob, QUESTION);
      choose(bob, "React");
      choose(bob, "React with " + emoji);
      awaitMenuClosed(bob);
    }
    openActions(alice, QUESTION);
    choose(alice, "React");
    choose(alice, "React with 🎉");
    awaitChips(alice, QUESTION, "🎉 2 mine, 👍 1");
    openActions(alice, ANSWER);
    choose(alice, "React");
    choose(alice, "React with ❤️");
    awaitChips(alice, ANSWER, "❤️ 1 mine");
    await(carol.send("#launch", "Thanks both! Tagging it once the banner is checked."));
    alice.awaitMessage("carol", "Thanks both! Tagging it once the banner is checked.");
  }

  @AfterAll
  static void stop() throws Exception {
    Panels.closeAll(alice, bob, carol);
  }

  @Test
  void desktop() throws Exception {
    alice.viewport(1280, 800, 1, false);
    shoot("desktop");
  }

  @Test
  void desktopDark() throws Exception {
    alice.viewport(1280, 800, 1, false);
    alice.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
        List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    try {
      shoot("desktop-dark");
    } finally {
      alice.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    }
  }

  @Test
  void phone() throws Exception {
    alice.viewport(390, 844, 2, true);
    try {
      shoot("phone");
    } finally {
      alice.driver.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of(
          "enabled", false));
      alice.resetViewport();
    }
  }

  private static void shoot(String size) throws Exception {
    alice.driver.navigate().refresh();
    alice.awaitSignedIn("alice");
    alice.awaitOpen("#launch");
    alice.awaitMessage("carol", "Thanks both! Tagging it once the banner is checked.");

    // An edited and a deleted message, the reply's quote and the reactions.
    // Looked up in one script: the catch-up after the reload may rebuild the item meanwhile.
    alice.awaitTrue("the answer labelled edited", "return [...document.querySelectorAll("
        + "'[role=log] li.message[data-seq]')].some((li) => li.querySelector('.message-text')"
        + "?.textContent === arguments[0] && li.querySelector('.edited-label')?.textContent"
        + " === 'edited');", ANSWER);
    message(alice, "Message deleted");
    alice.js("document.querySelector('#message-scroller').scrollTop = 1e6;");
    assertFits();
    alice.assertAccessible("edited-deleted-" + size);
    alice.screenshot(SHOTS, "edited-deleted-" + size + ".png");

    // The menu of someone else's message, as the room's owner: Reply, React, Delete. On a
    // phone a long press opens it.
    if (size.startsWith("phone")) {
      MessageSteps.longPress(alice, ANSWER);
    } else {
      openActions(alice, ANSWER);
    }
    assertEquals(List.of("Reply", "React", "Delete"), MessageSteps.menuLabels(alice));
    assertMenuInside();
    assertFits();
    alice.assertAccessible("message-actions-" + size);
    alice.screenshot(SHOTS, "message-actions-" + size + ".png");
    alice.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    awaitMenuClosed(alice);

    // Answering: the reply bar, and names suggested after "@".
    openActions(alice, QUESTION);
    choose(alice, "Reply");
    WebElement composer = alice.field("Message");
    Browser.type(composer, "Looks good here. @b");
    alice.awaitTrue("bob suggested", "return !document.querySelector('#mention-suggestions')"
        + ".hidden && !document.querySelector('#reply-bar').hidden;");
    assertFits();
    alice.assertAccessible("reactions-reply-" + size);
    alice.screenshot(SHOTS, "reactions-reply-" + size + ".png");
    composer.sendKeys(Keys.ESCAPE); // closes the suggestions
    composer.sendKeys(Keys.ESCAPE); // cancels the reply
    alice.awaitTrue("the reply cancelled", "return document.querySelector('#reply-bar').hidden;");
    Browser.type(composer, "");
    alice.assertNothingRan();
  }

  /** The open menu lies inside the message scroller's visible box. */
  private static void assertMenuInside() {
    Object inside = alice.js("const m = document.querySelector('#message-menu')"
        + ".getBoundingClientRect(); const s = document.querySelector('#message-scroller')"
        + ".getBoundingClientRect();"
        + "return m.left >= s.left - 1 && m.right <= s.right + 1 && m.top >= s.top - 1"
        + " && m.bottom <= s.bottom + 1 ? '' : JSON.stringify([m, s]);");
    assertEquals("", inside, "the menu inside the messages");
  }

  private static void assertFits() {
    Object overflow = alice.js("const d = document.documentElement;"
        + "return d.scrollWidth > d.clientWidth ? 'page ' + d.scrollWidth : '';");
    assertEquals("", overflow, "wider than the screen");
  }
}
