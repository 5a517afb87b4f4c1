package chat.server.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The main screens at desktop (1280x800) and phone (390x844) width, with a few people, rooms and
 * direct conversations made through the protocol: the layout holds (two panes side by side on a
 * desktop, one at a time on a phone with a Back button, nothing wider than the screen), axe finds
 * no serious problem in any screen, and with {@code -Dchat.screenshots.dir=docs/screenshots} each
 * screen is saved as a PNG.
 */
@TestMethodOrder(MethodOrderer.MethodName.class) // desktop first: the phone shots continue it
class BrowserScreensIT {
  static final Path SHOTS = Browser.screenshotDir();

  @RegisterExtension
  static final SharedServer shared = WebTests.server(1);
  static ServerProcess server;
  static ChatClient bob;
  static ChatClient carol;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    browser = Browser.shared(0, "alice");
    try (ChatClient alice = BrowserRestartIT.client(server.wsUri(), "alice");
         ChatClient dan = BrowserRestartIT.client(server.wsUri(), "dan")) {
      bob = BrowserRestartIT.client(server.wsUri(), "bob");
      carol = BrowserRestartIT.client(server.wsUri(), "carol");
      await(alice.createRoom("general", "Announcements and everyday chatter", false));
      await(alice.createRoom("design", "Mockups, fonts and colours", false));
      await(carol.createRoom("release", "Shipping 0.2", true));
      await(carol.invite("release", "alice"));
      for (ChatClient c : List.of(bob, carol, dan)) {
        await(c.join("general"));
      }
      await(carol.join("design"));
      await(alice.send("#general", "Morning all! The new build is on staging."));
      await(bob.send("#general", "Nice. The reconnect fix works on my phone, even in the lift."));
      await(carol.send("#general", "Release notes are here: https://example.org/notes"));
      await(carol.send("#general", "I will review the docs after lunch."));
      await(dan.send("#general", "Can someone look at the screenshots in the README?"));
      await(alice.send("#general", "On it! Taking them from the browser tests now."));
      await(bob.send("#general", "Sounds good, thanks."));
      await(carol.send("#release", "Checklist is in the wiki, two items left."));
      await(bob.send("@alice", "Hey, got a minute?"));
      await(alice.send("@bob", "Sure, what's up?"));
      await(bob.send("@alice", "Coffee at three? I want to show you the new members dialog."));
      await(dan.send("@alice", "Thanks for the review!"));
      await(carol.send("#design", "The new colour palette is in the shared folder."));
      // alice has read everything in #general and the chat with bob, not dan's or #design
      await(alice.markRead("#general", 7));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    Panels.closeAll(browser, bob, carol);
  }

  @BeforeEach
  void signedOut() {
    Panels.signedOut(browser, server);
  }

  @Test
  void desktop() throws Exception {
    browser.viewport(1280, 800, 1, false);
    browser.open(server.httpUri("/"));
    browser.field("Username");
    browser.assertAccessible("sign-in-desktop");
    browser.screenshot(SHOTS, "sign-in-desktop.png");
    browser.signIn("alice", WebTests.PASSWORD, false);
    awaitList();

    browser.openFromList("#general");
    browser.awaitMessage("bob", "Sounds good, thanks.");
    awaitMembers("Announcements and everyday chatter · 4 members");
    WebElement sidebar = browser.driver.findElement(By.cssSelector(".sidebar"));
    WebElement pane = browser.driver.findElement(By.id("conversation-pane"));
    assertTrue(sidebar.isDisplayed() && pane.isDisplayed(), "both panes on a desktop");
    assertTrue(sidebar.getRect().getX() + sidebar.getRect().getWidth()
        <= pane.getRect().getX() + 1, "the list beside the conversation");
    assertFalse(browser.driver.findElement(By.id("back-button")).isDisplayed(),
        "no Back button on a desktop");
    assertFitsTheScreen();
    browser.assertAccessible("room-desktop");
    browser.screenshot(SHOTS, "room-desktop.png");

    openDirectWithBob("See you there");
    browser.assertAccessible("direct-desktop");
    browser.screenshot(SHOTS, "direct-desktop.png");
    browser.assertNothingRan();
  }

  @Test
  void phone() throws Exception {
    browser.viewport(390, 844, 2, true);
    try {
      browser.open(server.httpUri("/"));
      browser.field("Username");
      assertFitsTheScreen();
      browser.assertAccessible("sign-in-phone");
      browser.screenshot(SHOTS, "sign-in-phone.png");
      browser.signIn("alice", WebTests.PASSWORD, false);
      awaitList();
      assertFitsTheScreen();
      browser.assertAccessible("list-phone");
      browser.screenshot(SHOTS, "list-phone.png");

      browser.openFromList("#general");
      browser.awaitMessage("bob", "Sounds good, thanks.");
      awaitMembers("Announcements and everyday chatter · 4 members");
      assertFalse(browser.driver.findElement(By.cssSelector(".sidebar")).isDisplayed(),
          "one pane at a time on a phone");
      assertFitsTheScreen();
      browser.assertAccessible("room-phone");
      browser.screenshot(SHOTS, "room-phone.png");

      browser.button("Back to conversations").click();
      browser.conversationsNav();
      openDirectWithBob("On my way");
      assertFitsTheScreen();
      browser.assertAccessible("direct-phone");
      browser.screenshot(SHOTS, "direct-phone.png");
      browser.assertNothingRan();
    } finally {
      browser.resetViewport();
    }
  }

  private static void awaitList() {
    browser.awaitTrue("all five conversations in the list", "return document.querySelectorAll("
        + "'#conversation-list button.conv-item').length === 5"
        + " && document.querySelector('[data-conv=\"@bob\"] .presence-dot')"
        + "   ?.dataset.online === 'true';");
    assertEquals("1", browser.driver.findElement(By.cssSelector(
        "button.conv-item[data-conv='@dan']")).getDomAttribute("data-unread"));
  }

  private static void awaitMembers(String subtitle) {
    browser.awaitTrue("the room's subtitle", "return document.querySelector("
        + "'#conversation-subtitle').textContent === arguments[0];", subtitle);
  }

  /** Opens the chat with bob, says {@code text}, and bob reads it and starts typing. */
  private static void openDirectWithBob(String text) throws Exception {
    browser.openFromList("@bob");
    browser.awaitMessage("bob", "Coffee at three? I want to show you the new members dialog.");
    browser.send(text, true);
    browser.awaitMessage("alice", text);
    long seq = Long.parseLong(String.valueOf(browser.js("return [...document.querySelectorAll("
        + "'[role=log] li.message.own')].pop().dataset.seq;")));
    await(bob.markRead("@alice", seq));
    browser.awaitTrue("Seen under the last message", "return document.querySelector("
        + "'[role=log] li.message:last-of-type .seen-receipt')?.textContent === 'Seen';");
    await(bob.typing("@alice"));
    browser.awaitTrue("bob typing", "return document.querySelector('#typing-indicator')"
        + ".textContent === 'bob is typing…';");
  }

  /** Nothing sticks out sideways: no horizontal scrolling at this width. */
  private static void assertFitsTheScreen() {
    Object overflow = browser.js("const d = document.documentElement;"
        + "const wide = [...document.querySelectorAll('body *')].filter((e) => {"
        + "  const r = e.getBoundingClientRect();"
        + "  return r.width > 0 && r.right > d.clientWidth + 1 && getComputedStyle(e).position"
        + "    !== 'fixed' && !e.closest('.visually-hidden');"
        + "}).map((e) => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5);"
        + "return d.scrollWidth > d.clientWidth ? 'page ' + d.scrollWidth : wide.join(' ');");
    assertEquals("", overflow, "wider than the screen");
  }

  static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    return f.get(15, TimeUnit.SECONDS);
  }
}
