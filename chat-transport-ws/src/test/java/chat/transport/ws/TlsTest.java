package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss}: the transport started with a TLS context serves the same protocol over TLS, to a
 * client that verifies the certificate (and its host name), and nothing in clear text.
 */
class TlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir
  static Path dir;
  private static WsTestServer server;
  private static SSLContext clientTls;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Path keystore = dir.resolve("server.p12");
    generateKeystore(keystore);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);

    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks); // trust exactly the server's self-signed certificate
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);

    // Two loops: the first socket stays on the accepting loop, the second goes to the other, so
    // the TLS handshake runs on both kinds.
    server = WsTestServer.start(WsTestServer.chatConfig(),
        WsTestServer.withTls(WsConfig.loopback().toBuilder().ioThreads(2).build(), serverTls));
  }

  /** A self-signed EC certificate for 127.0.0.1 and localhost, made by the JDK's keytool. */
  private static void generateKeystore(Path keystore) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair",
        "-alias", "chat", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", "changeit", "-keypass", "changeit", "-noprompt")
        .redirectErrorStream(true)
        .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "keytool failed: " + output);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void clientsLogInAndExchangeMessagesOverWss() throws Exception {
    JdkWsClient alice = JdkWsClient.connect(
        URI.create("wss://127.0.0.1:" + server.port() + "/ws"), clientTls);
    open.add(alice);
    alice.register("alice");
    WsTestClient bob = WsTestClient.connect(
        RawWebSocket.to(server.port()).tls(clientTls).open());
    open.add(bob);
    bob.register("bob");
    assertEquals(server.chatConfig.limits(), bob.hello.limits());

    alice.sendMessage("@bob", "over tls");
    assertEquals("over tls", bob.awaitMessage("@alice", 1).text());
    assertEquals("over tls", alice.awaitMessage("@bob", 1).text());

    bob.call(id -> new Request.Create(id, "secure", "", false), Result.Created.class);
    alice.call(id -> new Request.Join(id, "secure"), Result.Joined.class);
    bob.sendMessage("#secure", "room over tls");
    Event.Message m = alice.awaitMessage("#secure", 1);
    assertEquals("room over tls", m.text());
    assertEquals("bob", m.from());
  }

  @Test
  void aPlainTextUpgradeToTheTlsPortGetsNoWebSocket() throws Exception {
    RawWebSocket plain;
    try {
      plain = RawWebSocket.to(server.port()).timeoutMs(5_000).open();
    } catch (IOException e) {
      return; // the server cut the connection: no WebSocket either
    }
    try (plain) {
      assertFalse(plain.upgraded(), plain.statusLine());
    }
  }
}
