package chat.server.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Two people, each in their own browser (own profile, so own localStorage), on one server:
 * direct and room messages arrive in real time, a reload keeps the session, and markup in
 * messages and room topics is shown as text and runs nothing.
 */
class BrowserChatIT {
  static final String PASSWORD = WebTests.PASSWORD;

  @RegisterExtension
  static final SharedServer shared = WebTests.server(2);
  static ServerProcess server;
  static Browser alice;
  static Browser bob;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    alice = Browser.shared(0, "alice");
    bob = Browser.shared(1, "bob");
    alice.open(server.httpUri("/"));
    bob.open(server.httpUri("/"));
    alice.signIn("alice", PASSWORD, true);
    bob.signIn("bob", PASSWORD, true);
  }

  @AfterAll
  static void stop() throws Exception {
    Panels.closeAll(alice, bob);
  }

  @Test
  void directMessagesArriveInRealTime() {
    alice.goTo("@bob");
    alice.messageLog();
    alice.send("Hi Bob, lunch at noon?", true); // Enter sends
    alice.awaitMessage("alice", "Hi Bob, lunch at noon?");
    assertTrue(alice.driver.findElement(By.cssSelector(
        "[role=log] li.message[data-from='alice']")).getAttribute("class").contains("own"),
        "own messages are marked as such");

    // Bob did nothing: the conversation appears in his list, unread, with a preview.
    WebElement nav = bob.conversationsNav();
    bob.await("@alice unread in bob's list", d -> {
      List<WebElement> items = nav.findElements(By.cssSelector(
          "button.conv-item[data-conv='@alice'][data-unread='1']"));
      return items.isEmpty() ? null : items.get(0);
    });
    assertEquals("Hi Bob, lunch at noon?", nav.findElement(By.cssSelector(
        "[data-conv='@alice'] .conv-preview")).getText());
    bob.openFromList("@alice");
    bob.awaitMessage("alice", "Hi Bob, lunch at noon?");
    bob.send("Sure, see you there", false); // the Send button
    bob.awaitMessage("bob", "Sure, see you there");

    alice.awaitMessage("bob", "Sure, see you there");
    assertEquals(List.of("Hi Bob, lunch at noon?", "Sure, see you there"),
        alice.messageTexts());
  }

  @Test
  void roomMessagesArriveInRealTime() {
    createRoom(alice, "lobby", "Daily chatter");
    bob.goTo("#lobby");
    alice.send("Welcome to the lobby", true);
    alice.awaitMessage("alice", "Welcome to the lobby");
    bob.awaitMessage("alice", "Welcome to the lobby");
    bob.send("Glad to be here", true);
    alice.awaitMessage("bob", "Glad to be here");
    alice.awaitTrue("the member count in the subtitle", "return document.querySelector("
        + "'#conversation-subtitle').textContent === 'Daily chatter · 2 members';");
    assertEquals(List.of("Welcome to the lobby", "Glad to be here"), bob.messageTexts());
  }

  @Test
  void reloadKeepsTheSession() {
    createRoom(bob, "reload-test", "");
    bob.send("before the reload", true);
    bob.awaitMessage("bob", "before the reload");
    Object token = bob.js("return localStorage.getItem('chat.token');");
    assertTrue(token instanceof String t && !t.isEmpty(), "a token in localStorage");

    bob.driver.navigate().refresh();
    bob.awaitSignedIn("bob"); // without typing a password
    assertFalse(bob.driver.findElement(By.id("login-view")).isDisplayed(), "no sign-in form");
    assertEquals(token, bob.js("return localStorage.getItem('chat.token');"));
    // The conversation that was open is open again, with its history.
    bob.awaitOpen("#reload-test");
    bob.awaitMessage("bob", "before the reload");

    // And it still works live.
    alice.goTo("#reload-test");
    alice.send("hello after your reload", true);
    bob.awaitMessage("alice", "hello after your reload");
  }

  @Test
  void markupInMessagesAndTopicsIsShownAsText() {
    String img = "<img src=x onerror=alert(1)>";
    String script = "<script>alert(2)</script>";
    String mixed = "<b>bold</b> & <a href=\"javascript:alert(3)\">click</a>"
        + " <svg onload=alert(4)>";
    createRoom(alice, "xss", img);
    alice.awaitTrue("the topic as text in the header", "return document.querySelector("
        + "'#conversation-subtitle').textContent.startsWith(arguments[0]);", img);

    // Bob finds the room in the directory: the topic is text there too.
    bob.button("Browse rooms").click();
    WebElement room = bob.await("#xss in the room directory", d -> d.findElements(
        By.cssSelector("#rooms-list li.room-item[data-room='#xss']")).stream()
        .findFirst().orElse(null));
    assertEquals(img, room.findElement(By.cssSelector(".room-topic")).getText());
    assertTrue(room.findElements(By.cssSelector("img, script")).isEmpty());
    bob.button("Join #xss").click();
    bob.awaitOpen("#xss");

    alice.send(img, true);
    alice.send(script, true);
    alice.send(mixed, false);
    for (String text : List.of(img, script, mixed)) {
      bob.awaitMessage("alice", text);
      alice.awaitMessage("alice", text);
    }
    for (Browser b : List.of(alice, bob)) {
      WebElement log = b.messageLog();
      assertTrue(log.findElements(By.cssSelector("img, script, svg, b, a, iframe")).isEmpty(),
          b.name + ": elements made from message text");
      assertEquals(List.of(img, script, mixed), b.messageTexts());
      assertTrue(b.conversationsNav().findElements(By.cssSelector("img, script, svg"))
          .isEmpty(), b.name + ": elements made from a preview or topic");
      assertNotEquals("", b.driver.findElement(By.id("conversation-subtitle")).getText());
      b.assertNothingRan();
    }
  }

  /**
   * A link whose text may not say where it goes (a user part before an {@code @}, a host with a
   * Cyrillic letter) shows the host it goes to beside it; an ordinary link does not.
   */
  @Test
  void linksThatMayHideWhereTheyGoShowTheirHost() {
    createRoom(alice, "links", "");
    bob.goTo("#links");
    String userPart = "sign in at https://bank.example@evil.test/login";
    String cyrillic = "https://\u0430pple.com/id"; // а is Cyrillic
    String plain = "notes: https://example.org/notes";
    alice.send(userPart, true);
    alice.send(cyrillic, true);
    alice.send(plain, true);
    bob.awaitMessage("alice", userPart + " (goes to evil.test)");
    bob.awaitMessage("alice", cyrillic + " (goes to xn--pple-43d.com)");
    bob.awaitMessage("alice", plain);
    for (Browser b : List.of(alice, bob)) {
      b.awaitMessage("alice", plain);
      assertEquals(List.of("https://bank.example@evil.test/login", cyrillic,
          "https://example.org/notes"), b.driver.findElements(By.cssSelector(
          "[role=log] li.message .message-text a")).stream().map(WebElement::getText).toList());
      assertEquals(2, b.driver.findElements(By.cssSelector(
          "[role=log] li.message .message-text .link-host")).size(), b.name);
      b.assertAccessible("links with their hosts");
    }
  }

  /** Creates a room through the New room dialog and waits until it is open. */
  static void createRoom(Browser b, String name, String topic) {
    b.button("New room").click();
    Browser.type(b.field("Room name"), name);
    Browser.type(b.field("Topic"), topic);
    b.button("Create room").click();
    b.awaitOpen("#" + name);
  }
}
