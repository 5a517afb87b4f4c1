package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.ChatConfig;
import chat.core.ChatCore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocketTransport} as a {@link chat.core.Managed}: it reports the port it bound, fails
 * to start (cleanly, with an {@link IOException}) when the port is taken, starts only once, and
 * stops idempotently.
 */
class TransportLifecycleTest {
  private ChatCore core;
  private ChatConfig config;

  @BeforeEach
  void startCore() {
    config = WsTestServer.chatConfig().build();
    core = ChatCore.inMemory(config);
  }

  @AfterEach
  void stopCore() {
    core.close();
  }

  @Test
  void portZeroBindsAFreePortReportedByPort() throws Exception {
    WebSocketTransport transport =
        new WebSocketTransport(core.service(), config, WsConfig.loopback());
    assertThrows(IllegalStateException.class, transport::port, "not started yet");
    assertEquals(0, transport.connectionCount());
    transport.start();
    try {
      assertTrue(transport.port() > 0);
      try (WsTestClient client = WsTestClient.connect(transport.port())) {
        assertEquals(config.limits(), client.hello.limits());
      }
      assertThrows(IllegalStateException.class, transport::start, "started twice");
    } finally {
      transport.stop();
      transport.stop(); // idempotent
    }
  }

  @Test
  void aTakenPortFailsTheStartWithAnIoException() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      WebSocketTransport transport = new WebSocketTransport(core.service(), config,
          WsConfig.loopback().withPort(taken.getLocalPort()));
      IOException e = assertThrows(IOException.class, transport::start);
      assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
      transport.stop(); // after a failed start: harmless
    }
  }

  @Test
  void aMalformedAllowedOriginIsAConfigurationError() throws Exception {
    WebSocketTransport transport = new WebSocketTransport(core.service(), config,
        WsConfig.loopback().withAllowedOrigins(Set.of("https://chat.example.org/app")));
    assertThrows(IllegalArgumentException.class, transport::start);
    transport.stop();
  }
}
