package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Event;
import chat.protocol.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * After (re)connecting, the client lists its conversations and pages through {@code history
 * after} before it trusts live messages: a scripted server checks the requests it makes and
 * the order in which the listener sees messages.
 */
class CatchUpTest extends ScriptedServerTest {

  @Test
  void pagesThroughHistoryAndHoldsLiveMessagesUntilCaughtUp() throws Exception {
    client = builder().historyPage(2).resumeFrom("e1", Map.of("#general", 2L)).build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLogin("e1", "#general", 7);

    FakeServer.Frame page1 = conn.expect("history");
    assertEquals("#general", page1.str("conv"));
    assertEquals(2, page1.json().get("after").getAsLong());
    assertEquals(2, page1.json().get("limit").getAsInt());
    conn.live("#general", 8); // arrives while history is being fetched: must wait its turn
    conn.history(page1, "#general", 3, 4, true);
    FakeServer.Frame page2 = conn.expect("history");
    assertEquals(4, page2.json().get("after").getAsLong());
    conn.history(page2, "#general", 5, 6, true);
    FakeServer.Frame page3 = conn.expect("history");
    assertEquals(6, page3.json().get("after").getAsLong());
    conn.history(page3, "#general", 7, 8, false); // 8 also came live: once only

    for (long seq = 3; seq <= 8; seq++) {
      recorder.assertMessage("#general", seq);
    }
    client.connect().get(10, TimeUnit.SECONDS);
    assertEquals(ChatClient.State.CONNECTED, client.state());
    conn.live("#general", 9);
    recorder.assertMessage("#general", 9); // nothing (no second 8) in between
    assertEquals(Map.of("#general", 9L), client.lastSeen());
  }

  @Test
  void aCatchUpRequestRefusedRateLimitedIsAskedAgainOnTheSameConnection() throws Exception {
    client = builder().historyPage(2).resumeFrom("e1", Map.of("#general", 2L)).build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.hello("e1");
    conn.authOk(conn.expect("login"), "alice", "tok");
    conn.error(conn.expect("conversations"), "rate_limited", ",\"retryAfterMs\":20");
    conn.conversations(conn.expect("conversations"), "#general", 4);
    FakeServer.Frame page = conn.expect("history");
    conn.live("#general", 5); // held until the history before it is in
    conn.error(page, "rate_limited", ",\"retryAfterMs\":20");
    FakeServer.Frame again = conn.expect("history");
    assertEquals(2, again.json().get("after").getAsLong());
    conn.history(again, "#general", 3, 4, false);

    client.connect().get(10, TimeUnit.SECONDS);
    for (long seq = 3; seq <= 5; seq++) {
      recorder.assertMessage("#general", seq);
    }
    assertEquals(Map.of("#general", 5L), client.lastSeen());
  }

  @Test
  void atMostEightConversationsCatchUpAtOnceAndTheOthersHoldTheirLiveMessages()
      throws Exception {
    int rooms = 20;
    Map<String, Long> seen = new HashMap<>();
    Object[] listed = new Object[2 * rooms];
    for (int i = 0; i < rooms; i++) {
      seen.put("#r" + i, 0L);
      listed[2 * i] = "#r" + i;
      listed[2 * i + 1] = 1;
    }
    client = builder().resumeFrom("e1", seen).build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLogin("e1", listed);
    conn.live("#r19", 2); // its catch-up waits its turn: held until message 1 is in

    Map<String, FakeServer.Frame> asked = new HashMap<>();
    for (int i = 0; i < Engine.SYNCS_AT_ONCE; i++) {
      FakeServer.Frame page = conn.expect("history");
      asked.put(page.str("conv"), page);
    }
    int answeredCount = 0;
    while (answeredCount < rooms) {
      String conv = asked.keySet().iterator().next();
      long answered = System.nanoTime();
      conn.history(asked.remove(conv), conv, 1, 1, false);
      answeredCount++;
      if (answeredCount + asked.size() < rooms) {
        FakeServer.Frame next = conn.expect("history");
        assertTrue(next.nanos() > answered, "a catch-up of " + next.str("conv")
            + " went out before one of the first " + Engine.SYNCS_AT_ONCE + " ended");
        asked.put(next.str("conv"), next);
      }
    }

    client.connect().get(10, TimeUnit.SECONDS);
    Map<String, Long> last = client.lastSeen();
    for (int i = 0; i < rooms; i++) {
      assertEquals(i == 19 ? 2L : 1L, last.get("#r" + i), "#r" + i);
    }
    List<String> r19 = new ArrayList<>();
    for (int i = 0; i < rooms + 1; i++) {
      Event.Message m = recorder.next(Event.Message.class);
      if (m.conv().equals("#r19")) {
        r19.add(m.conv() + " " + m.seq());
      }
    }
    assertEquals(List.of("#r19 1", "#r19 2"), r19, "the live message after its history");
  }

  @Test
  void aCatchUpThatEndsAtOnceWhileTheListIsReadDoesNotReportConnectedEarly() throws Exception {
    client = builder().resumeFrom("e1", Map.of("#general", 2L)).build();
    CompletableFuture<Void> connected = client.connect();
    FakeServer.Conn conn = server.accept();
    // "@bob" (new to this client, no messages, changes to catch up) ends its catch-up without
    // a request; "#general", listed after it, still has messages to fetch.
    conn.acceptLoginWithRevs("e1", "@bob", 0, 3, "#general", 4, 0);
    FakeServer.Frame page = conn.expect("history");
    assertEquals("#general", page.str("conv"));
    assertFalse(connected.isDone(), "connected before the history of #general was in");
    assertEquals(ChatClient.State.CONNECTING, client.state());

    conn.history(page, "#general", 3, 4, false);
    connected.get(10, TimeUnit.SECONDS);
    recorder.assertMessage("#general", 3);
    recorder.assertMessage("#general", 4);
    assertEquals(ChatClient.State.CONNECTED, client.state());
  }

  @Test
  void theFirstLoginFollowsFromNowAndDropsWhatCameBeforeTheBaseline() throws Exception {
    client = builder().build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.hello("e1");
    conn.authOk(conn.expect("login"), "alice", "tok");
    FakeServer.Frame list = conn.expect("conversations");
    conn.live("#general", 10); // before the list: already counted in its lastSeq
    conn.live("#general", 11); // newer than the list
    conn.conversations(list, "#general", 10, "@bob", 3);

    client.connect().get(10, TimeUnit.SECONDS);
    recorder.assertMessage("#general", 11);
    conn.live("@bob", 4);
    recorder.assertMessage("@bob", 4);
    assertEquals(Map.of("#general", 11L, "@bob", 4L), client.lastSeen());
  }

  @Test
  void aGapInLiveMessagesIsFilledFromHistory() throws Exception {
    client = builder().build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLogin("e1", "#general", 5);
    client.connect().get(10, TimeUnit.SECONDS);

    conn.live("#general", 6);
    conn.live("#general", 9);
    FakeServer.Frame gap = conn.expect("history");
    assertEquals(6, gap.json().get("after").getAsLong());
    conn.live("#general", 10);
    conn.history(gap, "#general", 7, 9, false);

    for (long seq = 6; seq <= 10; seq++) {
      recorder.assertMessage("#general", seq);
    }
  }

  @Test
  void afterAReconnectOnlyWhatWasMissedIsFetchedAndNewDirectConversationsFromTheStart()
      throws Exception {
    client = builder().build();
    client.connect();
    FakeServer.Conn first = server.accept();
    first.acceptLogin("e1", "#general", 5, "@bob", 2);
    client.connect().get(10, TimeUnit.SECONDS);
    first.live("#general", 6);
    recorder.assertMessage("#general", 6);

    first.ws.close(1001, "server shutting down");
    Recorder.Disconnected d = recorder.next(Recorder.Disconnected.class);
    assertEquals(1001, d.code());

    FakeServer.Conn second = server.accept();
    second.acceptLogin("e1", "#general", 8, "@bob", 2, "@carol", 1, "#joined-elsewhere", 30);
    FakeServer.Frame general = second.expect("history");
    FakeServer.Frame carol = second.expect("history");
    assertEquals("#general", general.str("conv"));
    assertEquals(6, general.json().get("after").getAsLong());
    assertEquals("@carol", carol.str("conv"));
    assertEquals(0, carol.json().get("after").getAsLong());
    second.history(general, "#general", 7, 8, false);
    second.history(carol, "@carol", 1, 1, false);

    recorder.assertMessage("#general", 7);
    recorder.assertMessage("#general", 8);
    recorder.assertMessage("@carol", 1);
    assertEquals(ChatClient.State.CONNECTED, recorder.next(Recorder.StateChanged.class).state());
    second.live("#joined-elsewhere", 31);
    recorder.assertMessage("#joined-elsewhere", 31);
    assertFalse(second.frames.stream().anyMatch(f -> f.type().equals("history")),
        "no fetch for @bob (nothing new) or the room joined elsewhere (followed from now)");
  }

  @Test
  void aNewEpochIsReportedAndTheNewStoreIsDeliveredFromItsStart() throws Exception {
    client = builder().build();
    client.connect();
    FakeServer.Conn first = server.accept();
    first.acceptLogin("e1", "@bob", 40);
    client.connect().get(10, TimeUnit.SECONDS);
    first.ws.close(1001, "server shutting down");

    FakeServer.Conn second = server.accept();
    second.acceptLogin("e2", "@bob", 2);
    FakeServer.Frame fetch = second.expect("history");
    assertEquals(0, fetch.json().get("after").getAsLong());
    second.history(fetch, "@bob", 1, 2, false);

    Recorder.EpochChanged changed = recorder.next(Recorder.EpochChanged.class);
    assertEquals("e1", changed.previous());
    assertEquals("e2", changed.epoch());
    recorder.assertMessage("@bob", 1);
    recorder.assertMessage("@bob", 2);
    assertEquals("e2", client.epoch());
    assertEquals(Map.of("@bob", 2L), client.lastSeen());
  }

  @Test
  void aRequestMadeInOnEpochChangedWaitsForTheLoginInsteadOfFailing() throws Exception {
    // onEpochChanged comes between the new store's hello and the login: a program that sets
    // the new store up there (rooms, say) must not get NotConnectedException.
    CompletableFuture<Result.Created> created = new CompletableFuture<>();
    client = builder().listener(new Recorder() {
      @Override public void onEpochChanged(ChatClient c, String previous, String epoch) {
        super.onEpochChanged(c, previous, epoch);
        c.createRoom("trivia", "", false).whenComplete((r, e) -> {
          if (e != null) {
            created.completeExceptionally(e);
          } else {
            created.complete(r);
          }
        });
      }
    }).build();
    client.connect();
    FakeServer.Conn first = server.accept();
    first.acceptLogin("e1");
    client.connect().get(10, TimeUnit.SECONDS);
    first.ws.close(1001, "server shutting down");

    FakeServer.Conn second = server.accept();
    second.hello("e2");
    second.authOk(second.expect("login"), "alice", "tok");
    second.conversations(second.expect("conversations"));
    FakeServer.Frame create = second.expect("create");
    assertEquals("trivia", create.str("room"));
    second.ok(create, "\"room\":\"#trivia\"");
    assertEquals("#trivia", created.get(10, TimeUnit.SECONDS).room());
  }

  @Test
  void theHistoryPageNeverExceedsTheServersHistoryMax() throws Exception {
    client = builder().resumeFrom(null, Map.of("#general", 0L)).build(); // page 200 by default
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.hello("e1", 65_536, 50, 1_000, 1_000);
    conn.authOk(conn.expect("login"), "alice", "tok");
    conn.conversations(conn.expect("conversations"), "#general", 1);

    assertEquals(50, conn.expect("history").json().get("limit").getAsInt());
  }
}
