package chat.server.it.web;

import chat.client.ChatClient;
import chat.server.it.ServerProcess;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Steps the second-round browser tests share: a signed-out page, the Settings, Room settings and
 * User actions panels (found by their accessible names), the sign-in screen's notice, toasts and
 * the conversation list.
 */
final class Panels {
  private Panels() {}

  /**
   * A freshly loaded page with nothing saved: the sign-in form. Cleared twice: a signed-in page
   * may save its open conversation again between the first clear and the reload.
   */
  static void signedOut(Browser b, ServerProcess server) {
    for (int i = 0; i < 2; i++) {
      b.open(server.httpUri("/"));
      b.js("localStorage.clear(); sessionStorage.clear();");
    }
    b.open(server.httpUri("/"));
    awaitSignInForm(b);
  }

  static void awaitSignInForm(Browser b) {
    b.awaitTrue("the sign-in form", "return !document.querySelector('#login-view').hidden"
        + " && document.querySelector('#chat-view').hidden;");
  }

  /** Waits for the sign-in screen showing {@code notice}, with the token forgotten. */
  static void awaitSentToSignIn(Browser b, String notice) {
    b.awaitTrue("the sign-in screen saying: " + notice,
        "return !document.querySelector('#login-view').hidden"
            + " && document.querySelector('#login-error').textContent === arguments[0]"
            + " && localStorage.getItem('chat.token') === null;", notice);
  }

  /** The open modal dialog whose accessible name is {@code name}. */
  static WebElement dialog(Browser b, String name) {
    return b.await("an open dialog named \"" + name + "\"", d -> {
      for (WebElement el : b.visible("dialog[open]")) {
        if (name.equals(el.getAccessibleName())) {
          return el;
        }
      }
      return null;
    });
  }

  static void awaitDialogClosed(Browser b, String id) {
    b.awaitTrue("#" + id + " closed", "return !document.getElementById(arguments[0]).open;", id);
  }

  static WebElement openSettings(Browser b) {
    b.button("Settings").click();
    return dialog(b, "Settings");
  }

  /** Opens the open room's settings and waits until its member list is loaded. */
  static WebElement openRoomSettings(Browser b, String room) {
    b.button("Room settings").click();
    WebElement panel = dialog(b, "Room settings: " + room);
    b.awaitTrue("the room's members in its settings", "return document.querySelectorAll("
        + "'#room-members-list li.member-item').length > 0;");
    return panel;
  }

  /** Opens "User actions" from {@code user}'s name on their last message in the open room. */
  static WebElement userActionsFromMessage(Browser b, String user) {
    WebElement name = b.await(user + "'s name on a message", d -> b.visible(
        "[role=log] li.message[data-from='" + user + "'] button.sender-button").stream()
        .reduce((first, second) -> second).orElse(null));
    name.click();
    return dialog(b, "User actions");
  }

  /** Waits for a toast saying exactly {@code text}. */
  static void awaitToast(Browser b, String text) {
    b.awaitTrue("a notice: " + text, "return [...document.querySelectorAll('#toasts .toast')]"
        + ".some((t) => t.textContent === arguments[0]);", text);
  }

  static void awaitInList(Browser b, String conv) {
    b.awaitTrue(conv + " in the conversation list", "return !!document.querySelector("
        + "'#conversation-list button.conv-item[data-conv=\"' + arguments[0] + '\"]');", conv);
  }

  static void awaitNotInList(Browser b, String conv) {
    b.awaitTrue(conv + " gone from the conversation list", "return !document.querySelector("
        + "'#conversation-list button.conv-item[data-conv=\"' + arguments[0] + '\"]');", conv);
  }

  /** Creates a room through the New room dialog and waits until it is open. */
  static void createRoom(Browser b, String name, String topic) {
    BrowserChatIT.createRoom(b, name, topic);
  }

  /** Closes each of {@code closeables} that is not null (a test class's browsers and clients). */
  static void closeAll(AutoCloseable... closeables) throws Exception {
    for (AutoCloseable c : closeables) {
      if (c != null) {
        c.close();
      }
    }
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(15, TimeUnit.SECONDS);
  }

  static ChatClient client(ServerProcess server, String user) throws Exception {
    return BrowserRestartIT.client(server.wsUri(), user);
  }

  static String text(Browser b, String css) {
    return b.driver.findElement(By.cssSelector(css)).getText();
  }
}
