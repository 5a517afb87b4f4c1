package chat.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;

/**
 * The JSON log binding on its own: whatever a message holds, one event is one line of valid
 * printable-ASCII JSON that gives back exactly the text; fields and levels as configured.
 */
class JsonLogTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final BasicMDCAdapter mdc = new BasicMDCAdapter();
  private final JsonLines lines = new JsonLines(new PrintStream(bytes, true,
      StandardCharsets.UTF_8));

  private List<String> output() {
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\n"), text);
    return text.lines().toList();
  }

  @Test
  void anyTextStaysOneLineOfJsonAndComesBackExactly() {
    String hostile = "a \"quote\" \\ back\nslash\r\n{\"level\":\"ERROR\"}\t\u0000\u001b[31m"
        + " \u2028 \u007f zo\u00eb \ud83d\ude00 lone \ud800 end";
    JsonLogger logger = new JsonLogger("chat.Test", Level.INFO.toInt(), lines, mdc);
    mdc.put("user", "name\n\"}");
    logger.info("said {} and {}", hostile, 42, new IllegalStateException("boom\nline two"));
    mdc.clear();

    List<String> out = output();
    assertEquals(1, out.size(), out.toString());
    String line = out.get(0);
    assertTrue(line.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), line);
    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
    assertEquals("said " + hostile + " and 42", o.get("message").getAsString());
    assertEquals("INFO", o.get("level").getAsString());
    assertEquals("chat.Test", o.get("logger").getAsString());
    assertTrue(o.get("time").getAsString().matches(
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), o.get("time").getAsString());
    assertEquals("name\n\"}", o.get("user").getAsString());
    assertTrue(o.get("exception").getAsString().startsWith(
        "java.lang.IllegalStateException: boom\nline two\n\tat "), o.get("exception").toString());
  }

  @Test
  void fieldsNeverReplaceTheEventsOwnAndNullIsNull() {
    JsonLogger logger = new JsonLogger("chat.Test", Level.INFO.toInt(), lines, mdc);
    mdc.put("level", "forged");
    mdc.put("user", null);
    logger.atInfo().addKeyValue("code", 1000).addKeyValue("message", "forged").log("real");
    mdc.clear();

    JsonObject o = JsonParser.parseString(output().get(0)).getAsJsonObject();
    assertEquals("INFO", o.get("level").getAsString());
    assertEquals("real", o.get("message").getAsString());
    assertTrue(o.get("user").isJsonNull());
    assertEquals(1000, o.get("code").getAsInt());
  }

  @Test
  void levelsAreSlf4jSimplesSettingsNearestParentFirst() {
    Properties p = new Properties();
    p.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    p.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    p.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty.util.HostPort", "error");
    p.setProperty("org.slf4j.simpleLogger.log.org.java_websocket", "off");
    LogLevels levels = LogLevels.from(p);
    assertEquals(Level.INFO.toInt(), levels.of("chat.core.AuthService"));
    assertEquals(Level.WARN.toInt(), levels.of("org.eclipse.jetty.server.Server"));
    assertEquals(Level.ERROR.toInt(), levels.of("org.eclipse.jetty.util.HostPort"));
    assertEquals(LogLevels.OFF, levels.of("org.java_websocket.WebSocketImpl"));

    JsonLogger jetty = new JsonLogger("org.eclipse.jetty.server.Server",
        levels.of("org.eclipse.jetty.server.Server"), lines, mdc);
    jetty.info("not logged");
    jetty.debug("not logged");
    jetty.warn("logged");
    assertEquals(1, output().size());
  }

  @Test
  void theServersOwnSettingsAreRead() {
    LogLevels levels = LogLevels.load(JsonLogTest.class.getClassLoader());
    assertEquals(LogLevels.OFF, levels.of("org.java_websocket.WebSocketImpl"));
    assertEquals(Level.INFO.toInt(), levels.of("chat.transport.ws.WsServer"));
  }
}
