package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Changes to messages (revs) are caught up like messages (seqs): after the history of a
 * conversation the client pages through {@code updates afterRev} its last rev, holds live
 * updates meanwhile, and the listener sees each change once, in rev order. A scripted server
 * checks the requests and the order of the listener's calls.
 */
class UpdateCatchUpTest extends ScriptedServerTest {

  @Test
  void afterAReconnectUpdatesFollowTheHistoryEachOnceInRevOrder() throws Exception {
    client = builder().historyPage(2).build();
    client.connect();
    FakeServer.Conn first = server.accept();
    first.acceptLoginWithRevs("e1", "#general", 5, 2);
    client.connect().get(10, TimeUnit.SECONDS);
    first.liveUpdate("#general", 3);
    recorder.assertUpdate("#general", 3);

    first.ws.close(1001, "server shutting down");
    recorder.next(Recorder.Disconnected.class);
    FakeServer.Conn second = server.accept();
    second.acceptLoginWithRevs("e1", "#general", 6, 7);
    FakeServer.Frame history = second.expect("history");
    assertEquals(5, history.json().get("after").getAsLong());
    second.liveUpdate("#general", 8); // while catching up: held until the fetched ones are out
    second.history(history, "#general", 6, 6, false);

    FakeServer.Frame page1 = second.expect("updates");
    assertEquals("#general", page1.str("conv"));
    assertEquals(3, page1.json().get("afterRev").getAsLong());
    assertEquals(2, page1.json().get("limit").getAsInt());
    second.liveUpdate("#general", 5); // also in the fetched pages: once only
    second.updates(page1, "#general", true, 4, 5);
    FakeServer.Frame page2 = second.expect("updates");
    assertEquals(5, page2.json().get("afterRev").getAsLong());
    second.updates(page2, "#general", false, 6, 7);

    recorder.assertMessage("#general", 6); // the history first: a change follows its message
    for (long rev = 4; rev <= 8; rev++) {
      recorder.assertUpdate("#general", rev);
    }
    assertEquals(ChatClient.State.CONNECTED, recorder.next(Recorder.StateChanged.class).state());
    second.liveUpdate("#general", 9);
    recorder.assertUpdate("#general", 9); // no second 5 or 8 in between
    assertEquals(Map.of("#general", 9L), client.lastRevs());
  }

  @Test
  void theFirstLoginFollowsChangesFromNowAndANewDirectConversationFromItsStart()
      throws Exception {
    client = builder().build();
    client.connect();
    FakeServer.Conn first = server.accept();
    first.acceptLoginWithRevs("e1", "#general", 5, 40);
    client.connect().get(10, TimeUnit.SECONDS);
    first.liveUpdate("#general", 41);
    recorder.assertUpdate("#general", 41);
    first.ws.close(1001, "server shutting down");

    FakeServer.Conn second = server.accept();
    second.acceptLoginWithRevs("e1", "#general", 5, 41, "@carol", 1, 2);
    FakeServer.Frame history = second.expect("history");
    assertEquals("@carol", history.str("conv"));
    assertEquals(0, history.json().get("after").getAsLong());
    second.history(history, "@carol", 1, 1, false);
    FakeServer.Frame changes = second.expect("updates");
    assertEquals("@carol", changes.str("conv"));
    assertEquals(0, changes.json().get("afterRev").getAsLong());
    second.updates(changes, "@carol", false, 1, 2);

    recorder.assertMessage("@carol", 1);
    recorder.assertUpdate("@carol", 1);
    recorder.assertUpdate("@carol", 2);
    assertEquals(ChatClient.State.CONNECTED, recorder.next(Recorder.StateChanged.class).state());
    assertFalse(second.frames.stream().anyMatch(f -> f.type().equals("updates")),
        "nothing fetched for #general: its revs did not move");
  }

  @Test
  void aLiveUpdateThatSkipsRevsIsRepairedAndLaterOnesWaitForIt() throws Exception {
    client = builder().build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLoginWithRevs("e1", "#general", 5, 2);
    client.connect().get(10, TimeUnit.SECONDS);

    conn.liveUpdate("#general", 3);
    conn.liveUpdate("#general", 6); // 4 and 5 went missing
    FakeServer.Frame repair = conn.expect("updates");
    assertEquals(3, repair.json().get("afterRev").getAsLong());
    conn.liveUpdate("#general", 7);
    conn.updates(repair, "#general", false, 5, 6); // 4 superseded by 5: left out

    recorder.assertUpdate("#general", 3);
    recorder.assertUpdate("#general", 5);
    recorder.assertUpdate("#general", 6);
    recorder.assertUpdate("#general", 7);
    conn.liveUpdate("#general", 8);
    recorder.assertUpdate("#general", 8);
  }

  @Test
  void resumingWithRevsDeliversTheChangesMadeMeanwhile() throws Exception {
    client = builder().resumeFrom("e1", Map.of("#general", 5L), Map.of("#general", 3L)).build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLoginWithRevs("e1", "#general", 5, 4);
    FakeServer.Frame changes = conn.expect("updates");
    assertEquals(3, changes.json().get("afterRev").getAsLong());
    conn.updates(changes, "#general", false, 4);

    recorder.assertUpdate("#general", 4);
    client.connect().get(10, TimeUnit.SECONDS);
  }

  @Test
  void resumingWithoutRevsFollowsChangesFromNow() throws Exception {
    client = builder().resumeFrom("e1", Map.of("#general", 5L)).build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLoginWithRevs("e1", "#general", 5, 4);
    client.connect().get(10, TimeUnit.SECONDS);
    conn.liveUpdate("#general", 5);
    recorder.assertUpdate("#general", 5);
    assertFalse(conn.frames.stream().anyMatch(f -> f.type().equals("updates")));
  }

  @Test
  void aRoomJoinedIsFollowedFromTheRevOfTheJoinSoChangesMadeWhileAwayAreFetched()
      throws Exception {
    client = builder().build();
    client.connect();
    FakeServer.Conn first = server.accept();
    first.acceptLoginWithRevs("e1");
    client.connect().get(10, TimeUnit.SECONDS);
    var joined = client.join("lobby");
    first.ok(first.expect("join"), "\"conv\":\"#lobby\",\"topic\":\"\",\"lastSeq\":3");
    joined.get(10, TimeUnit.SECONDS);
    first.conversationsWithRevs(first.expect("conversations"), "#lobby", 3, 7);
    first.ws.close(1001, "server shutting down");

    FakeServer.Conn second = server.accept();
    second.acceptLoginWithRevs("e1", "#lobby", 3, 9);
    FakeServer.Frame changes = second.expect("updates");
    assertEquals(7, changes.json().get("afterRev").getAsLong());
    second.updates(changes, "#lobby", false, 8, 9);
    recorder.assertUpdate("#lobby", 8);
    recorder.assertUpdate("#lobby", 9);
  }

  @Test
  void whileAGapInMessagesIsFilledChangesWaitForTheMessagesTheyChange() throws Exception {
    client = builder().build();
    client.connect();
    FakeServer.Conn conn = server.accept();
    conn.acceptLoginWithRevs("e1", "#general", 5, 2);
    client.connect().get(10, TimeUnit.SECONDS);

    conn.live("#general", 7); // 6 went missing
    FakeServer.Frame gap = conn.expect("history");
    conn.liveUpdate("#general", 3); // a change that may concern message 6 or 7
    conn.history(gap, "#general", 6, 7, false);

    recorder.assertMessage("#general", 6);
    recorder.assertMessage("#general", 7); // an update before it would be skipped here, and
    recorder.assertUpdate("#general", 3); // then missing here
  }
}
