package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.transport.ws.RawWebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a black-box probe of the server did to it, each now answered: one address opening
 * thousands of sockets, a process out of file descriptors, a ping flood from a client that never
 * reads, a huge upgrade request, and frames that once made the server log an ERROR. Every test
 * ends by checking that an ordinary client is still served and that the log has no ERROR the
 * client could have caused.
 */
class HostileClientsIT {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private static final String[] FAST = {"--requests-per-second", "1000000",
      "--request-burst", "1000000"};

  @TempDir Path tmp;
  private final AtomicInteger dirs = new AtomicInteger();

  private ServerProcess start(int maxOpenFiles, String... args) throws Exception {
    return ServerProcess.start(tmp.resolve("data-" + dirs.incrementAndGet()), maxOpenFiles, args);
  }

  private static String[] with(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  /** An ordinary client connects, gets its hello and an answer to a ping. */
  private static void assertServes(ServerProcess s) throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(s.wsPort())) {
      assertEquals("hello", ws.readJson().get("type").getAsString());
      ws.sendText("{\"type\":\"ping\",\"id\":\"p\"}");
      assertEquals("ok", ws.readJson().get("type").getAsString());
    }
  }

  /** Waits until an ordinary client is served again (closed sockets are released meanwhile). */
  private static void awaitServes(ServerProcess s, String what) throws InterruptedException {
    await(() -> {
      try {
        assertServes(s);
        return true;
      } catch (Exception | AssertionError e) {
        return false;
      }
    }, what);
  }

  private static void awaitLogged(ServerProcess s, String text, String what)
      throws InterruptedException {
    await(() -> {
      try {
        return s.logged(text);
      } catch (IOException e) {
        return false;
      }
    }, what);
  }

  private static void assertNoErrorLogged(ServerProcess s) throws IOException {
    List<String> errors = s.output().lines().filter(l -> l.contains(" ERROR ")).toList();
    assertTrue(errors.isEmpty(), "the server logged ERROR for a client's doing: " + errors);
  }

  private static int healthStatus(ServerProcess s) {
    try {
      return HTTP.send(HttpRequest.newBuilder(s.httpUri("/healthz"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1; // not answered at all (no descriptor to accept the request with)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(20); // polling the server from outside, bounded by the deadline
    }
  }

  /** Whether the server ended the socket (FIN or reset) within the timeout, with no data. */
  private static boolean endedWithoutData(Socket socket, int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void thousandsOfSocketsFromOneAddressAreCappedAndTheServerStaysUp() throws Exception {
    try (ServerProcess s = start(0, "--store", "memory", "--max-connections-per-ip", "50")) {
      List<RawWebSocket> allowed = new ArrayList<>();
      List<Socket> excess = new ArrayList<>();
      try {
        for (int i = 0; i < 50; i++) {
          RawWebSocket ws = RawWebSocket.connect(s.wsPort());
          allowed.add(ws);
          assertEquals("hello", ws.readJson().get("type").getAsString());
        }
        int reset = 0;
        for (int i = 0; i < 3_000; i++) {
          Socket socket = new Socket();
          try {
            socket.connect(new InetSocketAddress("127.0.0.1", s.wsPort()), 5_000);
            excess.add(socket);
          } catch (IOException e) {
            reset++; // refused so fast that the connect saw the reset
            closeQuietly(socket);
          }
        }
        assertEquals(3_000, reset + excess.size());
        // Every socket over the cap is closed at once, without an upgrade.
        for (Socket socket : excess.subList(0, Math.min(100, excess.size()))) {
          assertTrue(endedWithoutData(socket, 5_000), "a socket over the cap was kept");
        }
        assertEquals(200, healthStatus(s));
        // The 50 allowed ones are still served.
        allowed.get(0).sendText("{\"type\":\"ping\",\"id\":\"p\"}");
        assertEquals("ok", allowed.get(0).readJson().get("type").getAsString());
      } finally {
        excess.forEach(HostileClientsIT::closeQuietly);
        allowed.forEach(RawWebSocket::close);
      }
      // Before awaitServes, whose tries may be refused too while the closes are being counted.
      assertEquals(3_000.0, MetricsIT.awaitSeries(s,
          "chat_connections_refused_total{port=\"websocket\"}", 3_000.0), "refusals in /metrics");
      awaitServes(s, "no connection accepted after the others closed");
      assertTrue(s.logged("from one address"), "the refusals were not logged");
      assertNoErrorLogged(s);
    }
  }

  @Test
  void theTotalConnectionCapRefusesTheExcessAtOnce() throws Exception {
    try (ServerProcess s = start(0, "--store", "memory", "--max-connections", "20")) {
      List<RawWebSocket> allowed = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          RawWebSocket ws = RawWebSocket.connect(s.wsPort());
          allowed.add(ws);
          ws.readJson();
        }
        try (Socket over = new Socket("127.0.0.1", s.wsPort())) {
          assertTrue(endedWithoutData(over, 5_000), "the 21st socket was kept");
        }
      } finally {
        allowed.forEach(RawWebSocket::close);
      }
      awaitServes(s, "no connection accepted after the others closed");
      assertNoErrorLogged(s);
    }
  }

  /**
   * Out of file descriptors, accepting fails: the server says so once at ERROR (the operator
   * must act), keeps serving, and accepts again once descriptors are free. It used to close its
   * listening socket for good while /healthz still said ok.
   */
  @Test
  void runningOutOfFileDescriptorsBacksOffAndRecovers() throws Exception {
    try (ServerProcess s = start(256, "--store", "memory",
        "--max-connections-per-ip", "100000", "--max-connections", "100000")) {
      List<Socket> hog = new ArrayList<>();
      try {
        for (int i = 0; i < 400; i++) { // more than the server has descriptors for
          Socket socket = new Socket();
          socket.connect(new InetSocketAddress("127.0.0.1", s.wsPort()), 5_000);
          hog.add(socket);
        }
        awaitLogged(s, "cannot accept WebSocket connections",
            "accept never failed (is ulimit -n honoured?)");
        int health = healthStatus(s);
        assertTrue(health != 200, "/healthz said ok while the listener could not accept");
      } finally {
        hog.forEach(HostileClientsIT::closeQuietly);
      }
      await(() -> {
        try {
          assertServes(s);
          return healthStatus(s) == 200;
        } catch (Exception | AssertionError e) {
          return false;
        }
      }, "the server did not accept again once descriptors were free");
      long errors = s.output().lines().filter(l -> l.contains(" ERROR ")).count();
      assertEquals(1, errors, "ERROR lines:\n" + s.output());
      assertTrue(s.logged("accepting WebSocket connections again"));
    }
  }

  /** A client that pings and never reads: its pongs count towards its outbound budget. */
  @Test
  void aPingFloodThatNeverReadsIsClosedAsASlowConsumer() throws Exception {
    try (ServerProcess s = start(0, with(FAST, "--store", "memory",
        "--max-outbound-bytes", "65536"))) {
      try (RawWebSocket flood = RawWebSocket.to(s.wsPort()).receiveBuffer(4_096).open()) {
        assertTrue(flood.upgraded());
        byte[] ping = RawWebSocket.encodeFrame(true, RawWebSocket.PING, new byte[125]);
        byte[] burst = new byte[ping.length * 1_000];
        for (int i = 0; i < 1_000; i++) {
          System.arraycopy(ping, 0, burst, i * ping.length, ping.length);
        }
        try {
          for (int i = 0; i < 200; i++) { // 200,000 pings, 25 MB of pongs asked for
            flood.sendRaw(burst);
          }
        } catch (IOException e) {
          // the server closed it: expected
        }
        awaitLogged(s, "slow consumer", "the ping flood was not closed as a slow consumer");
      }
      assertServes(s);
      assertNoErrorLogged(s);
    }
  }

  /** With the default flood limit, pings are frames like any other: a flood is closed 1008. */
  @Test
  void aPingFloodIsAFlood() throws Exception {
    try (ServerProcess s = start(0, "--store", "memory");
        RawWebSocket flood = RawWebSocket.connect(s.wsPort())) {
      flood.readJson();
      try {
        for (int i = 0; i < 1_000; i++) {
          flood.sendFrame(true, RawWebSocket.PING, new byte[8]);
        }
      } catch (IOException e) {
        // closed meanwhile
      }
      RawWebSocket.Closed closed = flood.awaitClose(10_000);
      assertEquals(1008, closed.code());
      assertEquals("flood", closed.reason());
      assertServes(s);
      assertNoErrorLogged(s);
    }
  }

  @Test
  void anUpgradeRequestOver16KibIsRefusedWith431() throws Exception {
    try (ServerProcess s = start(0, "--store", "memory")) {
      try (Socket socket = new Socket("127.0.0.1", s.wsPort())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "X-Pad: " + "a".repeat(64 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(response.startsWith("HTTP/1.1 431 "), "response: " + response);
      }
      // One just under the cap is still an ordinary upgrade.
      try (RawWebSocket ok = RawWebSocket.to(s.wsPort())
          .header("X-Pad", "b".repeat(12 * 1024)).open()) {
        assertTrue(ok.upgraded(), ok.statusLine());
      }
      assertServes(s);
      assertNoErrorLogged(s);
    }
  }

  /** Misbehaviour that made the old transport log an ERROR with a stack trace. */
  @Test
  void aBinaryFrameFollowedByPingsAndBadUtf8LogNoError() throws Exception {
    try (ServerProcess s = start(0, "--store", "memory")) {
      try (RawWebSocket ws = RawWebSocket.connect(s.wsPort())) {
        ws.readJson();
        ws.sendFrame(true, RawWebSocket.BINARY, new byte[] {1, 2, 3});
        try {
          for (int i = 0; i < 20; i++) {
            ws.sendFrame(true, RawWebSocket.PING, new byte[] {(byte) i});
          }
        } catch (IOException e) {
          // closed meanwhile
        }
        assertEquals(1003, ws.awaitClose(10_000).code());
      }
      try (RawWebSocket ws = RawWebSocket.connect(s.wsPort())) {
        ws.readJson();
        ws.sendFrame(true, RawWebSocket.TEXT, new byte[] {(byte) 0xC3, (byte) 0x28});
        assertEquals(1007, ws.awaitClose(10_000).code());
      }
      assertServes(s);
      assertFalse(s.output().contains("Exception"), "a stack trace in the log:\n" + s.output());
      assertNoErrorLogged(s);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
