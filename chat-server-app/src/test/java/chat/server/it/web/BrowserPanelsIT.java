package chat.server.it.web;

import static chat.server.it.web.Panels.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.client.ChatClient;
import chat.client.Role;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The second round's panels at desktop (1280x800) and phone (390x844) width, light and dark:
 * Settings, Room settings (as the owner, with a moderator and a banned user), the User actions
 * menu over a room with a blocked user's message collapsed, and the room directory; also Members
 * and New room. Each fits the screen and axe finds no serious problem in it; with
 * {@code -Dchat.screenshots.dir=docs/screenshots} each but the last two is saved as a PNG.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class BrowserPanelsIT {
  static final Path SHOTS = Browser.screenshotDir();

  @RegisterExtension
  static final SharedServer shared = WebTests.server(1);
  static ServerProcess server;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    try (ChatClient alice = Panels.client(server, "alice");
         ChatClient bob = Panels.client(server, "bob");
         ChatClient carol = Panels.client(server, "carol");
         ChatClient dan = Panels.client(server, "dan");
         ChatClient mallory = Panels.client(server, "mallory")) {
      await(alice.createRoom("general", "Announcements and everyday chatter", false));
      await(alice.createRoom("design", "Mockups, fonts and colours", false));
      await(carol.createRoom("release", "Shipping 0.2: checklist, notes and the date", false));
      await(bob.createRoom("random", "", false));
      await(dan.createRoom("support", "Questions about the client and the server", false));
      for (ChatClient c : List.of(bob, carol, dan, mallory)) {
        await(c.join("general"));
      }
      await(alice.setRole("general", "carol", Role.MODERATOR));
      await(bob.send("#general", "Did anyone try the new settings panel?"));
      await(mallory.send("#general", "FREE CRYPTO, click my link"));
      await(carol.send("#general", "Yes! Changing the password kept me signed in."));
      await(alice.ban("general", "mallory"));
      await(alice.block("mallory"));
    }
    browser = Browser.shared(0, "alice");
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void signedIn() {
    Panels.signedOut(browser, server);
  }

  @AfterEach
  void reset() {
    browser.resetViewport();
    browser.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
  }

  @Test
  void desktop() throws Exception {
    shots(1280, 800, 1, false, "desktop");
  }

  @Test
  void desktopDark() throws Exception {
    browser.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
        List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    shots(1280, 800, 1, false, "desktop-dark");
  }

  @Test
  void phone() throws Exception {
    shots(390, 844, 2, true, "phone");
  }

  private static void shots(int width, int height, double scale, boolean mobile, String suffix)
      throws Exception {
    browser.viewport(width, height, scale, mobile);
    browser.open(server.httpUri("/"));
    browser.signIn("alice", WebTests.PASSWORD, false);
    browser.openFromList("#general");
    browser.awaitMessage("carol", "Yes! Changing the password kept me signed in.");
    browser.awaitTrue("mallory's message collapsed", "return document.querySelectorAll("
        + "'[role=log] li.blocked-message').length === 1;");

    // User actions, from bob's name
    Panels.userActionsFromMessage(browser, "bob");
    browser.button("Block");
    assertFitsTheScreen();
    browser.assertAccessible("user-actions-" + suffix);
    browser.screenshot(SHOTS, "user-actions-" + suffix + ".png");
    browser.driver.findElement(By.cssSelector("#user-menu [data-close]")).click();
    Panels.awaitDialogClosed(browser, "user-menu");

    // Room settings, as the owner: a moderator, members, and the banned list
    Panels.openRoomSettings(browser, "#general");
    browser.awaitTrue("mallory in the banned list", "return document.querySelector("
        + "'#room-bans-list li[data-user=\"mallory\"]') !== null;");
    browser.button("Make moderator: bob");
    assertEquals("moderator", browser.driver.findElement(By.cssSelector(
        "#room-members-list li[data-user='carol']")).getDomAttribute("data-role"));
    assertFitsTheScreen();
    browser.assertAccessible("room-settings-" + suffix);
    browser.screenshot(SHOTS, "room-settings-" + suffix + ".png");
    browser.driver.findElement(By.cssSelector("#room-settings-dialog [data-close]")).click();
    Panels.awaitDialogClosed(browser, "room-settings-dialog");

    // Members, as the owner: Kick and Invite (checked, not saved as a PNG)
    browser.button("Members").click();
    Panels.dialog(browser, "Members of #general");
    browser.button("Kick bob");
    browser.assertAccessible("members-" + suffix);
    browser.driver.findElement(By.cssSelector("#members-dialog [data-close]")).click();
    Panels.awaitDialogClosed(browser, "members-dialog");

    // Settings, with the blocked list
    if (mobile) {
      browser.button("Back to conversations").click();
    }
    Panels.openSettings(browser);
    browser.button("Unblock mallory");
    assertFitsTheScreen();
    browser.assertAccessible("settings-" + suffix);
    browser.screenshot(SHOTS, "settings-" + suffix + ".png");
    browser.driver.findElement(By.cssSelector("#settings-dialog [data-close]")).click();
    Panels.awaitDialogClosed(browser, "settings-dialog");

    // The directory, searched
    browser.button("Browse rooms").click();
    Panels.dialog(browser, "Rooms");
    browser.awaitTrue("the first page", "return document.querySelectorAll("
        + "'#rooms-list li.room-item').length === 5;");
    WebElement search = browser.field("Search rooms");
    Browser.type(search, "s");
    browser.awaitTrue("rooms starting with s, or with a topic word that does",
        "return [...document.querySelectorAll('#rooms-list li.room-item')]"
            + ".map((li) => li.dataset.room).join() === '#release,#support';");
    search.sendKeys(Keys.TAB); // the caret out of the shot
    assertFitsTheScreen();
    browser.assertAccessible("directory-" + suffix);
    browser.screenshot(SHOTS, "directory-" + suffix + ".png");
    browser.driver.findElement(By.cssSelector("#rooms-dialog [data-close]")).click();
    Panels.awaitDialogClosed(browser, "rooms-dialog");

    // New room, with a name the rules refuse (checked, not saved as a PNG)
    browser.button("New room").click();
    Panels.dialog(browser, "New room");
    Browser.type(browser.field("Room name"), "Not a name!");
    browser.button("Create room").click();
    browser.awaitTrue("the name refused", "return document.querySelector('#new-room-error')"
        + ".textContent.length > 0;");
    browser.assertAccessible("new-room-" + suffix);
    browser.button("Cancel").click();
    Panels.awaitDialogClosed(browser, "new-room-dialog");
    browser.assertNothingRan();
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
    Object outside = browser.js("const w = document.documentElement.clientWidth;"
        + "return [...document.querySelectorAll('dialog[open], dialog[open] *')].filter((e) => {"
        + "  const r = e.getBoundingClientRect();"
        + "  return r.width > 0 && (r.left < -1 || r.right > w + 1);"
        + "}).map((e) => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5).join(' ');");
    assertEquals("", outside, "a dialog (or part of one) outside the screen");
  }
}
