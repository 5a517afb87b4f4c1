package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server that is broken or hostile (or anyone on a ws:// path) cannot run the client out of
 * memory with one frame, jam its catch-up or a request with a frame it cannot read, keep it
 * paging forever, or stop its sends for good.
 */
class HostileServerTest extends ScriptedServerTest {

  @Test
  void aFrameOverTheInboundLimitClosesTheConnectionAndTheClientComesBack() throws Exception {
    FakeServer.Conn conn = connected(builder().maxInboundFrameBytes(4_096));

    conn.send("{\"type\":\"message\",\"conv\":\"#general\",\"seq\":1,\"from\":\"bob\",\"text\":\""
        + "x".repeat(8_000) + "\",\"ts\":1,\"cid\":\"c1\"}");

    assertEquals(1009, recorder.next(Recorder.Disconnected.class).code());
    assertTrue(conn.closed.await(10, TimeUnit.SECONDS));
    server.accept().acceptLogin("e1"); // connects again
    client.connect().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aHistoryPageThatMovesNothingOnIsNotAskedForAgain() throws Exception {
    client = builder().historyPage(2).resumeFrom("e1", Map.of("#general", 5L)).build();
    CompletableFuture<Void> connected = client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLogin("e1", "#general", 9);

    FakeServer.Frame page = conn.expect("history");
    assertEquals(5, page.json().get("after").getAsLong());
    conn.history(page, "#general", 4, 5, true); // "more", yet nothing after 5

    connected.get(10, TimeUnit.SECONDS);
    assertEquals(ChatClient.State.CONNECTED, client.state());
    assertNull(conn.frames.poll(), "the same page asked for again: "
        + conn.frames.stream().map(f -> f.json().toString()).toList());
  }

  @Test
  void aFileUrlThatIsNotAUriKeepsItsMessage() throws Exception {
    FakeServer.Conn conn = connected(builder(), "#general", 0);

    conn.send("{\"type\":\"message\",\"conv\":\"#general\",\"seq\":1,\"from\":\"bob\","
        + "\"text\":\"\",\"ts\":1,\"cid\":\"c1\",\"files\":[{\"id\":\"f1\",\"name\":\"a.txt\","
        + "\"size\":1,\"type\":\"text/plain\",\"url\":\"/files/a b\"}]}");

    Event.Message m = recorder.nextMessage("#general");
    assertEquals("/files/a b", m.files().get(0).url(), "as the server sent it");
  }

  @Test
  void aReplyThatCannotBeReadFailsItsRequestInsteadOfLeavingItWaiting() throws Exception {
    FakeServer.Conn conn = connected(builder());

    CompletableFuture<?> history = client.history("#general", null, null, 10);
    FakeServer.Frame request = conn.expect("history");
    conn.send("{\"type\":\"ok\",\"re\":\"" + request.id() + "\",\"conv\":\"#general\","
        + "\"messages\":\"not a list\",\"more\":false}");

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> history.get(10, TimeUnit.SECONDS));
    assertEquals(ErrorCode.INTERNAL, assertInstanceOf(ChatErrorException.class, e.getCause())
        .code());
  }

  @Test
  void aServerThatLeavesARequestUnansweredIsGivenUpOnAndConnectedToAgain() throws Exception {
    FakeServer.Conn conn = connected(builder().requestTimeout(Duration.ofMillis(300)));

    CompletableFuture<?> history = client.history("#general", null, null, 10);
    conn.expect("history"); // never answered, while the socket stays open

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> history.get(10, TimeUnit.SECONDS));
    assertInstanceOf(ChatClientException.NotConnectedException.class, e.getCause());
    Recorder.Disconnected gaveUp = recorder.next(Recorder.Disconnected.class);
    assertTrue(gaveUp.reason().contains("no answer"), gaveUp.reason());
    server.accept().acceptLogin("e1");
    client.connect().get(10, TimeUnit.SECONDS);
  }

  /** Requests waiting behind the client's own pacing do not count against the server. */
  @Test
  void aServerAnsweringRequestsThatWaitedInTheOutboxIsNotGivenUpOn() throws Exception {
    FakeServer.Conn conn = connected(
        builder().requestTimeout(Duration.ofSeconds(1)).requestRate(5, 1));

    List<CompletableFuture<?>> pages = new ArrayList<>();
    for (int i = 0; i < 8; i++) { // 1.4 s of pacing: the last waits longer than the timeout
      pages.add(client.history("#general", null, null, 10));
    }
    for (int i = 0; i < 8; i++) {
      conn.history(conn.expect("history"), "#general", 1, 0, false);
    }
    for (CompletableFuture<?> page : pages) {
      page.get(10, TimeUnit.SECONDS);
    }
    assertEquals(ChatClient.State.CONNECTED, client.state());
    assertTrue(recorder.calls.stream().noneMatch(c -> c instanceof Recorder.Disconnected),
        "given up on: " + recorder.calls);
  }

  @Test
  void aCatchUpLeftUnansweredDoesNotHoldTheClientConnecting() throws Exception {
    client = builder().requestTimeout(Duration.ofMillis(300)).build();
    CompletableFuture<Void> connected = client.connect();
    FakeServer.Conn conn = server.accept();
    conn.hello("e1");
    conn.authOk(conn.expect("login"), "alice", "tok");
    conn.expect("conversations"); // never answered

    assertTrue(recorder.next(Recorder.Disconnected.class).reason().contains("no answer"));
    server.accept().acceptLogin("e1");
    connected.get(10, TimeUnit.SECONDS);
    assertEquals(ChatClient.State.CONNECTED, client.state());
  }

  @Test
  void theIdOfAnUnreadableReplyIsFoundWithoutBuildingTheFrame() {
    assertEquals("c7", Engine.replyTo("{\"type\":\"ok\",\"x\":[[{\"a\":1}]],\"re\":\"c7\"}"));
    assertNull(Engine.replyTo("{\"type\":\"message\"}"));
    assertNull(Engine.replyTo("[\"re\"]"));
    assertNull(Engine.replyTo("not json"));
    String nested = "[".repeat(100) + "]".repeat(100);
    assertEquals("c8", Engine.replyTo("{\"x\":" + nested + ",\"re\":\"c8\"}"));
    // Nesting far past any stack: the reader's nesting limit ends it, no id and no overflow.
    String deep = "[".repeat(200_000) + "]".repeat(200_000);
    assertNull(Engine.replyTo("{\"x\":" + deep + ",\"re\":\"c9\"}"));
  }

  @Test
  void aServersWaitBeforeTheNextSendIsAtMostAMinute() {
    assertEquals(Engine.MAX_RETRY_PAUSE_MS, Engine.retryPauseMs(100_000_000_000L));
    assertEquals(Engine.MAX_RETRY_PAUSE_MS, Engine.retryPauseMs(Long.MAX_VALUE));
    assertEquals(1_500, Engine.retryPauseMs(1_500L));
    assertEquals(1, Engine.retryPauseMs(-5L));
    assertEquals(1_000, Engine.retryPauseMs(null), "an internal error without a wait");
  }
}
