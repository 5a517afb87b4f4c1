package chat.server.it.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Files in two real browsers: "Attach file" uploads a picture and a text file at once, Send
 * (with no text) shows the picture inline for both, opening full size in a new tab, and the text
 * file as a download link whose URL serves the bytes; a file over the server's limit is refused
 * before any upload; a refused upload says why and is removed; Send waits for an upload still
 * running; a pasted image and a dropped file are attached too. axe checks the composer with
 * attachments and a message with an image; desktop (1280x800) and phone (390x844) PNGs with
 * {@code -Dchat.screenshots.dir=docs/screenshots}.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class BrowserFilesIT {
  static final Path SHOTS = Browser.screenshotDir();
  static final int MAX_UPLOAD = 300_000;
  static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Counts the uploads the page starts and, while {@code window.__holdUploads} is true, holds
   * each back until {@code window.__releaseUploads()}: an upload that is still running, on cue.
   */
  static final String UPLOADS_HOOK = String.join("\n",
      "window.__uploads = 0;",
      "window.__holdUploads = false;",
      "if (!window.__held) {",
      "  window.__held = [];",
      "  window.__releaseUploads = () => { window.__holdUploads = false;",
      "    for (const go of window.__held.splice(0)) go(); };",
      "  const nativeSend = XMLHttpRequest.prototype.send;",
      "  XMLHttpRequest.prototype.send = function (body) {",
      "    window.__uploads++;",
      "    if (window.__holdUploads) window.__held.push(() => nativeSend.call(this, body));",
      "    else nativeSend.call(this, body);",
      "  };",
      "}");

  @TempDir static Path tmp;
  @RegisterExtension
  static final SharedServer shared = WebTests.server(2, "--max-upload-bytes",
      String.valueOf(MAX_UPLOAD));
  static ServerProcess server;
  static Browser alice;
  static Browser bob;
  static Path picture;
  static Path notes;

  @BeforeAll
  static void start() throws Exception {
    server = shared.process();
    picture = Files.write(tmp.resolve("view.png"), png(640, 400));
    notes = Files.writeString(tmp.resolve("notes.txt"), "Offsite notes\n- book the room\n");
    alice = Browser.shared(0, "alice");
    bob = Browser.shared(1, "bob");
    Panels.signedOut(alice, server);
    Panels.signedOut(bob, server);
    alice.signIn("alice", WebTests.PASSWORD, true);
    bob.signIn("bob", WebTests.PASSWORD, true);
    Panels.createRoom(alice, "photos", "Pictures from the offsite");
    bob.goTo("#photos");
    alice.awaitTrue("bob counted in the room", "return document.querySelector("
        + "'#conversation-subtitle').textContent.endsWith('2 members');");
  }

  @AfterAll
  static void stop() throws Exception {
    Panels.closeAll(alice, bob);
  }

  @Test
  void a_attachedByButtonAnImageShowsInlineAndAFileDownloads() throws Exception {
    // The button opens the file chooser (here cancelled); Selenium then sets the files itself.
    alice.js("document.querySelector('#file-input').addEventListener('click', (e) => {"
        + " window.__chooser = true; e.preventDefault(); }, { once: true });");
    alice.button("Attach file").click();
    assertEquals(true, alice.js("return window.__chooser === true;"), "the chooser opened");
    alice.driver.findElement(By.id("file-input"))
        .sendKeys(picture.toString() + "\n" + notes.toString());
    awaitChips(alice, "view.png done, notes.txt done");
    alice.assertAccessible("the composer with two attached files");

    alice.button("Send").click(); // no text: files alone are a message
    alice.awaitTrue("the chips gone once sent", "return document.querySelector("
        + "'#attachments').hidden;");
    for (Browser b : List.of(alice, bob)) {
      awaitImage(b, "alice", "view.png");
    }
    WebElement message = fileMessage(bob, "alice", "view.png");
    assertEquals(List.of(), message.findElements(By.cssSelector(".message-text")),
        "no text shown for a message of files only");
    bob.assertAccessible("a message with an image and a file");

    // The picture opens full size in a new tab, without a handle on this one.
    WebElement imageLink = message.findElement(By.cssSelector("a.file-image-link"));
    WebElement image = imageLink.findElement(By.tagName("img"));
    assertEquals("view.png", image.getAccessibleName());
    assertEquals("_blank", imageLink.getAttribute("target"));
    assertTrue(imageLink.getAttribute("rel").contains("noopener"), imageLink.getAttribute("rel"));
    assertEquals(image.getAttribute("src"), imageLink.getAttribute("href"));
    assertArrayEquals(Files.readAllBytes(picture), get(imageLink.getAttribute("href")));
    String here = bob.driver.getWindowHandle();
    imageLink.click();
    bob.await("the picture in a new tab", d -> d.getWindowHandles().size() == 2 ? true : null);
    for (String handle : bob.driver.getWindowHandles()) {
      if (!handle.equals(here)) {
        bob.driver.switchTo().window(handle).close();
      }
    }
    bob.driver.switchTo().window(here);

    // The text file is a download link with its name and size; its URL serves the bytes.
    WebElement link = message.findElement(By.cssSelector("a.file-link"));
    assertEquals("notes.txt 30 bytes", link.getAccessibleName());
    assertEquals("notes.txt", link.getAttribute("download"));
    URI url = URI.create(link.getAttribute("href"));
    assertEquals(server.httpUri("/").getAuthority(), url.getAuthority(), "the server's origin");
    assertArrayEquals(Files.readAllBytes(notes), get(url.toString()));

    // Where only a line fits, the files are named: the conversation list's preview.
    bob.awaitTrue("the list preview names the files", "return document.querySelector("
        + "'button.conv-item[data-conv=\"#photos\"] .conv-preview').textContent"
        + " === '📎 view.png and 1 more';");
    alice.assertNothingRan();
    bob.assertNothingRan();
  }

  @Test
  void b_aFileOverTheLimitIsRefusedBeforeUploading() throws Exception {
    alice.js(UPLOADS_HOOK);
    Path big = Files.write(tmp.resolve("big.bin"), random(400_000));
    alice.driver.findElement(By.id("file-input")).sendKeys(big.toString());
    alice.awaitTrue("the refusal", "return document.querySelector('#composer-error')"
        + ".textContent === arguments[0];",
        "big.bin is too large (391 KB); files can be at most 293 KB.");
    assertEquals(0L, alice.js("return window.__uploads;"), "nothing was uploaded");
    assertTrue((Boolean) alice.js("return document.querySelector('#attachments').hidden;"));
  }

  @Test
  void c_aRefusedUploadSaysWhyAndIsRemoved() {
    alice.js(UPLOADS_HOOK);
    String token = (String) alice.js("const t = localStorage.getItem('chat.token');"
        + "localStorage.setItem('chat.token', 'not-a-token'); return t;");
    try {
      alice.driver.findElement(By.id("file-input")).sendKeys(notes.toString());
      awaitChips(alice, "notes.txt failed");
    } finally {
      alice.js("localStorage.setItem('chat.token', arguments[0]);", token);
    }
    assertEquals("The server did not accept your sign-in. Sign in again to upload.",
        Panels.text(alice, "#attachments li .attachment-error"));
    alice.assertAccessible("a failed upload");
    Browser.type(alice.field("Message"), "the notes");
    alice.button("Send").click();
    assertEquals("notes.txt could not be uploaded. Remove it to send.",
        Panels.text(alice, "#composer-error"));

    alice.button("Remove notes.txt").click();
    alice.awaitTrue("the chip gone, the field focused", "return document.querySelector("
        + "'#attachments').hidden && document.activeElement.id === 'composer-input';");
    alice.button("Send").click();
    bob.awaitMessage("alice", "the notes");
  }

  @Test
  void d_sendWaitsForAnUploadStillRunning() {
    alice.js(UPLOADS_HOOK + "window.__holdUploads = true;");
    alice.driver.findElement(By.id("file-input")).sendKeys(notes.toString());
    awaitChips(alice, "notes.txt uploading");
    alice.awaitTrue("a progress bar", "return !!document.querySelector("
        + "'#attachments li progress[aria-label=\"Uploading notes.txt\"]');");
    Browser.type(alice.field("Message"), "notes, once uploaded");
    alice.button("Send").click();
    alice.awaitTrue("the send waiting", "return document.querySelector('#attachments-status')"
        + ".textContent === 'Sends when the upload finishes…'"
        + " && document.querySelector('#composer-input').readOnly;");
    assertTrue((Boolean) bob.js("return ![...document.querySelectorAll('[role=log]"
        + " .message-text')].some((p) => p.textContent === 'notes, once uploaded');"));

    alice.js("window.__releaseUploads();");
    bob.awaitMessage("alice", "notes, once uploaded");
    fileMessage(bob, "alice", "notes.txt");
    alice.awaitTrue("the composer empty again", "const i = document.querySelector("
        + "'#composer-input'); return i.value === '' && !i.readOnly"
        + " && document.querySelector('#attachments').hidden;");
  }

  @Test
  void e_aPastedImageAndADroppedFileAreAttached() throws Exception {
    String png = Base64.getEncoder().encodeToString(png(200, 120));
    WebElement composer = alice.field("Message");
    alice.js(SYNTHETIC, "paste", composer, "", "image/png", png); // a screenshot has no name
    awaitChips(alice, "pasted-image.png done");
    Browser.type(composer, "a screenshot from the demo");
    alice.button("Send").click();
    awaitImage(bob, "alice", "pasted-image.png");
    bob.awaitMessage("alice", "a screenshot from the demo");

    // Bob drops a file on the conversation.
    bob.js(SYNTHETIC, "drop", bob.messageLog(), "agenda.txt", "text/plain",
        Base64.getEncoder().encodeToString("1. coffee".getBytes(StandardCharsets.UTF_8)));
    awaitChips(bob, "agenda.txt done");
    Browser.type(bob.field("Message"), "The agenda for tomorrow");
    bob.field("Message").sendKeys(Keys.ENTER);
    fileMessage(alice, "bob", "agenda.txt");
    alice.awaitMessage("bob", "The agenda for tomorrow");
    alice.assertNothingRan();
    bob.assertNothingRan();
  }

  @Test
  void f_desktop() throws Exception {
    alice.inViewport("desktop", () -> shoot("desktop"));
  }

  @Test
  void g_phone() throws Exception {
    alice.inViewport("phone", () -> shoot("phone"));
  }

  /** #photos with its pictures, and a file attached to the next message. */
  private static void shoot(String size) throws Exception {
    alice.driver.navigate().refresh();
    alice.awaitSignedIn("alice");
    alice.awaitOpen("#photos");
    awaitImage(alice, "alice", "view.png");
    awaitImage(alice, "alice", "pasted-image.png");
    alice.driver.findElement(By.id("file-input")).sendKeys(notes.toString());
    awaitChips(alice, "notes.txt done");
    Browser.type(alice.field("Message"), "And the notes from day two");
    alice.js("document.querySelector('#message-scroller').scrollTop = 1e6;");
    Object overflow = alice.js("const d = document.documentElement;"
        + "return d.scrollWidth > d.clientWidth ? 'page ' + d.scrollWidth : '';");
    assertEquals("", overflow, "wider than the screen");
    alice.assertAccessible("files " + size);
    alice.screenshot(SHOTS, "files-" + size + ".png");
    alice.button("Remove notes.txt").click();
    Browser.type(alice.field("Message"), "");
    alice.assertNothingRan();
  }

  /**
   * Pastes into (arguments[1]: the message field) or drops on (the message list) one file made
   * in the page from base64, as a browser's clipboard or drag and drop would hand it over.
   */
  static final String SYNTHETIC = String.join("\n",
      "const [kind, target, name, type, base64] = arguments;",
      "const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));",
      "const data = new DataTransfer();",
      "data.items.add(new File([bytes], name, { type }));",
      "const init = { bubbles: true, cancelable: true };",
      "if (kind === 'paste') {",
      "  target.dispatchEvent(new ClipboardEvent('paste', { ...init, clipboardData: data }));",
      "} else {",
      "  for (const t of ['dragenter', 'dragover', 'drop']) {",
      "    target.dispatchEvent(new DragEvent(t, { ...init, dataTransfer: data }));",
      "  }",
      "}");

  /** Waits until the chips are exactly {@code expected}: "name state, name state". */
  private static void awaitChips(Browser b, String expected) {
    String chips = "return [...document.querySelectorAll('#attachments li.attachment')]"
        + ".map((li) => li.querySelector('.attachment-name').textContent + ' '"
        + " + li.dataset.state).join(', ')";
    try {
      b.awaitTrue("attachments [" + expected + "]", chips + " === arguments[0];", expected);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the chips: [" + b.js(chips + ";") + "] "
          + b.js("return document.querySelector('#attachments').textContent + ' / '"
          + " + document.querySelector('#composer-error').textContent;"), e);
    }
  }

  /** The newest stored message from {@code from} that carries a file named {@code name}. */
  private static WebElement fileMessage(Browser b, String from, String name) {
    return b.await("a message from " + from + " with " + name, d -> {
      Object found = b.js("return [...document.querySelectorAll('[role=log] li.message"
          + "[data-seq]')].reverse().find((li) => li.dataset.from === arguments[0]"
          + " && [...li.querySelectorAll('.message-files img, .message-files .file-name')]"
          + ".some((e) => (e.tagName === 'IMG' ? e.alt : e.textContent) === arguments[1]))"
          + " ?? null;", from, name);
      return found instanceof WebElement el ? el : null;
    });
  }

  /** Waits until the image {@code name} of a message from {@code from} has loaded. */
  private static void awaitImage(Browser b, String from, String name) {
    fileMessage(b, from, name);
    b.awaitTrue("the picture " + name + " loaded", "return [...document.querySelectorAll("
        + "'[role=log] li.message img.file-image')].some((img) => img.alt === arguments[0]"
        + " && img.complete && img.naturalWidth > 0);", name);
  }

  private static byte[] get(String url) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), url);
    return r.body();
  }

  /** A landscape: sky, sun and two hills, as a PNG. */
  static byte[] png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, new Color(0x4d, 0x8f, 0xe8), 0, height,
        new Color(0xf6, 0xc9, 0x8a)));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(0xff, 0xe0, 0x66));
    g.fillOval(width * 6 / 10, height / 6, height / 4, height / 4);
    g.setColor(new Color(0x3f, 0x8f, 0x4f));
    g.fillOval(-width / 4, height * 6 / 10, width, height);
    g.setColor(new Color(0x2f, 0x72, 0x3d));
    g.fillOval(width / 3, height * 7 / 10, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(7).nextBytes(bytes);
    return bytes;
  }
}
