package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Unacknowledged sends: bounded, oldest first, resent after a lost connection. */
class SendQueueTest {

  private static SendQueue.Pending send(String cid) {
    return new SendQueue.Pending("#general", "text " + cid, cid, new CompletableFuture<>());
  }

  @Test
  void handsOutTheOldestSendNotOnTheWire() {
    SendQueue q = new SendQueue(10);
    SendQueue.Pending a = send("a");
    SendQueue.Pending b = send("b");
    q.add(a);
    q.add(b);

    assertSame(a, q.next());
    q.transmitted(a);
    assertSame(b, q.next());
    q.transmitted(b);
    assertNull(q.next());
    assertEquals(2, q.inFlight());

    q.answered(a); // e.g. rate limited: a goes out again before anything newer
    assertSame(a, q.next());
    assertEquals(1, q.inFlight());
  }

  @Test
  void aLostConnectionPutsEverythingBackInOrder() {
    SendQueue q = new SendQueue(10);
    SendQueue.Pending a = send("a");
    SendQueue.Pending b = send("b");
    q.add(a);
    q.add(b);
    q.transmitted(a);
    q.transmitted(b);

    q.connectionLost();

    assertEquals(0, q.inFlight());
    assertSame(a, q.next());
    assertEquals(2, q.size());
  }

  @Test
  void removingAnsweredSendsFreesRoom() {
    SendQueue q = new SendQueue(2);
    SendQueue.Pending a = send("a");
    q.add(a);
    q.add(send("b"));
    assertTrue(q.isFull());
    assertThrows(IllegalStateException.class, () -> q.add(send("c")));

    q.transmitted(a);
    q.remove(a);

    assertFalse(q.isFull());
    assertFalse(q.contains(a));
    assertEquals(0, q.inFlight());
    assertNull(q.find("a"));
  }

  @Test
  void aCidIsQueuedOnce() {
    SendQueue q = new SendQueue(10);
    q.add(send("a"));
    assertThrows(IllegalStateException.class, () -> q.add(send("a")));
  }

  @Test
  void drainEmptiesInOrder() {
    SendQueue q = new SendQueue(10);
    SendQueue.Pending a = send("a");
    SendQueue.Pending b = send("b");
    q.add(a);
    q.add(b);
    q.transmitted(b);

    assertEquals(List.of(a, b), q.drain());
    assertEquals(0, q.size());
    assertEquals(0, q.inFlight());
  }
}
