package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --log-format json}: from start to stop, through a registration, a login, a refused
 * hostile name and closes, every line the server writes is one JSON object with time, level,
 * logger and message, and the lines about a connection carry its address and user.
 */
class JsonLogsIT {
  @TempDir Path tmp;

  @Test
  void everyLineIsOneJsonObjectAndConnectionLinesNameTheirUser() throws Exception {
    List<JsonObject> lines = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"), "--log-format",
        "json")) {
      WireClient.connect(server.wsUri()).register("alice").close();
      WireClient again = WireClient.connect(server.wsUri());
      again.login("alice", WireClient.PASSWORD);
      again.close();
      try (WireClient hostile = WireClient.connect(server.wsUri())) {
        JsonObject reply = hostile.request(Frames.of("type", "register", "user",
            "x\"}\n{\"level\":\"ERROR\"\u2028\u0000", "password", WireClient.PASSWORD));
        assertEquals("error", reply.get("type").getAsString(), reply.toString());
      }
      assertEquals(0, server.terminate());
      for (String line : server.output().lines().toList()) {
        JsonElement parsed;
        try {
          parsed = JsonParser.parseString(line);
        } catch (RuntimeException e) {
          throw new AssertionError("not JSON: " + line, e);
        }
        assertTrue(parsed.isJsonObject(), line);
        JsonObject o = parsed.getAsJsonObject();
        for (String field : List.of("time", "level", "logger", "message")) {
          assertTrue(o.has(field) && o.get(field).isJsonPrimitive(), field + " in " + line);
        }
        assertTrue(List.of("DEBUG", "INFO", "WARN").contains(o.get("level").getAsString()),
            "not the server's fault, so no ERROR: " + line);
        lines.add(o);
      }
    }
    assertTrue(lines.stream().anyMatch(o -> o.get("message").getAsString()
        .startsWith("chat server ready")), "the start is logged: " + lines);
    assertTrue(lines.stream().anyMatch(o -> o.get("message").getAsString()
        .equals("registered user alice") && "alice".equals(string(o, "user"))), lines.toString());
    List<JsonObject> closes = lines.stream()
        .filter(o -> o.get("logger").getAsString().equals("chat.transport.ws.WsServer")
            && o.get("message").getAsString().startsWith("close "))
        .toList();
    assertTrue(closes.stream().filter(o -> "alice".equals(string(o, "user"))).count() >= 2,
        "both of alice's connections' closes name her: " + closes);
    assertTrue(closes.stream().allMatch(o -> string(o, "remote") != null
        && string(o, "remote").contains("127.0.0.1")), closes.toString());
    assertTrue(lines.stream().anyMatch(o -> o.get("message").getAsString().equals("stopped")),
        "the stop is logged: " + lines);
  }

  private static String string(JsonObject o, String field) {
    return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : null;
  }
}
