package chat.server.it.web;

import static chat.server.it.web.MessageSteps.awaitChips;
import static chat.server.it.web.MessageSteps.awaitMenuClosed;
import static chat.server.it.web.MessageSteps.choose;
import static chat.server.it.web.MessageSteps.clickChip;
import static chat.server.it.web.MessageSteps.menuLabels;
import static chat.server.it.web.MessageSteps.message;
import static chat.server.it.web.MessageSteps.openActions;
import static chat.server.it.web.Panels.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Changing messages in two real browsers: an edit shows "edited" in the other browser, a delete
 * (confirmed in the page, never window.confirm) leaves "Message deleted", a reply's quote jumps
 * to the message it answers (loading older history when needed), reaction chips toggle and are
 * seen by the other browser, mentions are highlighted and completed after "@", and changes made
 * while a page was away (reloaded, or its connection lost) are caught up.
 */
class BrowserMessageActionsIT {
  @RegisterExtension
  static final SharedServer shared = WebTests.server(2);
  static ServerProcess server;
  static Browser alice;
  static Browser bob;
  static String hook;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    alice = Browser.shared(0, "alice");
    bob = Browser.shared(1, "bob");
    hook = MessageSteps.addScript(alice, MessageSteps.SENT_FRAMES_HOOK);
    Panels.signedOut(alice, server);
    Panels.signedOut(bob, server);
    alice.signIn("alice", WebTests.PASSWORD, true);
    bob.signIn("bob", WebTests.PASSWORD, true);
  }

  @AfterAll
  static void stop() throws Exception {
    if (alice != null) {
      MessageSteps.removeScript(alice, hook);
    }
    Panels.closeAll(alice, bob);
  }

  /** Alice creates {@code room}; Bob joins it; both have it open. */
  private static void bothIn(String room) {
    Panels.createRoom(alice, room, "");
    bob.goTo("#" + room);
    alice.awaitTrue("bob counted in the room", "return document.querySelector("
        + "'#conversation-subtitle').textContent.endsWith('2 members');");
  }

  @Test
  void editAndDeleteReachTheOtherBrowser() {
    bothIn("edits");
    alice.send("helo everyone", true);
    bob.awaitMessage("alice", "helo everyone");

    // Bob may reply to and react on Alice's message, not edit or delete it.
    openActions(bob, "helo everyone");
    assertEquals(List.of("Reply", "React"), menuLabels(bob));
    bob.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    awaitMenuClosed(bob);
    assertEquals("Message actions", bob.driver.switchTo().activeElement().getAccessibleName(),
        "Escape gives the focus back to the button");

    openActions(alice, "helo everyone");
    assertEquals(List.of("Reply", "React", "Edit", "Delete"), menuLabels(alice));
    choose(alice, "Edit");
    WebElement field = alice.field("Edit message");
    assertEquals("helo everyone", field.getAttribute("value"));
    alice.assertAccessible("editing a message in place");
    Browser.type(field, "hello everyone");
    field.sendKeys(Keys.ENTER);
    awaitEdited(alice, "hello everyone");
    awaitEdited(bob, "hello everyone");
    assertFalse(bob.messageTexts().contains("helo everyone"));

    // Delete asks inside the page first; Cancel keeps the message.
    openActions(alice, "hello everyone");
    choose(alice, "Delete");
    assertEquals("Delete this message for everyone?", Panels.text(alice, "#message-menu p"));
    alice.assertAccessible("the menu asking before a delete");
    choose(alice, "Cancel");
    awaitMenuClosed(alice);
    message(alice, "hello everyone");
    openActions(alice, "hello everyone");
    choose(alice, "Delete");
    choose(alice, "Delete");
    message(alice, "Message deleted");
    message(bob, "Message deleted");
    assertFalse(bob.messageTexts().contains("hello everyone"));
    bob.awaitTrue("no actions on a deleted message", "return [...document.querySelectorAll("
        + "'[role=log] li.message.deleted')].every((li) =>"
        + " !li.querySelector('.message-actions-button'));");
    alice.assertNothingRan(); // window.confirm was never called
    bob.assertNothingRan();
  }

  @Test
  void aReplyQuotesItsMessageAndJumpsToIt() throws Exception {
    bothIn("replies");
    try (ChatClient carol = Panels.client(server, "carol")) {
      await(carol.join("replies"));
      await(carol.send("#replies", "Who has the release checklist?"));
      for (int i = 1; i <= 60; i++) {
        await(carol.send("#replies", "filler " + i));
      }
      alice.awaitMessage("carol", "filler 60");
      // Alice had the room open all along: the question is loaded in her page.
      openActions(alice, "Who has the release checklist?");
      choose(alice, "Reply");
      alice.awaitTrue("the reply bar", "return !document.querySelector('#reply-bar').hidden"
          + " && document.querySelector('#reply-bar').textContent.includes("
          + "'Who has the release checklist?');");
      alice.send("I do, it is in the wiki", true);
      alice.awaitMessage("alice", "I do, it is in the wiki");
      alice.awaitTrue("the reply bar gone", "return document.querySelector('#reply-bar').hidden;");
      assertEquals(1L, alice.js("return window.__sentFrames.filter((f) => f.type === 'send'"
          + " && f.replyTo === 1).length;"), "the send carried replyTo");
      assertEquals("carol Who has the release checklist?", quote(alice, "I do, it is in the wiki"));

      // Bob's page loads only the latest page: the question is not there, the quote says so.
      bob.driver.navigate().refresh();
      bob.awaitSignedIn("bob");
      bob.awaitOpen("#replies");
      bob.awaitMessage("alice", "I do, it is in the wiki");
      assertEquals("Original message", quote(bob, "I do, it is in the wiki"));
      bob.assertAccessible("a reply whose original is not loaded");
      assertFalse(bob.messageTexts().contains("Who has the release checklist?"));
      message(bob, "I do, it is in the wiki").findElement(By.cssSelector("button.reply-quote"))
          .click();
      bob.awaitTrue("the original loaded, shown and focused", "const li = document.activeElement;"
          + "return li.matches('li.message[data-seq=\"1\"]') && li.querySelector("
          + "'.message-text').textContent === 'Who has the release checklist?'"
          + " && li.getBoundingClientRect().top >= document.querySelector("
          + "'#message-scroller').getBoundingClientRect().top;");
      assertEquals("carol Who has the release checklist?", quote(bob, "I do, it is in the wiki"),
          "once loaded, the quote shows the original");
    }
  }

  @Test
  void reactionChipsToggleAndReachTheOtherBrowser() {
    bothIn("reactions");
    bob.send("Pizza on Friday?", true);
    alice.awaitMessage("bob", "Pizza on Friday?");
    openActions(alice, "Pizza on Friday?");
    choose(alice, "React");
    alice.assertAccessible("the reaction picker");
    choose(alice, "React with 👍");
    awaitMenuClosed(alice);
    awaitChips(alice, "Pizza on Friday?", "👍 1 mine");
    awaitChips(bob, "Pizza on Friday?", "👍 1");

    clickChip(bob, "Pizza on Friday?", "👍");
    awaitChips(bob, "Pizza on Friday?", "👍 2 mine");
    awaitChips(alice, "Pizza on Friday?", "👍 2 mine");

    clickChip(alice, "Pizza on Friday?", "👍"); // takes Alice's back
    awaitChips(alice, "Pizza on Friday?", "👍 1");
    awaitChips(bob, "Pizza on Friday?", "👍 1 mine");
    clickChip(bob, "Pizza on Friday?", "👍");
    awaitChips(bob, "Pizza on Friday?", "");
    awaitChips(alice, "Pizza on Friday?", "");
  }

  @Test
  void mentionsAreCompletedAndHighlighted() {
    bothIn("mentions");
    WebElement composer = bob.field("Message");
    Browser.type(composer, "thanks @al");
    bob.awaitTrue("alice suggested", "const list = document.querySelector("
        + "'#mention-suggestions');"
        + "return !list.hidden && [...list.querySelectorAll('[role=option]')]"
        + ".map((o) => o.textContent).join() === '@alice'"
        + " && document.querySelector('#composer-input').getAttribute('aria-expanded') === 'true';");
    bob.assertAccessible("names suggested after @");
    composer.sendKeys(Keys.ENTER); // picks the suggestion, does not send
    assertEquals("thanks @alice ", composer.getAttribute("value"));
    composer.sendKeys("for the review");
    composer.sendKeys(Keys.ENTER);
    bob.awaitMessage("bob", "thanks @alice for the review");
    alice.awaitMessage("bob", "thanks @alice for the review");
    alice.awaitTrue("@alice highlighted for alice", "const li = [...document.querySelectorAll("
        + "'[role=log] li.message')].find((l) => l.dataset.from === 'bob');"
        + "const span = li?.querySelector('.message-text span.mention.mention-me');"
        + "return span?.textContent === '@alice' && span.dataset.user === 'alice'"
        + " && li.classList.contains('mentions-me');");
    alice.assertAccessible("a mention of me");
    // Markup in a mention is text like everything else.
    bob.send("<b>@alice</b> <img src=x onerror=alert(1)>", true);
    alice.awaitMessage("bob", "<b>@alice</b> <img src=x onerror=alert(1)>");
    alice.assertNothingRan();
  }

  @Test
  void changesMadeWhileAwayAreCaughtUp() {
    bothIn("away");
    bob.send("first draft", true);
    bob.send("to be removed", true);
    bob.send("react to me", true);
    alice.awaitMessage("bob", "react to me");

    // A reload: the page comes back to every change made meanwhile.
    alice.driver.get("about:blank");
    openActions(bob, "first draft");
    choose(bob, "Edit");
    Browser.type(bob.field("Edit message"), "final text");
    bob.field("Edit message").sendKeys(Keys.ENTER);
    awaitEdited(bob, "final text");
    alice.open(server.httpUri("/"));
    alice.awaitSignedIn("alice");
    alice.awaitOpen("#away");
    awaitEdited(alice, "final text");

    // A lost connection: changes made while offline arrive through `updates` after reconnecting.
    alice.js("window.__sentFrames.length = 0;");
    alice.js("window.__blockSockets = true; for (const s of window.__openSockets) s.close();");
    try {
      alice.awaitTrue("alice offline", "return document.querySelector('#connection-status')"
          + ".dataset.state !== 'online';");
      openActions(bob, "to be removed");
      choose(bob, "Delete");
      choose(bob, "Delete");
      message(bob, "Message deleted");
      openActions(bob, "react to me");
      choose(bob, "React");
      choose(bob, "React with 🎉");
      awaitChips(bob, "react to me", "🎉 1 mine");
      assertTrue(alice.messageTexts().contains("to be removed"), "alice has not heard yet");
    } finally {
      // The network is back: the page's "online" event makes it try at once.
      alice.js("window.__blockSockets = false; window.dispatchEvent(new Event('online'));");
    }
    alice.awaitTrue(Duration.ofSeconds(40), "alice online again",
        "return document.querySelector('#connection-status').dataset.state === 'online';");
    message(alice, "Message deleted");
    awaitChips(alice, "react to me", "🎉 1");
    assertTrue((Boolean) alice.js("return window.__sentFrames.some((f) => f.type === 'updates'"
        + " && f.conv === '#away' && f.afterRev >= 1);"),
        "asked for updates after the last rev seen: " + alice.js("return window.__sentFrames;"));

    // And live updates go on after the catch-up.
    openActions(bob, "final text");
    choose(bob, "Edit");
    Browser.type(bob.field("Edit message"), "final text, really");
    bob.field("Edit message").sendKeys(Keys.ENTER);
    awaitEdited(alice, "final text, really");
  }

  /** Waits for a message {@code text} marked "edited". */
  private static void awaitEdited(Browser b, String text) {
    b.awaitTrue("\"" + text + "\" marked edited", "return [...document.querySelectorAll("
        + "'[role=log] li.message[data-seq]')].some((li) => li.querySelector('.message-text')"
        + "?.textContent === arguments[0] && li.querySelector('.edited-label')?.textContent"
        + " === 'edited');", text);
  }

  /** The quote above message {@code text}: author and text, space-separated. */
  private static String quote(Browser b, String text) {
    WebElement item = message(b, text);
    return String.valueOf(b.js("const q = arguments[0].querySelector('.reply-quote');"
        + "return q ? [...q.querySelectorAll('.reply-quote-author, .reply-quote-text')]"
        + ".map((c) => c.textContent).join(' ') : null;", item));
  }
}
