package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.ChatConfig;
import chat.protocol.Event;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server speaks first: {@code hello}, carrying the limits it was configured with. */
class HelloTest {
  private WsTestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void helloIsTheFirstFrameAndCarriesTheConfiguredLimits() throws Exception {
    ChatConfig.Builder config = WsTestServer.chatConfig()
        .maxFrameBytes(12_345).maxTextChars(1_234).historyMax(77)
        .sendPerSecond(3).sendBurst(9).authTimeoutMs(4_321).serverName("test-chat/9.9")
        .requestsPerSecond(40).requestBurst(80);
    server = WsTestServer.start(config, WsConfig.loopback());

    try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
      RawWebSocket.Frame first = ws.readFrame();
      assertEquals(RawWebSocket.TEXT, first.opcode(), "first frame must be text");
      assertTrue(first.fin(), "hello must be one frame");
      Event.Hello hello = assertInstanceOf(Event.Hello.class,
          new FrameCodec().decodeEvent(first.text()));
      assertEquals(1, hello.protocol());
      assertEquals("test-chat/9.9", hello.server());
      assertFalse(hello.epoch().isBlank(), "epoch");
      assertEquals(new Limits(12_345, 1_234, 77, 3, 9, 4_321, 40, 80), hello.limits());
      assertEquals(server.chatConfig.limits(), hello.limits());
      assertEquals(java.util.List.of("edit", "delete", "react", "reply", "search", "files", "block",
          "moderation", "account"), hello.features());
    }
  }

  @Test
  void everyConnectionGetsHelloWithTheSameEpoch() throws Exception {
    server = WsTestServer.start();
    try (WsTestClient a = WsTestClient.connect(server.port());
        WsTestClient b = WsTestClient.connect(server.port())) {
      assertEquals(a.hello, b.hello);
      assertEquals(Limits.DEFAULTS.maxFrameBytes(), a.hello.limits().maxFrameBytes());
    }
  }
}
