package chat.server.it.web;

import static chat.server.it.web.Panels.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import chat.client.ChatClient;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Unread messages in the document title and on the favicon, and system notifications: the
 * Notifications switch in Settings asks for permission only when it is turned on (never on page
 * load); then a direct message or a mention arriving while the tab is hidden makes a
 * notification, and nothing else does: live, through the catch-up after a reconnect, or by an
 * edit that adds my name.
 *
 * <p>Headless Chromium is granted the permission through CDP ({@code Browser.grantPermissions});
 * a page hook records {@code requestPermission} calls and every notification the page constructs
 * (the real constructor still runs), and lets the test say when the tab counts as hidden.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class BrowserNotificationsIT {
  /** Records notifications and permission requests; `window.__hidden` hides the tab. */
  static final String NOTIFICATION_HOOK = String.join("\n",
      "(() => {",
      "  const made = [];",
      "  const asked = [];",
      "  Object.defineProperty(window, '__notifications', { value: made });",
      "  Object.defineProperty(window, '__permissionRequests', { value: asked });",
      "  window.__hidden = false;",
      "  Object.defineProperty(document, 'visibilityState', {",
      "    get: () => (window.__hidden ? 'hidden' : 'visible') });",
      "  Object.defineProperty(document, 'hidden', { get: () => window.__hidden });",
      "  const Native = window.Notification;",
      "  if (!Native) return;",
      "  window.Notification = class extends Native {",
      "    constructor(title, options = {}) {",
      "      made.push({ title, body: options.body ?? '' });",
      "      super(title, options);",
      "    }",
      "    static requestPermission(...args) {",
      "      asked.push(Date.now());",
      "      return Native.requestPermission(...args);",
      "    }",
      "  };",
      "})();");

  @RegisterExtension
  static final SharedServer shared = WebTests.server(1);
  static ServerProcess server;
  static Browser alice;
  static ChatClient bob;
  static String hook;
  static String sockets;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    alice = Browser.shared(0, "alice");
    hook = MessageSteps.addScript(alice, NOTIFICATION_HOOK);
    sockets = MessageSteps.addScript(alice, MessageSteps.SENT_FRAMES_HOOK);
    String origin = server.httpUri("/").toString().replaceAll("/$", "");
    alice.driver.executeCdpCommand("Browser.grantPermissions", Map.of(
        "origin", origin, "permissions", List.of("notifications")));
    Panels.signedOut(alice, server);
    alice.signIn("alice", WebTests.PASSWORD, true);
    bob = Panels.client(server, "bob");
  }

  @AfterAll
  static void stop() throws Exception {
    if (alice != null) {
      MessageSteps.removeScript(alice, hook);
      MessageSteps.removeScript(alice, sockets);
      alice.driver.executeCdpCommand("Browser.resetPermissions", Map.of());
    }
    Panels.closeAll(alice, bob);
  }

  @Test
  void a_unreadMessagesShowInTheTitleAndOnTheFavicon() throws Exception {
    assertEquals("chat", alice.driver.getTitle());
    assertEquals("favicon.svg", icon());
    for (String text : List.of("one", "two", "three")) {
      await(bob.send("@alice", text));
    }
    alice.awaitTrue("(3) chat in the title", "return document.title === '(3) chat';");
    alice.awaitTrue("a badge drawn on the favicon", "const link = document.querySelector("
        + "'link[rel~=icon]'); return link.getAttribute('href').startsWith('data:image/png;base64,')"
        + " && link.getAttribute('type') === 'image/png';");

    alice.openFromList("@bob");
    alice.awaitMessage("bob", "three");
    alice.awaitTrue("the title without a count", "return document.title === 'chat';");
    alice.awaitTrue("the plain favicon again", "return document.querySelector("
        + "'link[rel~=icon]').getAttribute('href') === 'favicon.svg';");
  }

  @Test
  void b_theSwitchAsksOnlyWhenTurnedOnThenHiddenTabsGetNotifications() throws Exception {
    alice.driver.navigate().refresh();
    alice.awaitSignedIn("alice");
    assertEquals(0L, alice.js("return window.__permissionRequests.length;"),
        "no permission asked on page load");
    assertEquals("granted", alice.js("return Notification.permission;"));

    WebElement settings = Panels.openSettings(alice);
    WebElement toggle = alice.field("Notifications");
    assertEquals("switch", toggle.getAriaRole());
    assertFalse(toggle.isSelected());
    assertEquals(0L, alice.js("return window.__permissionRequests.length;"),
        "opening Settings asks nothing either");
    toggle.click();
    alice.awaitTrue("the switch on", "return document.querySelector('#notifications-switch')"
        + ".checked && !document.querySelector('#notifications-switch').disabled;");
    assertEquals(1L, alice.js("return window.__permissionRequests.length;"),
        "switching on asked once");
    assertEquals("", Panels.text(alice, "#notifications-error"));
    settings.findElement(By.cssSelector("[data-close]")).click();
    Panels.awaitDialogClosed(alice, "settings-dialog");

    // Visible tab: no notification.
    await(bob.send("@alice", "are you looking?"));
    awaitPreview("are you looking?");
    assertEquals(0L, alice.js("return window.__notifications.length;"));

    // Hidden tab: a direct message notifies; a room message notifies only if it mentions alice.
    alice.js("window.__hidden = true; document.dispatchEvent(new Event('visibilitychange'));");
    await(bob.createRoom("team", "", false));
    await(bob.invite("team", "alice"));
    Panels.awaitInList(alice, "#team");
    await(bob.send("#team", "lunch plans, anyone?"));
    await(bob.send("@alice", "ping from bob"));
    alice.awaitTrue("a notification for the direct message",
        "return window.__notifications.some((n) => n.title === 'bob'"
            + " && n.body === 'ping from bob');");
    await(bob.send("#team", "@alice please review"));
    alice.awaitTrue("a notification for the mention",
        "return window.__notifications.some((n) => n.title === 'bob in #team'"
            + " && n.body === '@alice please review');");
    assertEquals(List.of("bob: ping from bob", "bob in #team: @alice please review"),
        alice.js("return window.__notifications.map((n) => n.title + ': ' + n.body);"),
        "nothing for the room message without a mention");

    // Switched off: nothing more, even while hidden.
    alice.js("window.__hidden = false; document.dispatchEvent(new Event('visibilitychange'));");
    Panels.openSettings(alice);
    alice.field("Notifications").click();
    alice.awaitTrue("the switch off", "return !document.querySelector('#notifications-switch')"
        + ".checked && localStorage.getItem('chat.notifications') === null;");
    alice.driver.findElement(By.cssSelector("#settings-dialog [data-close]")).click();
    Panels.awaitDialogClosed(alice, "settings-dialog");
    alice.js("window.__hidden = true; document.dispatchEvent(new Event('visibilitychange'));");
    await(bob.send("@alice", "still there?"));
    awaitPreview("still there?");
    assertEquals(2L, alice.js("return window.__notifications.length;"));
    alice.js("window.__hidden = false;");
    alice.assertNothingRan();
  }

  @Test
  void c_anEditThatMentionsMeAndWhatCatchUpBringsNotifyOnceEach() throws Exception {
    Panels.openSettings(alice);
    alice.field("Notifications").click();
    alice.awaitTrue("the switch on", "return document.querySelector('#notifications-switch')"
        + ".checked && !document.querySelector('#notifications-switch').disabled;");
    alice.driver.findElement(By.cssSelector("#settings-dialog [data-close]")).click();
    Panels.awaitDialogClosed(alice, "settings-dialog");
    alice.js("window.__hidden = true; document.dispatchEvent(new Event('visibilitychange'));");
    alice.js("window.__notifications.length = 0;");

    // A room message without a mention, then an edit that adds alice's name.
    long seq = await(bob.send("#team", "standup moves to ten")).seq();
    awaitPreview("standup moves to ten");
    await(bob.edit("#team", seq, "standup moves to ten, @alice can you host?"));
    alice.awaitTrue("a notification for the edit", "return window.__notifications.some((n) =>"
        + " n.title === 'bob in #team' && n.body === 'standup moves to ten, @alice can you host?');");

    // The connection drops; what bob writes meanwhile notifies after the catch-up, once each.
    alice.js("window.__blockSockets = true; window.__openSockets.forEach((s) => s.close());");
    alice.awaitTrue("reconnecting", "return document.querySelector('#connection-status')"
        + ".dataset.state === 'reconnecting';");
    await(bob.send("@alice", "missed you"));
    await(bob.send("#team", "@alice the agenda is in the wiki"));
    alice.js("window.__blockSockets = false; window.dispatchEvent(new Event('online'));");
    alice.awaitTrue("online again", "return document.querySelector('#connection-status')"
        + ".dataset.state === 'online';");
    awaitPreview("@alice the agenda is in the wiki");
    alice.awaitTrue("notifications for what arrived while away", "return window.__notifications"
        + ".length === 3;");
    assertEquals(List.of("bob in #team: standup moves to ten, @alice can you host?",
        "bob: missed you", "bob in #team: @alice the agenda is in the wiki"),
        alice.js("return window.__notifications.map((n) => n.title + ': ' + n.body);"));
    alice.js("window.__hidden = false; document.dispatchEvent(new Event('visibilitychange'));");
    alice.assertNothingRan();
  }

  /** Waits until the conversation list previews {@code text} (the message has arrived). */
  private static void awaitPreview(String text) {
    alice.awaitTrue("a message \"" + text + "\" arrived", "return [...document.querySelectorAll("
        + "'#conversation-list .conv-preview')].some((p) => p.textContent === arguments[0]);",
        text);
  }

  private static String icon() {
    return String.valueOf(alice.js("return document.querySelector('link[rel~=icon]')"
        + ".getAttribute('href');"));
  }
}
