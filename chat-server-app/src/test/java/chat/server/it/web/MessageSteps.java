package chat.server.it.web;

import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Steps of the message-change tests: a message found by its text, its "Message actions" menu
 * (reached by hovering, as a mouse user does), the menu's items by accessible name, reaction
 * chips, and a page hook that records the frames the page sends.
 */
final class MessageSteps {
  private MessageSteps() {}

  /**
   * Records the type (and afterRev) of every frame the page sends, before its scripts run; while
   * {@code window.__blockSockets} is true, every new WebSocket is closed while it connects (so
   * it fails, as when the network is down).
   */
  static final String SENT_FRAMES_HOOK = String.join("\n",
      "(() => {",
      "  const sent = [];",
      "  const open = [];",
      "  Object.defineProperty(window, '__sentFrames', { value: sent });",
      "  Object.defineProperty(window, '__openSockets', { value: open });",
      "  window.__blockSockets = false;",
      "  const Previous = window.WebSocket;",
      "  window.WebSocket = class extends Previous {",
      "    constructor(url, ...rest) {",
      "      super(url, ...rest);",
      "      if (window.__blockSockets) this.close();",
      "    }",
      "  };",
      "  const nativeSend = WebSocket.prototype.send;",
      "  WebSocket.prototype.send = function (data) {",
      "    if (!open.includes(this)) open.push(this);",
      "    try { const f = JSON.parse(data); sent.push({ type: f.type, conv: f.conv,",
      "      afterRev: f.afterRev, replyTo: f.replyTo }); } catch (e) { /* not JSON */ }",
      "    return nativeSend.call(this, data);",
      "  };",
      "})();");

  /** Adds a script run before every document's own (removed again by {@link #removeScript}). */
  static String addScript(Browser b, String source) {
    Map<String, Object> result = b.driver.executeCdpCommand(
        "Page.addScriptToEvaluateOnNewDocument", Map.of("source", source));
    return String.valueOf(result.get("identifier"));
  }

  static void removeScript(Browser b, String id) {
    if (b != null && id != null) {
      b.driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument",
          Map.of("identifier", id));
    }
  }

  /** The open conversation's stored message whose text (or "Message deleted") is {@code text}. */
  static WebElement message(Browser b, String text) {
    return b.await("a message \"" + text + "\"", d -> find(b, text));
  }

  private static WebElement find(Browser b, String text) {
    Object found = b.js("return [...document.querySelectorAll('[role=log] li.message[data-seq]')]"
        + ".reverse().find((li) => li.querySelector('.message-text')?.textContent"
        + " === arguments[0]) ?? null;", text);
    return found instanceof WebElement el ? el : null;
  }

  /**
   * Hovers the message and opens its "Message actions" menu; returns the menu. The item is
   * looked up afresh on each try: an update may have rebuilt it meanwhile.
   */
  static WebElement openActions(Browser b, String text) {
    WebElement button = b.await("the Message actions button of \"" + text + "\"", d -> {
      WebElement item = find(b, text);
      if (item == null) {
        return null;
      }
      new Actions(b.driver).moveToElement(item).perform();
      return item.findElements(By.cssSelector("button.message-actions-button")).stream()
          .filter(e -> "Message actions".equals(e.getAccessibleName())).findFirst()
          .orElse(null);
    });
    button.click();
    return menu(b);
  }

  /**
   * Holds a finger on the message's text (touch events through CDP, as on a phone) until its
   * menu opens, then lifts it; returns the menu.
   */
  @SuppressWarnings("unchecked")
  static WebElement longPress(Browser b, String text) {
    WebElement item = message(b, text);
    Map<String, Object> point = (Map<String, Object>) b.js("const r = arguments[0]"
        + ".querySelector('.message-text').getBoundingClientRect();"
        + "return {x: Math.round(r.left + 10), y: Math.round(r.top + r.height / 2)};", item);
    Map<String, Object> touch = Map.of("x", point.get("x"), "y", point.get("y"));
    b.driver.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", true));
    b.driver.executeCdpCommand("Input.dispatchTouchEvent", Map.of(
        "type", "touchStart", "touchPoints", List.of(touch)));
    try {
      return menu(b);
    } finally {
      b.driver.executeCdpCommand("Input.dispatchTouchEvent", Map.of(
          "type", "touchEnd", "touchPoints", List.of()));
    }
  }

  static WebElement menu(Browser b) {
    return b.await("the message menu", d -> b.visible("#message-menu[role=menu]").stream()
        .findFirst().orElse(null));
  }

  /** The labels of the open menu's items, in order. */
  @SuppressWarnings("unchecked")
  static List<String> menuLabels(Browser b) {
    menu(b);
    return (List<String>) b.js("return [...document.querySelectorAll("
        + "'#message-menu [role=menuitem]')].map((e) => e.getAttribute('aria-label')"
        + " ?? e.textContent);");
  }

  /** Clicks the open menu's item named {@code label}. */
  static void choose(Browser b, String label) {
    WebElement menu = menu(b);
    WebElement item = b.await("a menu item \"" + label + "\"", d -> menu.findElements(
        By.cssSelector("[role=menuitem]")).stream()
        .filter(e -> label.equals(e.getAccessibleName())).findFirst().orElse(null));
    item.click();
  }

  static void awaitMenuClosed(Browser b) {
    b.awaitTrue("the message menu closed", "return !document.querySelector('#message-menu');");
  }

  /**
   * Waits until the message {@code text} has exactly the chips {@code expected} (each
   * "emoji count" plus " mine" when pressed), in order.
   */
  static void awaitChips(Browser b, String text, String expected) {
    b.awaitTrue("reaction chips [" + expected + "] on \"" + text + "\"",
        "const li = [...document.querySelectorAll('[role=log] li.message[data-seq]')]"
            + ".find((l) => l.querySelector('.message-text')?.textContent === arguments[0]);"
            + "if (!li) return false;"
            + "const chips = [...li.querySelectorAll('.reactions button.reaction-chip')]"
            + ".map((c) => c.dataset.emoji + ' ' + c.querySelector('.reaction-count').textContent"
            + " + (c.getAttribute('aria-pressed') === 'true' ? ' mine' : ''));"
            + "return chips.join(', ') === arguments[1];", text, expected);
  }

  /** Clicks the chip of {@code emoji} under message {@code text}. */
  static void clickChip(Browser b, String text, String emoji) {
    WebElement item = message(b, text);
    item.findElements(By.cssSelector(".reactions button.reaction-chip")).stream()
        .filter(c -> emoji.equals(c.getAttribute("data-emoji"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + emoji + " chip on \"" + text + "\""))
        .click();
  }
}
