package chat.server.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The Settings panel's account actions in two browsers signed in as the same person (two
 * devices): changing the password keeps this one working under its new token and sends the
 * other to the sign-in screen for good; "Log out everywhere" and "Delete account" end both.
 * Wrong passwords are answered in the panel.
 */
class BrowserAccountIT {
  static final String PASSWORD = WebTests.PASSWORD;
  static final String NEW_PASSWORD = "a much better passphrase";

  @RegisterExtension
  static final SharedServer shared = WebTests.server(2);
  static ServerProcess server;
  static Browser laptop;
  static Browser phone;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    laptop = Browser.shared(0, "laptop");
    phone = Browser.shared(1, "phone");
  }

  @AfterAll
  static void stop() throws Exception {
    Panels.closeAll(laptop, phone);
  }

  @BeforeEach
  void signedOut() {
    Panels.signedOut(laptop, server);
    Panels.signedOut(phone, server);
  }

  /** {@code user} signs up on the laptop and in on the phone. */
  private static void onBothDevices(String user) {
    laptop.signIn(user, PASSWORD, true);
    phone.signIn(user, PASSWORD, false);
  }

  @Test
  void changingThePasswordKeepsThisSessionAndEndsTheOther() {
    onBothDevices("carol");
    Object oldToken = token(laptop);
    Panels.openSettings(laptop);
    Browser.type(laptop.field("Current password"), "not my password");
    Browser.type(laptop.field("New password"), NEW_PASSWORD);
    laptop.button("Change password").click();
    laptop.awaitTrue("the error in the panel", "return document.querySelector("
        + "'#password-error').textContent === 'The current password is wrong.';");
    assertEquals(oldToken, token(laptop));

    Browser.type(laptop.field("Current password"), PASSWORD);
    Browser.type(laptop.field("New password"), NEW_PASSWORD);
    laptop.button("Change password").click();
    Panels.awaitToast(laptop, "Your password was changed. Other devices were signed out.");
    Object newToken = token(laptop);
    assertTrue(newToken instanceof String t && !t.isEmpty(), "a token saved");
    assertNotEquals(oldToken, newToken, "the new token replaced the revoked one");

    // The other device is sent to sign in.
    Panels.awaitSentToSignIn(phone,
        "Your password was changed on another device. Please sign in with the new one.");
    long phoneSockets = phone.socketsOpened();

    // This device carries on: live, and after a reload (the new token works).
    closeSettings(laptop);
    assertEquals("online", laptop.connectionState());
    Panels.createRoom(laptop, "carols-notes", "");
    laptop.send("still signed in", true);
    laptop.awaitMessage("carol", "still signed in");
    laptop.driver.navigate().refresh();
    laptop.awaitSignedIn("carol");
    assertEquals(newToken, token(laptop));

    // The phone never tried again by itself; its user signs in with the new password.
    assertEquals(phoneSockets, phone.socketsOpened(), "the phone did not reconnect");
    type(phone, "carol", PASSWORD);
    phone.button("Sign in").click();
    phone.awaitTrue("the old password refused", "return document.querySelector("
        + "'#login-error').textContent === 'Wrong username or password.';");
    phone.signIn("carol", NEW_PASSWORD, false);
    phone.openFromList("#carols-notes");
    phone.awaitMessage("carol", "still signed in");
    laptop.assertNothingRan();
    phone.assertNothingRan();
  }

  @Test
  void loggingOutEverywhereEndsEverySession() {
    onBothDevices("dora");
    Panels.openSettings(laptop);
    laptop.button("Log out everywhere").click();
    Panels.awaitSentToSignIn(laptop, "You were signed out on every device.");
    Panels.awaitSentToSignIn(phone, "You were signed out.");
    long phoneSockets = phone.socketsOpened();
    // Signing in again works (a new token), and the other device stayed signed out meanwhile.
    laptop.signIn("dora", PASSWORD, false);
    assertEquals(phoneSockets, phone.socketsOpened(), "the phone did not reconnect");
    Panels.awaitSignInForm(phone);
  }

  @Test
  void deletingTheAccountAsksForThePassword() {
    onBothDevices("erin");
    Panels.openSettings(laptop);
    laptop.button("Delete account").click();
    Browser.type(laptop.field("Password to confirm"), "wrong password!");
    laptop.button("Delete my account").click();
    laptop.awaitTrue("the error in the panel", "return document.querySelector("
        + "'#delete-account-error').textContent === 'Wrong password.';");
    laptop.assertAccessible("Settings, deleting the account, with an error");
    assertEquals("online", phone.connectionState(), "nothing happened");

    Browser.type(laptop.field("Password to confirm"), PASSWORD);
    laptop.button("Delete my account").click();
    Panels.awaitSentToSignIn(laptop, "Your account was deleted.");
    Panels.awaitSentToSignIn(phone, "This account was deleted.");
    long phoneSockets = phone.socketsOpened();

    // The name stays taken and the password opens nothing.
    type(laptop, "erin", PASSWORD);
    laptop.button("Sign in").click();
    laptop.awaitTrue("the sign-in refused", "return document.querySelector("
        + "'#login-error').textContent === 'Wrong username or password.';");
    type(laptop, "erin", PASSWORD);
    laptop.button("Create account").click();
    laptop.awaitTrue("the name still taken", "return document.querySelector("
        + "'#login-error').textContent.startsWith('The name “erin” is taken.');");
    assertEquals(phoneSockets, phone.socketsOpened(), "the phone did not reconnect");
  }

  private static void type(Browser b, String user, String password) {
    Browser.type(b.field("Username"), user);
    Browser.type(b.field("Password"), password);
  }

  private static Object token(Browser b) {
    return b.js("return localStorage.getItem('chat.token');");
  }

  private static void closeSettings(Browser b) {
    b.driver.findElement(By.cssSelector("#settings-dialog [data-close]")).click();
    Panels.awaitDialogClosed(b, "settings-dialog");
  }
}
