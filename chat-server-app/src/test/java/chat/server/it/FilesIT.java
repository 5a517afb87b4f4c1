package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROTOCOL.md "Files and images" against the packaged server with its default SQLite store:
 * upload over HTTP with the login token, send, receive, download; the limits (401, 413 also for a
 * huge declared length before any byte is read); the headers that keep an uploaded HTML or SVG
 * file from running script on the server's origin; CORS for allowed origins only; someone else's
 * file refused in a send; a deleted message's file gone, from the URL and from the data
 * directory, also after a restart; and slow uploaders holding no thread from anyone else.
 */
class FilesIT {
  static final String PAGES = "https://pages.example.org";
  private static final int MAX = 100_000;
  private static final Duration PROMPT = Duration.ofSeconds(5);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(PROMPT).build();

  @RegisterExtension
  static final SharedServer shared = new SharedServer("--max-upload-bytes", String.valueOf(MAX),
      "--allowed-origins", PAGES, "--registrations-per-ip-per-hour", "1000",
      "--max-uploads-per-ip", "100"); // every client here is on 127.0.0.1

  @TempDir Path tmp;

  // Helpers

  static HttpResponse<String> upload(ServerProcess server, String token, String name,
      String type, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.httpUri("/files")).timeout(PROMPT)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (name != null) {
      b.header("X-File-Name", URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Uploads and returns the file's id, asserting 201 and the answer's fields. */
  static String uploaded(ServerProcess server, String token, String name, String type,
      byte[] body) throws Exception {
    HttpResponse<String> r = upload(server, token, name, type, body);
    assertEquals(201, r.statusCode(), r.body());
    JsonObject file = JsonParser.parseString(r.body()).getAsJsonObject();
    assertEquals(name, file.get("name").getAsString());
    assertEquals(body.length, file.get("size").getAsLong());
    String id = file.get("file").getAsString();
    assertTrue(id.matches("[A-Za-z0-9_-]{22,}"), "url-safe, at least 128 bits: " + id);
    return id;
  }

  static JsonObject sendFiles(String to, String text, String... ids) {
    JsonObject send = Frames.of("type", "send", "to", to, "text", text, "cid",
        WireClients.unique("cid"));
    JsonArray files = new JsonArray();
    for (String id : ids) {
      files.add(id);
    }
    send.add("files", files);
    return send;
  }

  static HttpResponse<byte[]> get(ServerProcess server, String path, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.httpUri(path)).timeout(PROMPT).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(n).nextBytes(bytes);
    return bytes;
  }

  private static String code(HttpResponse<String> r) {
    return JsonParser.parseString(r.body()).getAsJsonObject().get("code").getAsString();
  }

  /** The HTTP status line of a raw request (head, then body bytes), read within PROMPT. */
  private static String rawStatus(ServerProcess server, String head, byte[] body)
      throws IOException {
    String answer = rawHead(server, head, body);
    return answer.substring(0, answer.indexOf('\r'));
  }

  /** The status line and headers of the answer to {@code head} and {@code body}, as sent. */
  private static String rawHead(ServerProcess server, String head, byte[] body)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.httpUri("/").getPort()), 2_000);
      s.setSoTimeout((int) PROMPT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder answer = new StringBuilder();
      for (int c = in.read(); c != -1; c = in.read()) {
        answer.append((char) c);
        if (answer.length() >= 4 && answer.lastIndexOf("\r\n\r\n") == answer.length() - 4) {
          break;
        }
      }
      return answer.toString();
    }
  }

  // Round trip

  @Test
  void anUploadedImageIsSentReceivedAndDownloaded() throws Exception {
    ServerProcess server = shared.process();
    WireClient alice = shared.wire().user("alice");
    WireClient bob = shared.wire().user("bob");
    String room = Changes.room(alice, bob);
    byte[] png = randomBytes(70_000);

    String id = uploaded(server, alice.token, "cat 🐱.png", "image/png", png);
    JsonObject ok = alice.ok(sendFiles(room, "", id));

    JsonObject message = bob.await("message");
    assertEquals(ok.get("seq").getAsLong(), message.get("seq").getAsLong());
    assertEquals("", message.get("text").getAsString());
    JsonObject file = message.getAsJsonArray("files").get(0).getAsJsonObject();
    assertEquals(id, file.get("id").getAsString());
    assertEquals("cat 🐱.png", file.get("name").getAsString());
    assertEquals(png.length, file.get("size").getAsLong());
    assertEquals("image/png", file.get("type").getAsString());
    assertEquals("/files/" + id, file.get("url").getAsString());
    JsonObject history = bob.ok(Frames.of("type", "history", "conv", room));
    assertEquals(file, history.getAsJsonArray("messages").get(0).getAsJsonObject()
        .getAsJsonArray("files").get(0));

    HttpResponse<byte[]> download = get(server, file.get("url").getAsString());
    assertEquals(200, download.statusCode());
    assertArrayEquals(png, download.body());
    assertEquals("image/png", header(download, "Content-Type"));
    assertEquals(String.valueOf(png.length), header(download, "Content-Length"));
    assertEquals("inline; filename*=UTF-8''cat%20%F0%9F%90%B1.png",
        header(download, "Content-Disposition"));
    assertEquals("nosniff", header(download, "X-Content-Type-Options"));
    assertTrue(header(download, "Content-Security-Policy").contains("sandbox"));
    assertTrue(header(download, "Cache-Control").contains("immutable"));

    HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(server.httpUri("/files/" + id))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, head.statusCode());
    assertEquals(String.valueOf(png.length), header(head, "Content-Length"));
    assertEquals(0, head.body().length);
  }

  @Test
  void helloNamesFilesAndTheUploadLimit() throws Exception {
    JsonObject hello = shared.wire().connect().hello;
    assertTrue(hello.getAsJsonArray("features").toString().contains("\"files\""), hello + "");
    assertEquals(MAX, hello.getAsJsonObject("limits").get("maxUploadBytes").getAsLong());
  }

  @Test
  void aFileNotYetSentIsNotServed() throws Exception {
    WireClient alice = shared.wire().user("alice");
    String id = uploaded(shared.process(), alice.token, "draft.txt", "text/plain",
        "draft".getBytes(StandardCharsets.UTF_8));
    assertEquals(404, get(shared.process(), "/files/" + id).statusCode());
    assertEquals(404, get(shared.process(), "/files/no-such-file-at-all-0123456789").statusCode());
  }

  // Limits

  @Test
  void uploadsNeedAValidToken() throws Exception {
    ServerProcess server = shared.process();
    byte[] body = "x".getBytes(StandardCharsets.UTF_8);
    for (String token : new String[] {null, "", "not-a-token"}) {
      HttpResponse<String> r = upload(server, token, "x.txt", "text/plain", body);
      assertEquals(401, r.statusCode(), r.body());
      assertEquals("unauthorized", code(r));
      assertEquals("Bearer", header(r, "WWW-Authenticate"));
    }
    WireClient alice = shared.wire().user("alice");
    HttpResponse<String> basic = upload(server, null, "x.txt", "text/plain", body,
        "Authorization", "Basic " + alice.token);
    assertEquals(401, basic.statusCode());
  }

  @Test
  void uploadsOverTheLimitGet413() throws Exception {
    ServerProcess server = shared.process();
    WireClient alice = shared.wire().user("alice");

    HttpResponse<String> declared = upload(server, alice.token, "big.bin",
        "application/octet-stream", new byte[MAX + 1]);
    assertEquals(413, declared.statusCode(), declared.body());
    assertEquals("too_large", code(declared));

    // Chunked: no length declared, cut off once the body passes the limit.
    HttpRequest chunked = HttpRequest.newBuilder(server.httpUri("/files")).timeout(PROMPT)
        .header("Authorization", "Bearer " + alice.token).header("X-File-Name", "big.bin")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() ->
            new java.io.ByteArrayInputStream(new byte[MAX + 10_000]))).build();
    assertEquals(413, HTTP.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode());

    assertEquals(201, upload(server, alice.token, "max.bin", "application/octet-stream",
        new byte[MAX]).statusCode(), "exactly the limit is fine");
  }

  @Test
  void aHugeDeclaredLengthIsRefusedBeforeTheBodyIsSent() throws Exception {
    ServerProcess server = shared.process();
    WireClient alice = shared.wire().user("alice");
    String status = rawStatus(server, "POST /files HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer " + alice.token + "\r\nX-File-Name: huge.bin\r\n"
        + "Content-Type: application/octet-stream\r\nContent-Length: 1000000000000\r\n\r\n",
        new byte[0]);
    assertTrue(status.startsWith("HTTP/1.1 413 "), status);
  }

  /**
   * An upload refused before its body is read tells the client to close the connection: the
   * server closes it, so a client that sent its next request on it would get no answer.
   */
  @Test
  void anUploadRefusedBeforeItsBodyClosesItsConnection() throws Exception {
    ServerProcess server = shared.process();
    WireClient alice = shared.wire().user("alice");
    String head = rawHead(server, "POST /files HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: Bearer " + alice.token + "\r\nX-File-Name: %zz\r\n"
        + "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\n", new byte[0]);
    assertTrue(head.startsWith("HTTP/1.1 400 "), head);
    assertTrue(head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"),
        head);
  }

  @Test
  void badNamesAreRefused() throws Exception {
    ServerProcess server = shared.process();
    WireClient alice = shared.wire().user("alice");
    byte[] body = "x".getBytes(StandardCharsets.UTF_8);
    for (String name : new String[] {"../../etc/passwd", "a%2Fb", "%0d%0aSet-Cookie: x", "%zz",
        "%C3%28", "", "%E2%80%AEgnp.exe"}) {
      HttpResponse<String> r = upload(server, alice.token, null, "text/plain", body,
          "X-File-Name", name);
      assertEquals(400, r.statusCode(), name + ": " + r.body());
      assertEquals("bad_request", code(r));
    }
    assertEquals(400, upload(server, alice.token, null, "text/plain", body).statusCode(),
        "no X-File-Name");
  }

  // Served safely

  @Test
  void htmlAndSvgAreServedAsSandboxedAttachments() throws Exception {
    ServerProcess server = shared.process();
    WireClient alice = shared.wire().user("alice");
    WireClient bob = shared.wire().user("bob");
    String html = uploaded(server, alice.token, "page.html", "text/html",
        "<script>alert(document.cookie)</script>".getBytes(StandardCharsets.UTF_8));
    String svg = uploaded(server, alice.token, "logo.svg", "image/svg+xml",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
            .getBytes(StandardCharsets.UTF_8));
    String jpeg = uploaded(server, alice.token, "photo.jpg", "IMAGE/JPEG", randomBytes(10));
    alice.ok(sendFiles("@" + bob.user, "look", html, svg, jpeg));

    for (String[] expected : new String[][] {{html, "text/html", "page.html"},
        {svg, "image/svg+xml", "logo.svg"}}) {
      HttpResponse<byte[]> r = get(server, "/files/" + expected[0]);
      assertEquals(200, r.statusCode());
      assertEquals(expected[1], header(r, "Content-Type"));
      assertEquals("attachment; filename*=UTF-8''" + expected[2],
          header(r, "Content-Disposition"));
      assertEquals("nosniff", header(r, "X-Content-Type-Options"));
      String csp = header(r, "Content-Security-Policy");
      assertTrue(csp.contains("sandbox") && csp.contains("default-src 'none'"), csp);
    }
    HttpResponse<byte[]> photo = get(server, "/files/" + jpeg);
    assertEquals("image/jpeg", header(photo, "Content-Type"));
    assertEquals("inline; filename*=UTF-8''photo.jpg", header(photo, "Content-Disposition"));
  }

  @Test
  void theWebClientsPageMayFetchAndShowFilesOfItsOwnOrigin() throws Exception {
    String csp = header(get(shared.process(), "/"), "Content-Security-Policy");
    assertTrue(csp.contains("connect-src 'self'"), csp);
    assertTrue(csp.contains("img-src 'self'"), csp);
  }

  // CORS

  @Test
  void allowedOriginsGetCorsAndOthersDoNot() throws Exception {
    ServerProcess server = shared.process();
    WireClient alice = shared.wire().user("alice");

    HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(server.httpUri("/files"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", PAGES)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type, x-file-name")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(204, preflight.statusCode());
    assertEquals(PAGES, header(preflight, "Access-Control-Allow-Origin"));
    assertTrue(header(preflight, "Access-Control-Allow-Methods").contains("POST"));
    String allowed = header(preflight, "Access-Control-Allow-Headers");
    for (String h : List.of("Authorization", "Content-Type", "X-File-Name")) {
      assertTrue(allowed.contains(h), allowed);
    }

    HttpResponse<String> post = upload(server, alice.token, "c.txt", "text/plain",
        "cors".getBytes(StandardCharsets.UTF_8), "Origin", PAGES);
    assertEquals(201, post.statusCode());
    assertEquals(PAGES, header(post, "Access-Control-Allow-Origin"));
    String id = JsonParser.parseString(post.body()).getAsJsonObject().get("file").getAsString();
    alice.ok(sendFiles("@" + shared.wire().user("bob").user, "", id));
    assertEquals(PAGES, header(get(server, "/files/" + id, "Origin", PAGES),
        "Access-Control-Allow-Origin"));

    String evil = "https://pages.example.org.evil.test";
    HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(server.httpUri("/files"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", evil)
        .header("Access-Control-Request-Method", "POST").build(),
        HttpResponse.BodyHandlers.ofString());
    assertNull(header(other, "Access-Control-Allow-Origin"));
    assertNull(header(other, "Access-Control-Allow-Headers"));
    assertNull(header(get(server, "/files/" + id, "Origin", evil), "Access-Control-Allow-Origin"));
    assertNull(header(upload(server, alice.token, "d.txt", "text/plain", new byte[1], "Origin",
        evil), "Access-Control-Allow-Origin"));
  }

  // Sending

  @Test
  void someoneElsesFileCannotBeSent() throws Exception {
    WireClient alice = shared.wire().user("alice");
    WireClient bob = shared.wire().user("bob");
    String bobs = uploaded(shared.process(), bob.token, "bobs.txt", "text/plain", new byte[3]);

    alice.error(sendFiles("@" + bob.user, "mine now", bobs), "bad_request");
    alice.error(sendFiles("@" + bob.user, "", "no-such-file-at-all-0123456789"), "bad_request");

    bob.ok(sendFiles("@" + alice.user, "", bobs));
  }

  // Erasure

  @Test
  void aDeletedMessagesFileIsGoneAlsoFromTheDataDirectoryAfterARestart() throws Exception {
    Path data = tmp.resolve("data");
    ServerProcess server = ServerProcess.start(data, "--store", "sqlite");
    try {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient.connect(server.wsUri()).register("bob").close();
      String gone = uploaded(server, alice.token, "secret.pdf", "application/pdf",
          randomBytes(5_000));
      String kept = uploaded(server, alice.token, "kept.pdf", "application/pdf",
          randomBytes(6_000));
      long seq = alice.ok(sendFiles("@bob", "", gone)).get("seq").getAsLong();
      alice.ok(sendFiles("@bob", "", kept));
      assertEquals(List.of(gone, kept).stream().sorted().toList(), filesOnDisk(data));

      alice.ok(Changes.delete("@bob", seq));

      assertEquals(404, get(server, "/files/" + gone).statusCode());
      assertEquals(List.of(kept), filesOnDisk(data), "unlinked at once");
      JsonObject deleted = Changes.message(alice, "@bob", seq);
      assertFalse(deleted.has("files"), deleted.toString());
      String token = alice.token;
      alice.close();
      server.terminate();
      ServerLogs.assertNoErrors(server);

      server = ServerProcess.start(data, "--store", "sqlite");
      assertEquals(List.of(kept), filesOnDisk(data));
      assertEquals(404, get(server, "/files/" + gone).statusCode());
      assertEquals(200, get(server, "/files/" + kept).statusCode());
      WireClient again = WireClient.connect(server.wsUri()).loginWithToken(token);
      assertEquals(kept, Changes.message(again, "@bob", seq + 1).getAsJsonArray("files").get(0)
          .getAsJsonObject().get("id").getAsString());
      again.close();
      ServerLogs.assertNoErrors(server);
    } finally {
      server.close();
    }
  }

  /**
   * With SQLite the files share the data directory's disk with the messages: below the floor
   * (here more than any disk has) uploads are refused with 507, logged at WARN, never ERROR,
   * and sends go on.
   */
  @Test
  void uploadsAreRefusedWhenTheDiskIsDownToItsFloor() throws Exception {
    try (ServerProcess server = ServerProcess.start(tmp.resolve("full"), "--store", "sqlite",
        "--min-free-disk-bytes", String.valueOf(1L << 60))) {
      WireClient alice = WireClient.connect(server.wsUri()).register("alice");
      WireClient.connect(server.wsUri()).register("bob").close();

      HttpResponse<String> refused = upload(server, alice.token, "a.txt", "text/plain",
          "hello".getBytes(StandardCharsets.UTF_8));

      assertEquals(507, refused.statusCode(), refused.body());
      assertEquals("internal", code(refused));
      assertTrue(refused.body().contains("disk is nearly full"), refused.body());
      alice.ok(Frames.of("type", "send", "to", "@bob", "text", "still here", "cid", "c1"));
      alice.close();
      String log = server.output();
      assertTrue(log.contains(" WARN ") && log.contains("--min-free-disk-bytes"), log);
      ServerLogs.assertNoErrors(server);
    }
  }

  private static List<String> filesOnDisk(Path data) throws IOException {
    Path dir = data.resolve("files");
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  // Slow clients

  /**
   * More uploads than the HTTP port has threads, each sending a little and then nothing: the
   * port still answers at once, and another user's upload goes through.
   */
  @Test
  void slowUploadersDoNotBlockOtherRequests() throws Exception {
    ServerProcess server = shared.process();
    int port = server.httpUri("/").getPort();
    List<Socket> slow = new ArrayList<>();
    try {
      for (int u = 0; u < 5; u++) {
        WireClient user = shared.wire().user("slow");
        for (int i = 0; i < 4; i++) { // every upload slot of the user: 20 in all, > 16 threads
          Socket s = new Socket();
          s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
          s.getOutputStream().write(("POST /files HTTP/1.1\r\nHost: localhost\r\n"
              + "Authorization: Bearer " + user.token + "\r\nX-File-Name: slow.bin\r\n"
              + "Content-Length: 50000\r\n\r\nsome bytes, then nothing")
              .getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().flush();
          slow.add(s);
        }
      }
      WireClient quick = shared.wire().user("quick");
      long start = System.nanoTime();
      assertEquals(200, get(server, "/healthz").statusCode());
      assertEquals(201, upload(server, quick.token, "quick.txt", "text/plain",
          "fast".getBytes(StandardCharsets.UTF_8)).statusCode());
      assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(PROMPT) < 0);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }
}
