package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A listener slower than the server: the client stops reading once {@link
 * Engine#MAX_QUEUED_FRAMES} frames wait for it, rather than buffering without bound, and loses
 * nothing when the listener catches up.
 */
class SlowListenerTest {

  @Test
  void aBlockedListenerStopsTheReadingInsteadOfFillingMemory() throws Exception {
    int sent = Engine.MAX_QUEUED_FRAMES * 3;
    CountDownLatch unblock = new CountDownLatch(1);
    List<Long> seqs = new ArrayList<>(); // only touched on the event thread, read after done
    CountDownLatch done = new CountDownLatch(1);
    try (FakeServer server = new FakeServer()) {
      ChatClient client = ChatClient.builder(server.uri()).login("alice", "password1")
          .listener(new ChatListener() {
            @Override public void onMessage(ChatClient c, Event.Message m) {
              try {
                unblock.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              seqs.add(m.seq());
              if (m.seq() == sent) {
                done.countDown();
              }
            }
          }).build();
      try (client) {
        client.connect();
        FakeServer.Conn conn = server.accept();
        conn.acceptLogin("e1", "@bob", 0);
        client.connect().get(10, TimeUnit.SECONDS);
        for (int seq = 1; seq <= sent; seq++) {
          conn.live("@bob", seq);
        }

        // The event: the socket's read thread blocks, waiting for the listener, with the
        // bound reached (not earlier: it blocks only when no room is left).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!client.readingPaused()) {
          assertTrue(System.nanoTime() < deadline, "queued " + client.queuedFrames());
          LockSupport.parkNanos(1_000_000); // poll, bounded by the deadline
        }
        assertEquals(Engine.MAX_QUEUED_FRAMES, client.queuedFrames(), "the reading stopped");

        unblock.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS), "all delivered once unblocked");
        assertEquals(sent, seqs.size());
        for (int i = 0; i < sent; i++) {
          assertEquals(i + 1, seqs.get(i));
        }
      }
    }
  }
}
