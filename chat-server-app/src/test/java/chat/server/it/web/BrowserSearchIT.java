package chat.server.it.web;

import static chat.server.it.web.Panels.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Message search in a real browser: the "Search messages" field lists results with the matched
 * words marked, Load more reads the next page, a word of a deleted message is not found, and
 * choosing a result (by keyboard) opens its conversation at the message far back in the
 * history, highlighted and focused, with the hole to the newest messages shown; afterwards Jump
 * to latest, live messages and filling the hole work. Desktop (1280x800) and phone (390x844)
 * screenshots with {@code -Dchat.screenshots.dir=docs/screenshots}.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class BrowserSearchIT {
  static final Path SHOTS = Browser.screenshotDir();
  static final String CHECKLIST = "Release checklist: the changelog still needs a review";
  static final String MARKUP = "<img src=x onerror=alert(1)> release notes draft";
  static final int FILLERS = 130;

  /** Bob writes a long history quickly: sends and frames are not limited here. */
  @RegisterExtension
  static final SharedServer shared = WebTests.server(1, "--send-per-second", "1000",
      "--send-burst", "1000", "--requests-per-second", "1000", "--request-burst", "1000");
  static ServerProcess server;
  static Browser alice;
  static ChatClient bob;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    alice = Browser.shared(0, "alice");
    Panels.signedOut(alice, server);
    alice.signIn("alice", WebTests.PASSWORD, true);
    bob = Panels.client(server, "bob");

    Panels.createRoom(alice, "launch", "Shipping 0.3 on Friday");
    await(bob.join("launch"));
    await(bob.send("#launch", CHECKLIST));
    long zebra = await(bob.send("#launch", "The zebra crossing plan is secret")).seq();
    await(bob.delete("#launch", zebra));
    for (int i = 1; i <= FILLERS; i++) {
      await(bob.send("#launch", "Build " + i + " passed all checks"));
    }
    await(bob.send("#launch", MARKUP));
    await(bob.send("@alice", "Are the release notes ready for Friday?"));
    await(bob.send("#launch", "Release party after the demo?"));
  }

  @AfterAll
  static void stop() throws Exception {
    Panels.closeAll(alice, bob);
  }

  @Test
  void a_resultsAreMarkedPagedAndDeletedWordsAreNotFound() {
    reload();
    WebElement field = alice.field("Search messages");
    Browser.type(field, "RELEASE no");
    awaitStatus("2 messages matching “RELEASE no”");
    assertEquals(List.of("@bob|Are the [release] [no]tes ready for Friday?",
        "#launch|<img src=x onerror=alert(1)> [release] [no]tes draft"), results(),
        "newest first, the matched word starts marked, markup only text");
    assertTrue(alice.visible(".conv-nav").isEmpty(), "the results replace the conversation list");

    // Enter runs at once; more than a page: Load more reads the next one.
    Browser.type(field, "build pass");
    field.sendKeys(Keys.ENTER);
    awaitStatus("The newest 20 messages matching “build pass”");
    assertEquals("#launch|[Build] " + FILLERS + " [pass]ed all checks", results().get(0));
    alice.button("Load more").click();
    awaitStatus("The newest 40 messages matching “build pass”");
    assertEquals("#launch|[Build] " + (FILLERS - 39) + " [pass]ed all checks", results().get(39));

    // The deleted message's word is gone; a word of its neighbours is not.
    Browser.type(field, "zebra");
    awaitStatus("No messages match “zebra”.");
    assertEquals(List.of(), results());

    // Escape closes the results: the conversation list is back and the field empty.
    field.sendKeys(Keys.ESCAPE);
    alice.awaitTrue("the list back", "return document.querySelector('#search-panel').hidden"
        + " && !document.querySelector('.conv-nav').hidden"
        + " && document.querySelector('#search-input').value === '';");
    alice.assertNothingRan();
  }

  @Test
  void b_aResultFarBackOpensAtTheMessageAndTheLiveViewGoesOn() throws Exception {
    reload();
    alice.openFromList("@bob");
    WebElement field = alice.field("Search messages");
    Browser.type(field, "checkl");
    awaitStatus("1 message matching “checkl”");
    WebElement result = alice.visible("#search-results button.search-result").get(0);
    assertTrue(result.getAccessibleName().contains("bob")
        && result.getAccessibleName().contains("#launch")
        && result.getAccessibleName().contains(CHECKLIST), result.getAccessibleName());
    // By keyboard: down from the field to the result, Enter opens it.
    field.sendKeys(Keys.ARROW_DOWN);
    assertEquals(result, alice.driver.switchTo().activeElement());
    result.sendKeys(Keys.ENTER);

    alice.awaitOpen("#launch");
    alice.awaitTrue("the message shown, highlighted and focused",
        "const li = document.activeElement;"
            + "const s = document.querySelector('#message-scroller').getBoundingClientRect();"
            + "const r = li.getBoundingClientRect();"
            + "return li.matches('[role=log] li.message[data-seq=\"1\"]')"
            + " && li.querySelector('.message-text').textContent === arguments[0]"
            + " && li.classList.contains('flash') && r.top >= s.top && r.bottom <= s.bottom;",
        CHECKLIST);
    assertEquals("true", alice.js("return document.querySelector('#search-results"
        + " button.search-result').getAttribute('aria-current');"), "the chosen result marked");
    // More than a page back: a hole to the newest messages, which stay loaded.
    alice.awaitTrue("a hole in the history", "const gap = document.querySelector("
        + "'[role=log] li.history-gap');"
        + "return !!gap && /messages not loaded/.test(gap.textContent)"
        + " && !!document.querySelector('[role=log] li.message[data-seq=\"2\"]');");
    int loaded = messageCount();

    // Load newer reads on under the message above the hole, which stays where it is; the
    // first message loaded takes the focus.
    long above = ((Number) alice.js("const gap = document.querySelector('li.history-gap');"
        + "gap.scrollIntoView({block: 'center'}); return Number(gap.dataset.after);")).longValue();
    Object top = top(above);
    alice.button("Load newer").click();
    alice.awaitTrue("more messages loaded, the first focused", "return document.querySelectorAll("
        + "'[role=log] li.message').length > arguments[0] && document.activeElement.matches("
        + "'li.message[data-seq=\"' + arguments[1] + '\"]');", loaded, above + 1);
    assertEquals(top, top(above), "the message above the hole kept still");

    // Jump to latest, then a new message arrives and shows as usual.
    alice.button("Jump to latest").click();
    alice.awaitMessage("bob", "Release party after the demo?");
    await(bob.send("#launch", "The demo room is booked"));
    alice.awaitMessage("bob", "The demo room is booked");
    alice.awaitTrue("the newest message in sight", "const li = [...document.querySelectorAll("
        + "'[role=log] li.message')].pop(); const s = document.querySelector("
        + "'#message-scroller').getBoundingClientRect();"
        + "return li.getBoundingClientRect().bottom <= s.bottom + 2;");
    alice.field("Search messages").sendKeys(Keys.ESCAPE);
    alice.assertNothingRan();
  }

  @Test
  void c_desktop() throws Exception {
    alice.inViewport("desktop", () -> shoot("desktop"));
  }

  @Test
  void d_phone() throws Exception {
    alice.viewport(390, 844, 2, true);
    try {
      shoot("phone");
      // Back from the message returns to the results, the chosen one focused.
      alice.button("Back to conversations").click();
      alice.awaitTrue("the results again, the chosen one focused", "return !document.querySelector("
          + "'#search-panel').hidden && document.activeElement.matches("
          + "'button.search-result[aria-current=true]');");
    } finally {
      alice.resetViewport();
    }
  }

  /** Searches "release" and opens the result in #launch; on a phone the results are shot first. */
  private static void shoot(String size) throws Exception {
    reload();
    if (size.equals("desktop")) {
      alice.openFromList("#launch");
    } else if ("conversation".equals(alice.js("return document.querySelector('#chat-view')"
        + ".dataset.pane;"))) {
      alice.button("Back to conversations").click(); // the page reopened the last conversation
    }
    Browser.type(alice.field("Search messages"), "release");
    awaitStatus("4 messages matching “release”");
    assertFits();
    alice.assertAccessible("search results " + size);
    WebElement checklist = alice.await("the checklist result", d -> alice.visible(
        "#search-results button.search-result").stream()
        .filter(b -> b.getAccessibleName().contains(CHECKLIST)).findFirst().orElse(null));
    if (size.equals("phone")) {
      alice.screenshot(SHOTS, "search-" + size + ".png");
    }
    checklist.click();
    alice.awaitOpen("#launch");
    alice.awaitTrue("the message focused", "return document.activeElement.matches("
        + "'li.message[data-seq=\"1\"]');");
    assertFits();
    alice.assertAccessible("search result opened " + size);
    if (size.equals("desktop")) {
      alice.screenshot(SHOTS, "search-" + size + ".png");
    }
  }

  private static void reload() {
    alice.driver.navigate().refresh();
    alice.awaitSignedIn("alice");
  }

  private static void awaitStatus(String text) {
    alice.awaitTrue("the search status: " + text, "return !document.querySelector("
        + "'#search-panel').hidden && document.querySelector('#search-status').textContent"
        + " === arguments[0];", text);
  }

  /** The results shown: "conv|text" with each marked part in brackets. */
  @SuppressWarnings("unchecked")
  private static List<String> results() {
    return (List<String>) alice.js("return [...document.querySelectorAll("
        + "'#search-results button.search-result')].map((b) =>"
        + " b.dataset.conv + '|' + [...b.querySelector('.search-result-text').childNodes]"
        + ".map((n) => n.nodeName === 'MARK' ? '[' + n.textContent + ']' : n.textContent)"
        + ".join(''));");
  }

  private static Object top(long seq) {
    return alice.js("return Math.round(document.querySelector('[role=log] li.message[data-seq=\"'"
        + " + arguments[0] + '\"]').getBoundingClientRect().top);", seq);
  }

  private static int messageCount() {
    return ((Number) alice.js("return document.querySelectorAll('[role=log] li.message')"
        + ".length;")).intValue();
  }

  private static void assertFits() {
    Object overflow = alice.js("const d = document.documentElement;"
        + "return d.scrollWidth > d.clientWidth ? 'page ' + d.scrollWidth : '';");
    assertEquals("", overflow, "wider than the screen");
  }
}
