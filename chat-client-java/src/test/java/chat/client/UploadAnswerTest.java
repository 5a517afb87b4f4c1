package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.FileInfo;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The answer to an upload comes from a server that may be broken or hostile (or from anyone on
 * an http:// path): an endless body is cut off at 64 KiB, and an answer that trickles fails at
 * the upload timeout instead of holding the caller. A JDK HTTP server on loopback plays it.
 */
class UploadAnswerTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer http;
  private FakeServer ws;
  private ChatClient client;

  @BeforeEach
  void start() throws Exception {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.start();
    ws = new FakeServer();
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    if (client != null) {
      client.close();
    }
    ws.close();
    http.stop(0);
  }

  /** A signed-in client whose HTTP origin is the fake one. */
  private ChatClient connected(Duration uploadTimeout) throws Exception {
    URI origin = URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    client = ChatClient.builder(ws.uri()).login("alice", "password1").httpOrigin(origin)
        .uploadTimeout(uploadTimeout).build();
    client.connect();
    ws.accept().acceptLogin("e1");
    client.connect().get(10, TimeUnit.SECONDS);
    return client;
  }

  private static Throwable failure(CompletableFuture<FileInfo> upload) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> upload.get(20, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void anEndlessAnswerIsCutOff() throws Exception {
    http.createContext("/files", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(201, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        byte[] chunk = "x".repeat(8_192).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 10_000 && release.getCount() > 0; i++) { // 80 MB, unless let go
          out.write(chunk);
        }
      } catch (java.io.IOException clientWentAway) {
        // the client cancelled
      }
    });

    Throwable cause = failure(connected(Duration.ofSeconds(30)).upload(new byte[] {1, 2, 3},
        "a.bin", "application/octet-stream"));

    assertInstanceOf(ChatClientException.class, cause);
    assertTrue(cause.getMessage().contains("passed " + Uploader.MAX_ANSWER_BYTES),
        cause.getMessage());
  }

  @Test
  void anAnswerThatTricklesFailsAtTheUploadTimeout() throws Exception {
    http.createContext("/files", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(201, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write('{');
        out.flush();
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException | java.io.IOException e) {
        // stopping
      }
    });

    Throwable cause = failure(connected(Duration.ofSeconds(1)).upload(new byte[] {1, 2, 3},
        "a.bin", "application/octet-stream"));

    assertEquals(TimeoutException.class, cause.getClass(), String.valueOf(cause));
  }
}
