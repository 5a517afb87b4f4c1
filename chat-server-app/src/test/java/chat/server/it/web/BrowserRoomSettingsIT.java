package chat.server.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * "Room settings" in two browsers: the owner (alice) and a member (bob). The topic change reaches
 * bob's header; making bob a moderator gives him the editing controls; a ban drops the room from
 * bob's browser and the banned list unbans him; the owner cannot leave until ownership is handed
 * over (confirmed in the panel); the new owner deletes the room and it leaves both browsers.
 */
class BrowserRoomSettingsIT {
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
    Panels.signedOut(alice, server);
    Panels.signedOut(bob, server);
    alice.signIn("alice", WebTests.PASSWORD, true);
    bob.signIn("bob", WebTests.PASSWORD, true);
  }

  @AfterAll
  static void stop() throws Exception {
    Panels.closeAll(alice, bob);
  }

  /** Alice creates {@code room}, bob joins it; both have it open. */
  private static void roomWithBob(String room) {
    Panels.createRoom(alice, room, "First topic");
    bob.goTo("#" + room);
    alice.awaitTrue("bob in alice's member count", "return document.querySelector("
        + "'#conversation-subtitle').textContent.endsWith('2 members');");
  }

  private static void closePanel(Browser b) {
    b.driver.findElement(By.cssSelector("#room-settings-dialog [data-close]")).click();
    Panels.awaitDialogClosed(b, "room-settings-dialog");
  }

  @Test
  void topicChangeIsSeenByEveryone() {
    roomWithBob("topics");
    // A member sees the topic but cannot edit it.
    WebElement bobsPanel = Panels.openRoomSettings(bob, "#topics");
    assertEquals("First topic", bobsPanel.findElement(By.id("room-topic-text")).getText());
    assertTrue(bob.visible("#room-topic-input").isEmpty(), "no topic field for a member");
    assertTrue(bob.visible("#room-members-list button").isEmpty(), "no member actions");
    closePanel(bob);

    Panels.openRoomSettings(alice, "#topics");
    Browser.type(alice.field("Room topic"), "<b>Release</b> on Friday");
    alice.button("Save topic").click();
    Panels.awaitToast(alice, "The topic of #topics was changed.");
    bob.awaitTrue("the new topic in bob's header", "return document.querySelector("
        + "'#conversation-subtitle').textContent.startsWith('<b>Release</b> on Friday');");
    closePanel(alice);
    bob.assertNothingRan();
  }

  @Test
  void makingBobModeratorGivesHimTheControls() {
    roomWithBob("mods");
    Panels.openRoomSettings(alice, "#mods");
    alice.button("Make moderator: bob").click();
    alice.awaitTrue("bob listed as moderator", "return document.querySelector("
        + "'#room-members-list li[data-user=\"bob\"]')?.dataset.role === 'moderator';");
    alice.button("Make member: bob"); // the way back is offered
    closePanel(alice);

    Panels.openRoomSettings(bob, "#mods");
    bob.awaitTrue("bob's own role in his panel", "return document.querySelector("
        + "'#room-members-list li[data-user=\"bob\"]')?.dataset.role === 'moderator';");
    bob.field("Room topic");
    bob.button("Save topic");
    assertTrue(bob.visible("#room-bans-section").size() == 1, "a moderator sees the banned list");
    assertTrue(bob.visible("#room-delete-section").isEmpty(), "only the owner deletes");
    assertTrue(bob.byName("button", "Ban alice") == null, "nobody bans the owner");
    assertTrue(bob.byName("button", "Transfer ownership to alice") == null);
    closePanel(bob);
  }

  @Test
  void aBannedMembersBrowserDropsTheRoom() {
    roomWithBob("strict");
    bob.send("hello from bob", true);
    bob.awaitMessage("bob", "hello from bob");
    Panels.openRoomSettings(alice, "#strict");
    alice.button("Ban bob").click();
    Panels.awaitToast(alice, "bob was banned from #strict.");
    Panels.awaitToast(bob, "You were banned from #strict.");
    Panels.awaitNotInList(bob, "#strict");
    bob.awaitTrue("bob's view left the room", "return document.querySelector("
        + "'#conversation-pane').hidden;");
    alice.awaitTrue("bob in the banned list", "return [...document.querySelectorAll("
        + "'#room-bans-list li')].map((li) => li.dataset.user).join() === 'bob';");
    assertTrue(alice.visible("#room-members-list li[data-user='bob']").isEmpty());

    // Banned: joining is refused until unbanned.
    WebElement input = bob.field("Go to");
    Browser.type(input, "#strict");
    bob.button("Go").click();
    bob.awaitTrue("the join refused", "return document.querySelector('#goto-error')"
        + ".textContent === 'You are banned from #strict.';");
    alice.button("Unban bob").click();
    alice.awaitTrue("the banned list empty", "return document.querySelectorAll("
        + "'#room-bans-list li').length === 0;");
    closePanel(alice);
    bob.goTo("#strict");
    bob.awaitMessage("bob", "hello from bob");
  }

  @Test
  void ownershipIsHandedOverThenTheRoomDeleted() {
    roomWithBob("handover");
    // The owner may not leave: the server says why.
    alice.button("Leave").click();
    alice.awaitTrue("the refusal as a notice", "return [...document.querySelectorAll("
        + "'#toasts .toast-error')].some((t) => t.textContent.length > 0);");
    alice.assertAccessible("a refusal notice");
    Panels.awaitInList(alice, "#handover");

    Panels.openRoomSettings(alice, "#handover");
    alice.button("Transfer ownership to bob").click();
    WebElement confirm = alice.await("the confirmation", d -> alice.visible("#room-confirm")
        .stream().findFirst().orElse(null));
    assertEquals("Make bob the owner of #handover? You will become a moderator.",
        confirm.findElement(By.id("room-confirm-text")).getText());
    alice.assertAccessible("Room settings, confirming a transfer");
    alice.button("Cancel").click();
    assertTrue(alice.visible("#room-confirm").isEmpty());
    alice.button("Transfer ownership to bob").click();
    alice.button("Transfer to bob").click();
    alice.awaitTrue("roles swapped in alice's panel", "const role = (u) => document"
        + ".querySelector('#room-members-list li[data-user=\"' + u + '\"]')?.dataset.role;"
        + "return role('bob') === 'owner' && role('alice') === 'moderator';");
    assertTrue(alice.visible("#room-delete-section").isEmpty(), "alice no longer deletes");
    closePanel(alice);

    Panels.openRoomSettings(bob, "#handover");
    bob.awaitTrue("bob is the owner", "return document.querySelector("
        + "'#room-members-list li[data-user=\"bob\"]')?.dataset.role === 'owner';");
    bob.button("Delete room").click();
    bob.button("Delete #handover").click();
    Panels.awaitDialogClosed(bob, "room-settings-dialog");
    for (Browser b : List.of(alice, bob)) {
      Panels.awaitNotInList(b, "#handover");
      b.awaitTrue("the room's view closed", "return document.querySelector("
          + "'#conversation-pane').hidden;");
    }
    Panels.awaitToast(alice, "#handover was deleted.");
    assertTrue(alice.driver.findElement(By.id("chat-view")).isDisplayed(), "still signed in");
  }
}
