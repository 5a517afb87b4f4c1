package chat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebServerUnitTest {

  @Test
  void onlyPlainRelativePathsAreServed() {
    assertTrue(StaticFiles.isSafe("/index.html"));
    assertTrue(StaticFiles.isSafe("/js/app.js"));
    for (String bad : new String[] {"/../etc/passwd", "/a/../../b", "/.git/config", "//etc",
        "/a\\b", "/.env", "/a/./b", "relative.html", "/x\0.html", "/test/logic.test.js"}) {
      assertFalse(StaticFiles.isSafe(bad), bad);
    }
  }

  @Test
  void filesOutsideTheWebFolderAreNotFoundEvenThroughLinks(@TempDir Path dir) throws Exception {
    Path web = Files.createDirectory(dir.resolve("web"));
    Files.writeString(web.resolve("index.html"), "<p>hi</p>");
    Files.writeString(dir.resolve("secret.txt"), "secret");
    Files.writeString(web.resolve("app.exe"), "binary");
    StaticFiles files = new StaticFiles(web);

    assertEquals("<p>hi</p>", new String(files.get("/").orElseThrow().bytes()));
    assertTrue(files.get("/../secret.txt").isEmpty());
    assertTrue(files.get("/app.exe").isEmpty(), "unknown types are not served");
    assertTrue(files.get("/missing.html").isEmpty());
  }

  @Test
  void theWebClientsUnitTestsAreNotServedFromAFolder(@TempDir Path web) throws Exception {
    Files.createDirectory(web.resolve("test"));
    Files.writeString(web.resolve("test/logic.test.js"), "test('x', () => {});");
    Files.writeString(web.resolve("test/fixture.json"), "{}");
    Files.writeString(web.resolve("testing.js"), "ok");
    StaticFiles files = new StaticFiles(web);

    assertTrue(files.get("/test/logic.test.js").isEmpty());
    assertTrue(files.get("/test/fixture.json").isEmpty());
    assertTrue(files.get("/TEST/logic.test.js").isEmpty(), "case-insensitive file systems");
    assertFalse(files.get("/testing.js").isEmpty(), "only the folder named test");
  }

  @Test
  void theWebClientsUnitTestsAreNotServedFromTheJar() throws Exception {
    StaticFiles files = new StaticFiles(null);

    assertFalse(files.get("/").isEmpty(), "the jar's copy of the web client is on the classpath");
    assertTrue(files.get("/test/logic.test.js").isEmpty());
    assertTrue(files.get("/test/fakes.js").isEmpty());
    assertNull(StaticFiles.class.getResource("/web/test/logic.test.js"),
        "web/test/ is left out of the jar");
  }

  @Test
  void theHostHeaderIsReducedToAPlainHostName() {
    assertEquals("chat.example.org", WebServer.hostOnly("chat.example.org:8080"));
    assertEquals("127.0.0.1", WebServer.hostOnly("127.0.0.1"));
    assertEquals("[::1]", WebServer.hostOnly("[::1]:8080"));
    assertNull(WebServer.hostOnly("evil.test\"><script>"));
    assertNull(WebServer.hostOnly("a b"));
    assertNull(WebServer.hostOnly(null));
  }

  @Test
  void cspAllowsOnlyOwnScriptsAndTheWebSocket() {
    String csp = WebServer.csp("ws://localhost:8081/ws");

    assertTrue(csp.contains("script-src 'self'"), csp);
    assertTrue(csp.contains("connect-src 'self' ws://localhost:8081/ws"), csp);
    assertTrue(csp.contains("frame-ancestors 'none'"), csp);
    assertFalse(WebServer.csp("ws://x; script-src *").contains("; script-src *"),
        "a configured URL cannot inject directives");
  }

  @Test
  void configJsonEscapesTheUrl() throws Exception {
    assertEquals("{\"wsUrl\":\"wss://chat.example.org/ws\",\"httpUrl\":\"/\"}\n",
        WebServer.configJson("wss://chat.example.org/ws"));
  }
}
