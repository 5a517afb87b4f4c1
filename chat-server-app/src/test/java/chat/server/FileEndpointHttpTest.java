package chat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.ChatException;
import chat.core.FileService;
import chat.core.store.StoredFile;
import chat.protocol.ErrorCode;
import chat.transport.ws.TrustedProxies;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /files} in front of a file service that fails as a store does when its database is
 * unreachable, and an upload that stalls: each is answered (500 {@code internal}, 408), and a
 * failure gives the address's upload slot back. A refused upload whose client sends its whole
 * body before reading (as most HTTP clients do) still gets its answer.
 */
class FileEndpointHttpTest {
  private static final Duration PROMPT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(PROMPT).build();

  /** The largest file the scripted service takes: more than loopback's socket buffers hold. */
  private static final int MAX_UPLOAD = 8 << 20;

  private final ScriptedFiles files = new ScriptedFiles();
  private WebServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  private void start(long idleTimeoutMs) throws Exception {
    FileEndpoint endpoint = new FileEndpoint(files, origin -> false, 60_000, 1,
        TrustedProxies.parse(List.of()), MAX_UPLOAD);
    server = new WebServer("127.0.0.1", endpoint,
        new WebServer.Limits(8 * 1024, 10_000, idleTimeoutMs, 1024, 16, 10_000, 256));
    server.start();
  }

  private HttpResponse<String> upload() throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri("/files")).timeout(PROMPT)
        .header("Authorization", "Bearer tok").header("X-File-Name", "notes.txt")
        .header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("hello")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void aStoreFailureAsAnUploadBeginsIsAnsweredAndGivesTheAddresssSlotBack() throws Exception {
    start(30_000);
    files.beginFailures.set(3); // one upload at a time per address here
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> failed = upload();
      assertEquals(500, failed.statusCode());
      assertTrue(failed.body().contains("\"code\":\"internal\""), failed.body());
    }
    HttpResponse<String> stored = upload();
    assertEquals(201, stored.statusCode(), stored.body());
  }

  @Test
  void aStoreFailureReadingAFileIsAnsweredInternal() throws Exception {
    start(30_000);
    files.downloadFails = true;
    HttpResponse<String> failed = HTTP.send(HttpRequest.newBuilder(
        uri("/files/0123456789abcdefghijklmnopqrstuv")).timeout(PROMPT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(500, failed.statusCode());
    assertTrue(failed.body().contains("\"code\":\"internal\""), failed.body());
  }

  @Test
  void anUploadThatStallsPastTheIdleTimeoutIsAnswered408() throws Exception {
    start(300);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) PROMPT.toMillis());
      s.setSoTimeout((int) PROMPT.toMillis());
      s.getOutputStream().write(("POST /files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer tok\r\nX-File-Name: big.bin\r\n"
          + "Content-Length: 1000\r\n\r\n0123456789").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      assertTrue(status != null && status.startsWith("HTTP/1.1 408 "), status);
    }
  }

  @Test
  void aDeclaredSizeOverTheLimitIsAnswered413ToAClientThatSendsItAll() throws Exception {
    start(30_000);
    assertEquals("HTTP/1.1 413 ", sendWholeBody("tok", MAX_UPLOAD + 1, false));
    assertEquals("HTTP/1.1 413 ", sendWholeBody("tok", 2 * MAX_UPLOAD, false));
  }

  @Test
  void aBodyOverTheLimitWithoutADeclaredSizeIsAnswered413ToAClientThatSendsItAll()
      throws Exception {
    start(30_000);
    assertEquals("HTTP/1.1 413 ", sendWholeBody("tok", 2 * MAX_UPLOAD, true));
  }

  @Test
  void anUploadWithoutAValidTokenIsAnswered401ToAClientThatSendsItAll() throws Exception {
    start(30_000);
    assertEquals("HTTP/1.1 401 ", sendWholeBody("expired", MAX_UPLOAD, false));
    // The slot of the address (one here) was given back: the next upload is taken.
    assertEquals(201, upload().statusCode());
  }

  @Test
  void whatIsReadOfARefusedBodyIsBounded() throws Exception {
    start(30_000);
    long sent = 0;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) PROMPT.toMillis());
      s.setSoTimeout((int) PROMPT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(("POST /files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer tok\r\n"
          + "X-File-Name: huge.bin\r\nContent-Length: " + (1L << 40) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] block = new byte[64 * 1024];
      while (sent < 16L * MAX_UPLOAD) {
        out.write(block);
        sent += block.length;
      }
    } catch (SocketException closed) {
      // the server stopped reading and closed: what this test waits for
    }
    assertTrue(sent < 16L * MAX_UPLOAD, "the server read " + sent + " bytes of a refused body");
  }

  /**
   * Sends an upload of {@code bytes} (chunked, or with its Content-Length) whole before reading
   * anything, as most HTTP clients do, and returns the start of the status line: a write that
   * fails because the server closed the connection on unread bytes fails the test.
   */
  private String sendWholeBody(String token, int bytes, boolean chunked) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) PROMPT.toMillis());
      s.setSoTimeout((int) PROMPT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(("POST /files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
          + "\r\nX-File-Name: big.bin\r\n"
          + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + bytes) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] block = new byte[64 * 1024];
      for (int left = bytes; left > 0; left -= block.length) {
        int n = Math.min(left, block.length);
        if (chunked) {
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.write(block, 0, n);
        if (chunked) {
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
      }
      if (chunked) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      return status == null ? "no answer" : status.substring(0, Math.min(13, status.length()));
    }
  }

  /**
   * Signs every token but "expired" in as alice; takes files up to {@link #MAX_UPLOAD}; fails as
   * told; stores nothing anywhere.
   */
  private static final class ScriptedFiles implements FileService {
    final AtomicInteger beginFailures = new AtomicInteger();
    volatile boolean downloadFails;

    @Override
    public String authenticate(String token) throws ChatException {
      if ("expired".equals(token)) {
        throw new ChatException(ErrorCode.UNAUTHORIZED, "sign in again");
      }
      return "alice";
    }

    @Override
    public Upload begin(String user, String name, String type, long declaredBytes)
        throws ChatException {
      if (beginFailures.getAndDecrement() > 0) {
        throw new IllegalStateException("the store cannot be reached");
      }
      if (declaredBytes > MAX_UPLOAD) {
        throw new ChatException(ErrorCode.TOO_LARGE, "at most " + MAX_UPLOAD + " bytes");
      }
      return new Upload() {
        private long size;

        @Override
        public void write(ByteBuffer bytes) throws ChatException {
          size += bytes.remaining();
          bytes.position(bytes.limit());
          if (size > MAX_UPLOAD) {
            throw new ChatException(ErrorCode.TOO_LARGE, "at most " + MAX_UPLOAD + " bytes");
          }
        }

        @Override
        public StoredFile finish() {
          return new StoredFile("0123456789abcdefghijklmnopqrstuv", user, name, size, type, 0,
              null, 0);
        }

        @Override
        public void abort() {}
      };
    }

    @Override
    public Optional<Download> download(String id) {
      if (downloadFails) {
        throw new IllegalStateException("the store cannot be reached");
      }
      return Optional.empty();
    }
  }
}
