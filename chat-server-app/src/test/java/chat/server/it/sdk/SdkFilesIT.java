package chat.server.it.sdk;

import static chat.server.it.sdk.Errors.assertError;
import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.password;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.Recorder;
import chat.client.cli.ChatCli;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.FileInfo;
import chat.server.it.ServerProcess;
import chat.server.it.SharedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files through the SDK and the command line against the packaged server: upload a file from
 * disk and from memory, send them, receive them with absolute URLs that serve the bytes, and the
 * server's refusals as typed errors.
 */
class SdkFilesIT {
  private static final int MAX = 200_000;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @RegisterExtension
  static final SharedServer shared =
      new SharedServer(Sdk.fast("--max-upload-bytes", String.valueOf(MAX)));
  @TempDir static Path tmp;
  static URI origin;

  @BeforeAll
  static void findOrigin() {
    URI page = server().httpUri("/");
    origin = URI.create("http://" + page.getRawAuthority());
  }

  private static ServerProcess server() {
    return shared.process();
  }

  private static ChatClient connected(String user, Recorder inbox) throws Exception {
    ChatClient c = Sdk.client(server().wsUri(), user, inbox).httpOrigin(origin).build();
    await(c.connect());
    return c;
  }

  private static byte[] download(String url) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), url);
    return r.body();
  }

  @Test
  void uploadedFilesAreSentReceivedWithAbsoluteUrlsAndDownloaded() throws Exception {
    byte[] photo = new byte[150_000];
    new Random(7).nextBytes(photo);
    Path file = tmp.resolve("holiday photo.png");
    Files.write(file, photo);
    Recorder bobInbox = new Recorder();
    try (ChatClient alice = connected("alice20", new Recorder());
        ChatClient bob = connected("bob20", bobInbox)) {
      FileInfo fromDisk = await(alice.upload(file));
      FileInfo fromMemory = await(alice.upload("notes".getBytes(StandardCharsets.UTF_8),
          "notes.txt", "text/plain"));
      assertEquals("holiday photo.png", fromDisk.name());
      assertEquals(photo.length, fromDisk.size());
      assertEquals("image/png", fromDisk.type());
      assertEquals(origin + "/files/" + fromDisk.id(), fromDisk.url());

      long seq = await(alice.send("@bob20", "from the beach",
          List.of(fromDisk, fromMemory))).seq();

      Event.Message m = bobInbox.nextMessage("@alice20");
      assertEquals(seq, m.seq());
      assertEquals(List.of(fromDisk, fromMemory), m.files(), "absolute URLs, as uploaded");
      assertArrayEquals(photo, download(m.files().get(0).url()));
      assertArrayEquals("notes".getBytes(StandardCharsets.UTF_8),
          download(m.files().get(1).url()));
      assertEquals(m.files(), await(bob.history("@alice20", null, null, null)).messages()
          .get(0).files());
    }
  }

  @Test
  void refusalsAreTypedErrors() throws Exception {
    try (ChatClient alice = connected("alice21", new Recorder());
        ChatClient bob = connected("bob21", new Recorder())) {
      assertError(ErrorCode.TOO_LARGE, alice.upload(new byte[MAX + 1], "big.bin",
          "application/octet-stream"));
      FileInfo bobs = await(bob.upload(new byte[] {1}, "b.bin", "application/octet-stream"));
      assertError(ErrorCode.BAD_REQUEST, alice.send("@bob21", "", List.of(bobs)));
      assertError(ErrorCode.BAD_REQUEST, alice.upload(new byte[] {1}, "a/b",
          "application/octet-stream"));
    }
  }

  @Test
  void theCommandLineUploadsAndSends() throws Exception {
    Path file = tmp.resolve("report.txt");
    Files.writeString(file, "quarterly numbers");
    ok("carol22", "--register", "token");
    ok("dave22", "--register", "token");

    String[] lines = ok("carol22", "upload", file.toString(), "@dave22", "the", "report")
        .split("\n");

    assertEquals("1", lines[0]);
    assertTrue(lines[1].startsWith(origin + "/files/"), lines[1]);
    assertEquals("quarterly numbers", new String(download(lines[1]), StandardCharsets.UTF_8));
    String history = ok("dave22", "history", "@carol22");
    assertTrue(history.endsWith(" carol22: the report [file report.txt 17 " + lines[1] + "]"),
        history);
  }

  private static String ok(String user, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ChatCli.run(args, Map.of("CHAT_SERVER", server().wsUri().toString(),
            "CHAT_HTTP", origin.toString(), "CHAT_USER", user, "CHAT_PASSWORD", password(user)),
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8).strip();
  }
}
