package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.protocol.Event;
import chat.protocol.Request;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/protocol.md, "Read markers": a room's members' {@code read} events together go out at
 * most at a rate of deliveries, an event costing as many as the sessions its members have open
 * (here 8 a second with a burst of 16, in a room of 4 members with a session each: four events at
 * once, then one every 500 ms). Each user's own budget is out of the way here.
 */
class RoomReadEventsTest {
  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().userLimits(
      ChatConfig.UserLimits.DEFAULTS.withReadEvents(1_000, 1_000).withRoomReadDeliveries(8)));

  private static void read(TestClient c, String conv, long seq) {
    c.ok(new Request.MarkRead(TestClient.nextId(), conv, seq));
  }

  private static Event.Read readEvent(String user, long seq) {
    return new Event.Read("#big", user, seq);
  }

  @Test
  void beyondTheRoomsBudgetEachReadersLatestWaitsInTheOrderTheyFirstWaited() {
    TestClient alice = chat.user("alice");
    alice.createRoom("big", false);
    List<TestClient> others = List.of(chat.user("bob"), chat.user("carol"), chat.user("dave"));
    for (TestClient c : others) {
      c.join("big");
    }
    for (int i = 0; i < 6; i++) {
      alice.send("#big", "m" + i);
    }
    TestClient bob = others.get(0);
    TestClient carol = others.get(1);
    TestClient dave = others.get(2);
    for (TestClient c : List.of(alice, bob, carol, dave)) {
      c.settle();
    }

    read(bob, "#big", 1);
    read(bob, "#big", 2);
    read(carol, "#big", 1);
    read(dave, "#big", 1); // the burst of 16 deliveries: four events of 4
    assertEquals(List.of(readEvent("bob", 1), readEvent("bob", 2), readEvent("carol", 1),
        readEvent("dave", 1)), List.of(alice.events.next(Event.Read.class),
        alice.events.next(Event.Read.class), alice.events.next(Event.Read.class),
        alice.events.next(Event.Read.class)));

    read(carol, "#big", 3);
    read(bob, "#big", 4);
    read(carol, "#big", 5); // replaces carol's waiting 3, keeps her place ahead of bob
    alice.assertQuiet();

    chat.ticker.advance(Duration.ofMillis(500)); // 4 deliveries: one event
    assertEquals(readEvent("carol", 5), alice.events.next(Event.Read.class));
    alice.assertQuiet();
    chat.ticker.advance(Duration.ofMillis(500));
    assertEquals(readEvent("bob", 4), alice.events.next(Event.Read.class));
    alice.assertQuiet();
    assertEquals(0, awaitNoRoomWaiting());
  }

  @Test
  void membersWithNoSessionCostTheRoomNothing() {
    TestClient alice = chat.user("alice");
    alice.createRoom("big", false);
    TestClient bob = chat.user("bob");
    bob.join("big");
    for (String name : List.of("carol", "dave")) {
      TestClient away = chat.user(name);
      away.join("big");
      away.close();
      Event.Presence gone = alice.events.skipTo(Event.Presence.class); // its session is gone
      assertEquals(new Event.Presence(name, false), gone);
    }
    for (int i = 0; i < 10; i++) {
      alice.send("#big", "m" + i);
    }
    alice.settle();
    bob.settle();

    for (long seq = 1; seq <= 8; seq++) {
      read(bob, "#big", seq); // two sessions (alice's, bob's): 8 events in the burst of 16
    }
    for (long seq = 1; seq <= 8; seq++) {
      assertEquals(readEvent("bob", seq), alice.events.next(Event.Read.class));
    }
    read(bob, "#big", 9);
    alice.assertQuiet(); // the burst is spent
    chat.ticker.advance(Duration.ofMillis(250)); // 2 deliveries: one event
    assertEquals(readEvent("bob", 9), alice.events.next(Event.Read.class));
  }

  @Test
  void directConversationsAreNotCountedAgainstAnyRoom() {
    TestClient alice = chat.user("alice");
    TestClient bob = chat.user("bob");
    for (int i = 0; i < 10; i++) {
      alice.send("@bob", "m" + i);
    }
    bob.settle();
    alice.settle();

    for (long seq = 1; seq <= 10; seq++) {
      read(bob, "@alice", seq);
    }

    for (long seq = 1; seq <= 10; seq++) {
      assertEquals(new Event.Read("@bob", "bob", seq), alice.events.next(Event.Read.class));
    }
  }

  /** Waits (bounded) until no room has events waiting; returns how many do (0). */
  private int awaitNoRoomWaiting() {
    ReadEvents events = chat.core.instance(ReadEvents.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (events.waitingRooms() > 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    return events.waitingRooms();
  }
}
