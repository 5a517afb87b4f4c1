package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RoomMessagingTest {
  @RegisterExtension
  final TestChat chat = new TestChat();

  @Test
  void everySessionOfEveryMemberGetsEachRoomMessageInOrder() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    TestClient bob = chat.user("bob");
    bob.join("general");
    TestClient bobTablet = chat.secondSession(bob);
    TestClient carol = chat.user("carol");
    carol.join("general");
    TestClient outsider = chat.user("dave");
    for (TestClient c : List.of(alice, bob, bobTablet, carol)) {
      c.events.drain(); // member and presence events from the setup
    }

    alice.send("#general", "one");
    bob.send("#general", "two");
    carol.send("#general", "three");

    for (TestClient c : List.of(alice, bob, bobTablet, carol)) {
      long expected = 1;
      for (String text : List.of("one", "two", "three")) {
        Event.Message m = c.events.skipTo(Event.Message.class);
        assertEquals("#general", m.conv());
        assertEquals(expected++, m.seq());
        assertEquals(text, m.text());
      }
    }
    outsider.assertQuiet();
  }

  @Test
  void membersWhoJoinLaterSeeEarlierMessagesInHistoryNotLive() {
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    alice.send("#general", "before bob");
    TestClient bob = chat.user("bob");

    Result.Joined joined = bob.join("general");

    assertEquals(new Result.Joined("#general", "topic of general", 1), joined);
    Result.History history = bob.history("#general", null, null, null);
    assertEquals(List.of("before bob"), history.messages().stream().map(Event.Message::text).toList());
    bob.events.drain();
    bob.assertQuiet();
  }

  @Test
  void roomEventIsBuiltOnceForAllReceivers() throws InterruptedException {
    // A wire transport encodes each Outbound once; every receiver of a room event must share one.
    List<Outbound> seen = new CopyOnWriteArrayList<>();
    CountDownLatch delivered = new CountDownLatch(3);
    TestClient alice = chat.user("alice");
    alice.createRoom("general", false);
    for (int i = 0; i < 3; i++) {
      Semaphore replied = new Semaphore(0);
      SessionHandler c = chat.core.service().open(new Session() {
        @Override public boolean send(Outbound out) {
          if (out.event() instanceof Event.Ok) {
            replied.release();
          } else if (out.event() instanceof Event.Message m && m.conv().equals("#general")) {
            seen.add(out);
            delivered.countDown();
          }
          return true;
        }

        @Override public void close(int code, String reason) {}
      });
      c.receive(new Request.Register("reg", "member" + i, TestChat.PASSWORD));
      assertTrue(replied.tryAcquire(5, TimeUnit.SECONDS), "registered");
      // With an id, so the test waits for the join to be done before alice sends.
      c.receive(new Request.Join("join", "general"));
      assertTrue(replied.tryAcquire(5, TimeUnit.SECONDS), "joined");
    }

    alice.send("#general", "hello all");

    // The ok reaches alice before the fan-out ends, so wait for the three deliveries.
    assertTrue(delivered.await(5, TimeUnit.SECONDS), "delivered to all three");
    alice.settle();
    assertEquals(3, seen.size());
    assertSame(seen.get(0), seen.get(1));
    assertSame(seen.get(1), seen.get(2));
  }
}
