package chat.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Against a stand-in on a real loopback socket that answers one connection as told. */
class RedisPingTest {
  @Test
  void aServerThatAnswersPongIsReady() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<String> asked = answerOnce(server, "+PONG\r\n");
      assertTrue(RedisPing.answers(server.getLocalPort()));
      assertEquals("PING\r\n", asked.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aServerThatAsksForAPasswordIsReadyOnceItTakesIt() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<String> asked = answerOnce(server, "AUTH t0ken\r\nPING\r\n".length(),
          "+OK\r\n+PONG\r\n");
      assertTrue(RedisPing.answers(server.getLocalPort(), "t0ken"));
      assertEquals("AUTH t0ken\r\nPING\r\n", asked.get(10, TimeUnit.SECONDS));
    }
    try (ServerSocket server = listen()) {
      answerOnce(server, 6, "-NOAUTH Authentication required.\r\n");
      assertFalse(RedisPing.answers(server.getLocalPort()));
    }
    try (ServerSocket server = listen()) {
      answerOnce(server, "AUTH wrong\r\nPING\r\n".length(),
          "-WRONGPASS invalid username-password pair\r\n-NOAUTH Authentication required.\r\n");
      assertFalse(RedisPing.answers(server.getLocalPort(), "wrong"));
    }
  }

  @Test
  void aServerStillLoadingIsNotReady() throws Exception {
    try (ServerSocket server = listen()) {
      answerOnce(server, "-LOADING Redis is loading the dataset in memory\r\n");
      assertFalse(RedisPing.answers(server.getLocalPort()));
    }
  }

  @Test
  void aPortNobodyListensOnIsNotReady() throws Exception {
    assertFalse(RedisPing.answers(FreePort.onLoopback()));
  }

  private static ServerSocket listen() throws IOException {
    return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  /** Accepts one connection, reads the 6 bytes of a PING and writes {@code reply}. */
  private static CompletableFuture<String> answerOnce(ServerSocket server, String reply) {
    return answerOnce(server, 6, reply);
  }

  /** Accepts one connection, reads {@code length} bytes and writes {@code reply}. */
  private static CompletableFuture<String> answerOnce(ServerSocket server, int length,
      String reply) {
    return CompletableFuture.supplyAsync(() -> {
      try (Socket s = server.accept()) {
        String asked = new String(s.getInputStream().readNBytes(length),
            StandardCharsets.US_ASCII);
        s.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        s.shutdownOutput();
        return asked;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
