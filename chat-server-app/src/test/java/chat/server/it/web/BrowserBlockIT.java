package chat.server.it.web;

import static chat.server.it.web.Panels.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.ChatErrorException;
import chat.protocol.ErrorCode;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Blocking in a real browser: from an author's name, "User actions" → Block collapses that
 * person's room messages to "Message from a blocked user" (each revealed by Show), disables the
 * composer of the direct conversation (the server refuses sends both ways), and Settings lists
 * blocked users with Unblock.
 */
class BrowserBlockIT {
  static final String HIDDEN = "Message from a blocked user";

  @RegisterExtension
  static final SharedServer shared = WebTests.server(1);
  static ServerProcess server;
  static Browser alice;
  static ChatClient mallory;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    alice = Browser.shared(0, "alice");
    Panels.signedOut(alice, server);
    alice.signIn("alice", WebTests.PASSWORD, true);
    mallory = Panels.client(server, "mallory");
  }

  @AfterAll
  static void stop() throws Exception {
    Panels.closeAll(alice, mallory);
  }

  @Test
  void blockingHidesRoomMessagesAndClosesTheDirectConversation() throws Exception {
    Panels.createRoom(alice, "market", "Buy and sell");
    await(mallory.join("market"));
    long offer = await(mallory.send("#market", "cheap watches, DM me")).seq();
    alice.awaitMessage("mallory", "cheap watches, DM me");

    WebElement menu = Panels.userActionsFromMessage(alice, "mallory");
    assertEquals("mallory", menu.findElement(By.id("user-menu-name")).getText());
    alice.button("Block").click();
    Panels.awaitDialogClosed(alice, "user-menu");
    awaitHidden(1);
    assertFalse(logText().contains("cheap watches"), "the text is not on the page");
    assertEquals(HIDDEN, alice.driver.findElement(By.cssSelector(
        "#conversation-list [data-conv='#market'] .conv-preview")).getText());

    // Someone else's reply does not quote it either.
    try (ChatClient carol = Panels.client(server, "carol")) {
      await(carol.join("market"));
      await(carol.reply("#market", offer, "are they real?"));
      alice.awaitMessage("carol", "are they real?");
    }
    assertFalse(logText().contains("cheap watches"), "not in the reply's quote either");
    assertTrue(logText().contains(HIDDEN));

    // New messages collapse too; Show reveals one message, not the others.
    await(mallory.send("#market", "last chance"));
    awaitHidden(2);
    alice.assertAccessible("a room with a blocked user's messages collapsed");
    alice.driver.findElements(By.cssSelector("li.blocked-message button")).get(0).click();
    alice.awaitMessage("mallory", "cheap watches, DM me");
    awaitHidden(1);
    assertFalse(logText().contains("last chance"));

    // The direct conversation: no writing, and the server refuses mallory's messages.
    alice.goTo("@mallory");
    alice.awaitTrue("the composer disabled with an explanation", "return document"
        + ".querySelector('#composer-input').disabled && !document.querySelector("
        + "'#composer-blocked').hidden && document.querySelector('#composer-blocked-text')"
        + ".textContent.startsWith('You blocked mallory.');");
    assertFalse(alice.field("Message").isEnabled());
    alice.assertAccessible("a direct conversation with a blocked user");
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> await(mallory.send("@alice", "why did you block me")));
    assertInstanceOf(ChatErrorException.class, refused.getCause());
    assertEquals(ErrorCode.FORBIDDEN, ((ChatErrorException) refused.getCause()).code());

    // Unblocking from the conversation opens it again; the room shows everything.
    alice.button("Unblock mallory").click();
    alice.awaitTrue("the composer enabled", "return !document.querySelector("
        + "'#composer-input').disabled && document.querySelector('#composer-blocked').hidden;");
    await(mallory.send("@alice", "thanks"));
    alice.awaitMessage("mallory", "thanks");
    alice.openFromList("#market");
    alice.awaitMessage("mallory", "last chance");
    awaitHidden(0);
    alice.assertNothingRan();
  }

  @Test
  void settingsListBlockedUsersWithUnblock() throws Exception {
    try (ChatClient spammer = Panels.client(server, "spammer")) {
      await(spammer.send("@alice", "hello friend"));
      Panels.awaitInList(alice, "@spammer");
      alice.openFromList("@spammer");
      alice.awaitMessage("spammer", "hello friend");
      alice.button("User actions").click();
      Panels.dialog(alice, "User actions");
      alice.button("Block").click();
      Panels.awaitDialogClosed(alice, "user-menu");

      WebElement settings = Panels.openSettings(alice);
      alice.awaitTrue("spammer in the blocked list", "return [...document.querySelectorAll("
          + "'#blocked-list li')].map((li) => li.dataset.user).includes('spammer');");
      assertTrue(settings.findElement(By.id("blocked-empty")).getAttribute("hidden") != null);
      alice.button("Unblock spammer").click();
      alice.awaitTrue("spammer gone from the blocked list", "return !document.querySelector("
          + "'#blocked-list li[data-user=\"spammer\"]');");
      alice.driver.findElement(By.cssSelector("#settings-dialog [data-close]")).click();
      Panels.awaitDialogClosed(alice, "settings-dialog");
      await(spammer.send("@alice", "still there?"));
      alice.awaitMessage("spammer", "still there?");
    }
  }

  private static void awaitHidden(int count) {
    alice.awaitTrue(count + " collapsed message(s)", "const hidden = document.querySelectorAll("
        + "'[role=log] li.blocked-message');"
        + "return hidden.length === arguments[0] && [...hidden].every((li) =>"
        + " li.querySelector('.blocked-text').textContent === arguments[1]"
        + " && li.querySelector('button').textContent === 'Show');", count, HIDDEN);
  }

  private static String logText() {
    return alice.messageLog().getText();
  }
}
