package chat.server.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The sign-in screen in a real browser: its labels, the name rules (a markup "username" is
 * refused and its error shown as text, nothing runs), wrong passwords, sign out and sign in, and
 * the accessible names of the chat screen's controls.
 */
class BrowserSignInIT {
  @RegisterExtension
  static final SharedServer shared = WebTests.server(1);
  static ServerProcess server;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    browser = Browser.shared(0, "visitor");
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  /** Every test starts signed out, on a freshly loaded page. */
  @BeforeEach
  void signedOut() {
    Panels.signedOut(browser, server);
  }

  @Test
  void signInFormIsLabelled() {
    WebElement username = browser.field("Username");
    WebElement password = browser.field("Password");
    assertEquals("text", username.getDomAttribute("type"));
    assertEquals("password", password.getDomAttribute("type"));
    assertEquals("submit", browser.button("Sign in").getDomAttribute("type"));
    browser.button("Create account");
    // The labels are visible text, not just attributes.
    for (String label : List.of("Username", "Password")) {
      assertTrue(browser.visible("label").stream().anyMatch(l -> l.getText().equals(label)),
          "a visible label " + label);
    }
  }

  @Test
  void aMarkupUsernameIsRefusedAndItsErrorIsText() {
    for (String[] attempt : List.of(
        new String[] {"<img src=x onerror=alert(1)>", "User names start with a letter or a digit."},
        new String[] {"a<script>alert(2)</script>",
            "User names may contain only letters a–z, digits, and _ . -"},
        new String[] {"x\"><img src=x onerror=alert(3)>",
            "User names may contain only letters a–z, digits, and _ . -"})) {
      Browser.type(browser.field("Username"), attempt[0]);
      Browser.type(browser.field("Password"), WebTests.PASSWORD);
      browser.button("Create account").click();
      WebElement error = browser.await("the name rule error", d -> {
        WebElement e = d.findElement(By.id("login-error"));
        return e.getText().equals(attempt[1]) ? e : null;
      });
      assertEquals("alert", error.getAriaRole());
      assertTrue(error.findElements(By.xpath("./*")).isEmpty(), "the error is text only");
      assertEquals(attempt[0], browser.field("Username").getDomProperty("value"),
          "what was typed stays in the field, as text");
      assertTrue(browser.driver.findElement(By.id("chat-view")).getDomAttribute("hidden")
          != null, "not signed in");
      browser.assertNothingRan();
    }
  }

  @Test
  void wrongPasswordThenSignOutAndSignInAgain() {
    browser.signIn("carol", WebTests.PASSWORD, true);
    checkChatScreenLabels();
    browser.button("Sign out").click();
    browser.awaitTrue("signed out", "return !document.querySelector('#login-view').hidden;");
    assertEquals(null, browser.js("return localStorage.getItem('chat.token');"));

    Browser.type(browser.field("Username"), "carol");
    Browser.type(browser.field("Password"), "not the password");
    browser.button("Sign in").click();
    browser.awaitTrue("the wrong password error", "return document.querySelector("
        + "'#login-error').textContent === 'Wrong username or password.';");
    browser.assertAccessible("sign-in with an error");

    Browser.type(browser.field("Password"), WebTests.PASSWORD);
    browser.field("Password").sendKeys(org.openqa.selenium.Keys.ENTER); // Enter submits
    browser.awaitSignedIn("carol");
    browser.assertNothingRan();
  }

  @Test
  void aTakenNameIsExplained() {
    browser.signIn("dave", WebTests.PASSWORD, true);
    browser.button("Sign out").click();
    browser.awaitTrue("signed out", "return !document.querySelector('#login-view').hidden;");
    Browser.type(browser.field("Username"), "dave");
    Browser.type(browser.field("Password"), "another password");
    browser.button("Create account").click();
    browser.awaitTrue("the taken name error", "return document.querySelector("
        + "'#login-error').textContent.startsWith('The name “dave” is taken.');");
    assertFalse(browser.driver.findElement(By.id("login-view")).getDomAttribute("hidden")
        != null, "still on the sign-in form");
  }

  /** The chat screen's controls, found by the names a screen reader announces. */
  private void checkChatScreenLabels() {
    browser.conversationsNav();
    browser.field("Go to");
    Browser.type(browser.field("Go to"), "@carol");
    browser.button("Go").click();
    browser.awaitTrue("no messages to oneself", "return document.querySelector('#goto-error')"
        + ".textContent === 'You cannot send messages to yourself.';");
    browser.assertAccessible("a new account's empty chat with a Go to error");
    BrowserChatIT.createRoom(browser, "notes", "");
    browser.field("Message");
    browser.button("Send");
    browser.messageLog();
  }
}
