package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.protocol.Event;
import chat.protocol.FileInfo;
import chat.protocol.Result;
import com.google.gson.JsonArray;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Files in the SDK against a scripted server: a send names its files' ids; every message handed
 * out carries absolute file URLs, resolved against the HTTP origin (by default the WebSocket's
 * host and port as http, or the one given); the origin option refuses what is not an origin.
 */
class FilesRequestsTest extends ScriptedServerTest {
  private static final String FILE = "{\"id\":\"f1\",\"name\":\"cat.png\",\"size\":3,"
      + "\"type\":\"image/png\",\"url\":\"/files/f1\"}";
  private FakeServer.Conn conn;

  private void connect(ChatClient.Builder builder) throws Exception {
    client = builder.build();
    client.connect();
    conn = server.accept();
    conn.acceptLoginWithRevs("e1", "#general", 12, 2);
    client.connect().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aSendNamesItsFilesAndMessagesCarryAbsoluteUrls() throws Exception {
    connect(builder());
    FileInfo uploaded = new FileInfo("f1", "cat.png", 3, "image/png", "http://x/files/f1");

    CompletableFuture<Result.Sent> sent = client.send("#general", "", List.of(uploaded));
    FakeServer.Frame f = conn.expect("send");
    JsonArray files = new JsonArray();
    files.add("f1");
    assertEquals(files, f.json().get("files"));
    assertEquals("", f.str("text"));
    conn.ok(f, "\"conv\":\"#general\",\"seq\":13,\"ts\":1,\"cid\":\"" + f.str("cid") + "\"");
    assertEquals(13, sent.get(10, TimeUnit.SECONDS).seq());

    conn.send("{\"type\":\"message\",\"conv\":\"#general\",\"seq\":13,\"from\":\"alice\","
        + "\"text\":\"\",\"ts\":1,\"cid\":\"" + f.str("cid") + "\",\"files\":[" + FILE + "]}");
    Event.Message m = recorder.next(Event.Message.class);
    String origin = "http://" + server.uri().getRawAuthority();
    assertEquals(List.of(new FileInfo("f1", "cat.png", 3, "image/png", origin + "/files/f1")),
        m.files());

    CompletableFuture<Result.History> history = client.history("#general", 12L, null, null);
    FakeServer.Frame h = conn.expect("history");
    conn.ok(h, "\"conv\":\"#general\",\"more\":false,\"messages\":[{\"type\":\"message\","
        + "\"conv\":\"#general\",\"seq\":13,\"from\":\"alice\",\"text\":\"\",\"ts\":1,"
        + "\"cid\":\"c\",\"files\":[" + FILE + "]}]");
    assertEquals(origin + "/files/f1",
        history.get(10, TimeUnit.SECONDS).messages().get(0).files().get(0).url());
  }

  @Test
  void aGivenOriginIsWhereUrlsPoint() throws Exception {
    connect(builder().httpOrigin(URI.create("https://files.example:8443/")));

    conn.send("{\"type\":\"update\",\"conv\":\"#general\",\"seq\":12,\"rev\":3,\"by\":\"bob\","
        + "\"action\":\"react\",\"message\":{\"conv\":\"#general\",\"seq\":12,\"from\":\"bob\","
        + "\"text\":\"\",\"ts\":1,\"cid\":\"b1\",\"files\":[" + FILE + "]}}");

    assertEquals("https://files.example:8443/files/f1",
        recorder.next(Event.Update.class).message().files().get(0).url());
  }

  @Test
  void theDefaultOriginIsTheWebSocketsHostAndPort() {
    assertEquals(URI.create("https://chat.example.org"),
        FileUrls.defaultOrigin(URI.create("wss://chat.example.org/ws")));
    assertEquals(URI.create("http://localhost:8081"),
        FileUrls.defaultOrigin(URI.create("ws://localhost:8081/ws")));
  }

  @Test
  void anOriginHasNoPath() {
    ChatClient.Builder b = ChatClient.builder(URI.create("ws://localhost:8081/ws"));
    for (String bad : List.of("ftp://x", "http://x/files", "http://x?a=1", "localhost:8080")) {
      assertThrows(IllegalArgumentException.class, () -> b.httpOrigin(URI.create(bad)), bad);
    }
    b.httpOrigin(URI.create("http://localhost:8080"));
  }
}
