package chat.server.it.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.PageLoadStrategy;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Debian Chromium with its own fresh profile (so its own localStorage), driven
 * through /usr/bin/chromedriver. Nothing is downloaded: the driver and the browser binary are
 * given explicitly, so Selenium Manager never runs.
 *
 * <p>Every page gets a hook before its own scripts run that records calls to alert, confirm and
 * prompt, Content-Security-Policy violations, and any script, img, iframe, object or embed
 * element (or element with an on* attribute) that is ever added to the document; {@link
 * #assertNothingRan} checks that the only such elements are the page's own. It also counts the
 * WebSockets the page opens ({@link #socketsOpened}), to see that a page stopped reconnecting.
 *
 * <p>Elements the issue names by their label are found by their computed accessible name, so a
 * test fails if a label changes.
 */
final class Browser implements AutoCloseable {
  /** Debian's packages chromium and chromium-driver; -Dchat.chromium=… elsewhere. */
  static final Path CHROMIUM = Path.of(System.getProperty("chat.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("chat.chromedriver",
      "/usr/bin/chromedriver"));
  static final Duration WAIT = Duration.ofSeconds(15);

  /** Runs before any script of every document: records what XSS would do. */
  private static final String HOOK = String.join("\n",
      "(() => {",
      "  const log = [];",
      "  Object.defineProperty(window, '__xss', { value: log });",
      "  const sockets = [];", // every WebSocket the page opens, to see that it stops reconnecting
      "  Object.defineProperty(window, '__sockets', { value: sockets });",
      "  const NativeSocket = window.WebSocket;",
      "  window.WebSocket = class extends NativeSocket {",
      "    constructor(...args) { super(...args); sockets.push(String(args[0])); }",
      "  };",
      "  for (const name of ['alert', 'confirm', 'prompt', 'print']) {",
      "    window[name] = (...args) => { log.push(name + '(' + args.join(',') + ')'); };",
      "  }",
      "  document.addEventListener('securitypolicyviolation', (e) => {",
      "    log.push('csp ' + e.effectiveDirective + ' ' + e.blockedURI + ' ' + e.sample);",
      "  });",
      "  const own = (el) => (el.tagName === 'IMG' && el.getAttribute('src') === 'favicon.svg')",
      "    || (el.tagName === 'SCRIPT' && el.getAttribute('src') === 'js/app.js');",
      "  const check = (el) => {",
      "    if (!(el instanceof Element)) return;",
      "    const bad = /^(SCRIPT|IMG|IFRAME|OBJECT|EMBED)$/.test(el.tagName) && !own(el);",
      "    const handler = [...el.attributes].some((a) => /^on/i.test(a.name));",
      "    if (bad || handler) log.push('element ' + el.outerHTML.slice(0, 200));",
      "    for (const child of el.children) check(child);",
      "  };",
      "  new MutationObserver((records) => {",
      "    for (const r of records) for (const n of r.addedNodes) check(n);",
      "  }).observe(document, { childList: true, subtree: true });",
      "})();");

  static {
    // The CDP version warnings are noise: these tests use only chromedriver's own endpoints.
    Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
  }

  /** Browsers shared by the test classes of this JVM, by slot; quit when the JVM exits. */
  private static final Map<Integer, CompletableFuture<Browser>> SHARED = new HashMap<>();
  private static Path sharedDir;

  /** What failure messages call it: the user it plays in the current test class. */
  volatile String name;
  final ChromeDriver driver;
  final Path profile;
  final WebDriverWait wait;
  private boolean shared;

  /**
   * Skips the calling test (a JUnit assumption) when Chromium or its driver is missing, unless
   * {@code -Dchat.browser.required=true}, when it fails instead (as in CI).
   */
  static void assumeAvailable() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (present) {
      return;
    }
    String why = "browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
        + " (apt-get install chromium chromium-driver)";
    if (Boolean.getBoolean("chat.browser.required")) {
      fail(why + "; chat.browser.required=true");
    }
    Assumptions.abort(why);
  }

  /**
   * The browser in {@code slot} (0, 1, …), started on first use and shared by the test classes
   * of this JVM: starting Chromium costs seconds, and each class's server has its own port, so
   * its own origin and so its own storage. {@link #close} gives it back (blank page, default
   * viewport); it quits when the JVM exits.
   */
  static Browser shared(int slot, String label) throws Exception {
    try {
      Browser b = sharedAsync(slot).get(60, TimeUnit.SECONDS);
      b.name = label;
      return b;
    } catch (ExecutionException e) {
      synchronized (Browser.class) {
        SHARED.remove(slot);
      }
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  static synchronized CompletableFuture<Browser> sharedAsync(int slot) {
    assumeAvailable();
    return SHARED.computeIfAbsent(slot, s -> {
      if (sharedDir == null) {
        try {
          sharedDir = Files.createTempDirectory("chat-browsers-");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(Browser::quitShared, "quit-browsers"));
      }
      return startAsync("browser" + s, sharedDir, 1280, 800).thenApply(b -> {
        b.shared = true;
        return b;
      });
    });
  }

  private static void quitShared() {
    List<CompletableFuture<Browser>> all;
    synchronized (Browser.class) {
      all = new ArrayList<>(SHARED.values());
      SHARED.clear();
    }
    for (CompletableFuture<Browser> f : all) {
      try {
        f.get(30, TimeUnit.SECONDS).quit();
      } catch (Exception | Error e) {
        // did not start, or is gone already
      }
    }
    if (sharedDir != null) {
      deleteQuietly(sharedDir);
    }
  }

  /** {@link #start} on another thread, so a test can start browsers and servers at once. */
  static CompletableFuture<Browser> startAsync(String name, Path workDir, int width,
      int height) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return start(name, workDir, width, height);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** A new browser with a fresh profile in {@code workDir}, its window {@code width x height}. */
  static Browser start(String name, Path workDir, int width, int height) throws IOException {
    assumeAvailable();
    Path profile = Files.createTempDirectory(workDir, "chromium-" + name + "-");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withLogFile(profile.resolve("chromedriver.log").toFile())
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-extensions", "--disable-default-apps", "--no-default-browser-check",
        "--password-store=basic", "--lang=en-US",
        "--window-size=" + width + "," + height,
        "--user-data-dir=" + profile.toAbsolutePath());
    // An alert must stay visible to the test (not be dismissed silently).
    options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
    options.setPageLoadStrategy(PageLoadStrategy.NORMAL);
    ChromeDriver driver = new ChromeDriver(service, options);
    try {
      driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", HOOK));
      return new Browser(name, driver, profile);
    } catch (RuntimeException e) {
      driver.quit();
      throw e;
    }
  }

  private Browser(String name, ChromeDriver driver, Path profile) {
    this.name = name;
    this.driver = driver;
    this.profile = profile;
    this.wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(50));
    this.wait.ignoring(StaleElementReferenceException.class);
  }

  // --- basics ----------------------------------------------------------------------------------

  void open(URI uri) {
    driver.get(uri.toString());
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  <T> T await(String what, Function<WebDriver, T> condition) {
    return await(WAIT, what, condition);
  }

  <T> T await(Duration timeout, String what, Function<WebDriver, T> condition) {
    WebDriverWait w = timeout.equals(WAIT) ? wait
        : new WebDriverWait(driver, timeout, Duration.ofMillis(50));
    w.ignoring(StaleElementReferenceException.class);
    try {
      return w.until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(name + ": timed out after " + timeout.toSeconds()
          + " s waiting for " + what + "; page state: " + describe(), e);
    }
  }

  /** Waits (bounded) until {@code script} returns true in the page. */
  void awaitTrue(String what, String script, Object... args) {
    awaitTrue(WAIT, what, script, args);
  }

  void awaitTrue(Duration timeout, String what, String script, Object... args) {
    await(timeout, what, d -> Boolean.TRUE.equals(js(script, args)) ? Boolean.TRUE : null);
  }

  /** A short dump for failure messages: the view, connection state, errors, xss log. */
  String describe() {
    try {
      return String.valueOf(js("const q = (s) => document.querySelector(s);"
          + "return JSON.stringify({view: q('#app')?.dataset.view,"
          + " conn: q('#connection-status')?.dataset.state,"
          + " me: q('#me-name')?.textContent, login: q('#login-error')?.textContent,"
          + " conv: q('#messages')?.dataset.conv,"
          + " messages: [...document.querySelectorAll('#messages li.message')].slice(-6)"
          + "   .map((li) => li.dataset.from + '/' + li.dataset.state + ': '"
          + "   + li.querySelector('.message-text')?.textContent),"
          + " list: [...document.querySelectorAll('#conversation-list button')]"
          + "   .map((b) => b.dataset.conv + '(' + b.dataset.unread + ')'),"
          + " goto: q('#goto-error')?.textContent, xss: window.__xss})"));
    } catch (RuntimeException e) {
      return "(unavailable: " + e.getMessage() + ")";
    }
  }

  // --- finding things the way a person (or a screen reader) does ---------------------------------

  /**
   * The visible form control (input, textarea, select) whose accessible name is {@code label}.
   */
  WebElement field(String label) {
    return await("a field labelled \"" + label + "\"",
        d -> byName("input, textarea, select", label));
  }

  /** The visible button whose accessible name is {@code label}. */
  WebElement button(String label) {
    return await("a button named \"" + label + "\"", d -> byName("button", label));
  }

  /** The visible element matching {@code css} with accessible name {@code label}, or null. */
  WebElement byName(String css, String label) {
    for (WebElement el : visible(css)) {
      if (label.equals(el.getAccessibleName())) {
        return el;
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  List<WebElement> visible(String css) {
    Object found = js("return [...document.querySelectorAll(arguments[0])]"
        + ".filter((e) => e.getClientRects().length > 0"
        + " && getComputedStyle(e).visibility !== 'hidden');", css);
    return found == null ? List.of() : new ArrayList<>((List<WebElement>) found);
  }

  /** The message list: found by its role, log. */
  WebElement messageLog() {
    WebElement log = await("the message list (role=log)",
        d -> visible("[role='log']").stream().findFirst().orElse(null));
    assertEquals("log", log.getAriaRole(), "the message list's role");
    return log;
  }

  /** The conversation list's navigation landmark, found by its role and name. */
  WebElement conversationsNav() {
    return await("a navigation landmark named Conversations", d -> {
      for (WebElement el : visible("nav, [role='navigation']")) {
        if ("navigation".equals(el.getAriaRole())
            && "Conversations".equals(el.getAccessibleName())) {
          return el;
        }
      }
      return null;
    });
  }

  /** Types into a field: clears it first, then sends the keys as a person would. */
  static void type(WebElement field, String text) {
    field.clear();
    field.sendKeys(text);
  }

  // --- the chat's flows --------------------------------------------------------------------------

  /** Fills the sign-in form and presses Create account (or Sign in); waits for the chat. */
  void signIn(String user, String password, boolean create) {
    type(field("Username"), user);
    type(field("Password"), password);
    button(create ? "Create account" : "Sign in").click();
    awaitSignedIn(user);
  }

  void awaitSignedIn(String user) {
    awaitTrue("signed in as " + user + " and online",
        "const v = document.querySelector('#chat-view');"
            + "return !v.hidden && document.querySelector('#me-name').textContent === arguments[0]"
            + " && document.querySelector('#connection-status').dataset.state === 'online';",
        user);
  }

  /** Uses "Go to" with {@code target} (@user or #room) and waits until it is open. */
  void goTo(String target) {
    WebElement input = field("Go to");
    type(input, target);
    input.sendKeys(Keys.ENTER);
    awaitOpen(target);
  }

  void awaitOpen(String conv) {
    awaitTrue(conv + " open", "const t = document.querySelector('#conversation-title');"
        + "return !document.querySelector('#conversation-pane').hidden"
        + " && t.textContent === arguments[0]"
        + " && document.querySelector('#messages').dataset.conv === arguments[0];", conv);
  }

  /** Clicks the conversation in the list (in the Conversations landmark). */
  void openFromList(String conv) {
    WebElement nav = conversationsNav();
    WebElement item = await(conv + " in the conversation list", d -> nav.findElements(
        By.cssSelector("button.conv-item[data-conv='" + conv + "']")).stream()
        .findFirst().orElse(null));
    item.click();
    awaitOpen(conv);
  }

  /** Types into the composer (labelled Message) and presses Enter (or clicks Send). */
  void send(String text, boolean withEnter) {
    WebElement composer = field("Message");
    type(composer, text);
    if (withEnter) {
      composer.sendKeys(Keys.ENTER);
    } else {
      button("Send").click();
    }
  }

  /**
   * Waits until the open conversation shows a stored (seq'd) message from {@code from}; one
   * being edited in place has no text to match until it is saved.
   */
  void awaitMessage(String from, String text) {
    awaitTrue("a message from " + from + ": " + text,
        "return [...document.querySelectorAll('[role=log] li.message')].some((li) =>"
            + " li.dataset.state === 'sent' && li.dataset.seq && li.dataset.from === arguments[0]"
            + " && li.querySelector('.message-text')?.textContent === arguments[1]);",
        from, text);
  }

  /** The texts of the open conversation's messages, oldest first. */
  @SuppressWarnings("unchecked")
  List<String> messageTexts() {
    return (List<String>) js("return [...document.querySelectorAll('[role=log] li.message"
        + " .message-text')].map((p) => p.textContent);");
  }

  /** How many WebSockets this page has opened since it loaded. */
  long socketsOpened() {
    return ((Number) js("return window.__sockets.length;")).longValue();
  }

  String connectionState() {
    return String.valueOf(js("return document.querySelector('#connection-status')"
        + ".dataset.state;"));
  }

  /**
   * Asserts that no script ran from data: no alert (real or hooked), no CSP violation, no
   * element that could run code added to the page.
   */
  void assertNothingRan() {
    try {
      String text = driver.switchTo().alert().getText();
      fail(name + ": an alert is open: " + text);
    } catch (NoAlertPresentException expected) {
      // good
    }
    Object log = js("return window.__xss;");
    assertTrue(log instanceof List<?> l && l.isEmpty(),
        name + ": the page recorded " + log);
  }

  /**
   * Runs axe-core on the page as it is now and fails, naming {@code view}, on any serious or
   * critical violation (see {@link Axe}).
   */
  void assertAccessible(String view) {
    Axe.assertAccessible(this, view);
  }

  /** Writes a PNG of the viewport to {@code dir/fileName} (if screenshots were asked for). */
  void screenshot(Path dir, String fileName) throws IOException {
    if (dir == null) {
      return;
    }
    Files.createDirectories(dir);
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    Files.write(dir.resolve(fileName), png);
  }

  /** Sets the viewport (not the window) to exactly width x height CSS pixels. */
  void viewport(int width, int height, double scale, boolean mobile) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
        "width", width, "height", height, "deviceScaleFactor", scale, "mobile", mobile));
  }

  /** A shared browser is reset for the next test class (or quit if that fails); others quit. */
  @Override
  public void close() {
    if (!shared) {
      quit();
      return;
    }
    try {
      driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
      driver.get("about:blank");
    } catch (RuntimeException e) {
      synchronized (Browser.class) {
        SHARED.values().removeIf(f -> f.getNow(null) == this);
      }
      quit();
    }
  }

  void quit() {
    try {
      driver.quit();
    } finally {
      deleteQuietly(profile);
    }
  }

  static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException | RuntimeException e) {
      // a temp folder: the OS cleans up what is left
    }
  }

  /** Where screenshots go: -Dchat.screenshots.dir (relative to the repository), else null. */
  static Path screenshotDir() {
    String dir = System.getProperty("chat.screenshots.dir", "").strip();
    if (dir.isEmpty() || dir.startsWith("${")) {
      return null;
    }
    Path path = Path.of(dir);
    if (!path.isAbsolute()) {
      path = Path.of(System.getProperty("chat.repo.dir", "..")).resolve(path);
    }
    return path.toAbsolutePath().normalize();
  }
}
