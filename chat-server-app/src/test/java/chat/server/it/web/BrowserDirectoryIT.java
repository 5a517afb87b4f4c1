package chat.server.it.web;

import static chat.server.it.web.Panels.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The room directory in a real browser, with more rooms than one page: it shows the first page
 * in name order with More, More adds the next page, a search (name prefix or topic word) finds
 * rooms that were on no page yet, and a room found that way can be joined.
 */
class BrowserDirectoryIT {
  /** The client's page size (DIRECTORY_PAGE in web/js/directory.js). */
  static final int PAGE = 30;
  static final int ROOMS = 45;

  @RegisterExtension
  static final SharedServer shared = WebTests.server(1);
  static ServerProcess server;
  static Browser browser;
  static List<String> names = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    // Five owners, as the server lets one user create only a few rooms at once.
    List<ChatClient> owners = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        owners.add(Panels.client(server, "owner" + i));
      }
      List<CompletableFuture<?>> created = new ArrayList<>();
      for (int i = 0; i < ROOMS; i++) {
        String name = String.format("room-%02d", i);
        names.add("#" + name);
        created.add(owners.get(i % owners.size())
            .createRoom(name, i == 7 ? "Weekly zebra crossing" : "", false));
      }
      created.add(owners.get(0).createRoom("zulu", "The last one", false));
      names.add("#zulu");
      for (CompletableFuture<?> f : created) {
        await(f);
      }
    } finally {
      for (ChatClient owner : owners) {
        owner.close();
      }
    }
    browser = Browser.shared(0, "reader");
    Panels.signedOut(browser, server);
    browser.signIn("reader", WebTests.PASSWORD, true);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void pagesSearchAndJoin() {
    browser.button("Browse rooms").click();
    Panels.dialog(browser, "Rooms");
    awaitRooms(names.subList(0, PAGE));
    assertEquals("The first 30 rooms", Panels.text(browser, "#rooms-status"));

    browser.button("More").click();
    awaitRooms(names);
    assertTrue(browser.visible("#rooms-more-button").isEmpty(), "no More after the last page");
    assertEquals("46 rooms", Panels.text(browser, "#rooms-status"));

    // A search by name prefix, then by a word of a topic; typing, no button to press.
    WebElement search = browser.field("Search rooms");
    Browser.type(search, "zu");
    awaitRooms(List.of("#zulu"));
    assertEquals("1 room matching “zu”", Panels.text(browser, "#rooms-status"));
    Browser.type(search, "zebra");
    awaitRooms(List.of("#room-07"));
    Browser.type(search, "nothing-like-this");
    browser.awaitTrue("no match said so", "return document.querySelector('#rooms-status')"
        + ".textContent === 'No rooms match “nothing-like-this”.';");
    search.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
    awaitRooms(names.subList(0, PAGE));

    Browser.type(search, "zulu");
    awaitRooms(List.of("#zulu"));
    browser.button("Join #zulu").click();
    browser.awaitOpen("#zulu");
    browser.awaitTrue("the topic in the header", "return document.querySelector("
        + "'#conversation-subtitle').textContent.startsWith('The last one');");
    browser.assertNothingRan();
  }

  /** Waits until the directory lists exactly {@code rooms}, in this order. */
  private static void awaitRooms(List<String> rooms) {
    browser.awaitTrue("the directory listing " + rooms.size() + " rooms from "
        + rooms.get(0), "return JSON.stringify([...document.querySelectorAll("
        + "'#rooms-list li.room-item')].map((li) => li.dataset.room)) === arguments[0];",
        new com.google.gson.Gson().toJson(rooms));
  }
}
