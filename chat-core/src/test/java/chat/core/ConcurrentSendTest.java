package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.local.LocalTransport;
import chat.protocol.Event;
import chat.protocol.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConcurrentSendTest {
  private static final int SENDERS = 6;
  private static final int PER_SENDER = 150;
  private static final int TOTAL = SENDERS * PER_SENDER;

  @RegisterExtension
  final TestChat chat = new TestChat(
      ChatConfig.builder().sendBurst(TOTAL).requestBurst(TOTAL * 2).requestsPerSecond(1_000));

  @Test
  void concurrentSendersIntoOneRoomGiveEveryMemberSeqsOneToNInOrder() throws Exception {
    TestClient owner = chat.user("owner");
    owner.createRoom("busy", false);
    List<TestClient> senders = new ArrayList<>();
    for (int i = 0; i < SENDERS; i++) {
      TestClient c = chat.user("sender" + i);
      c.join("busy");
      senders.add(c);
    }
    List<SeqCollector> watchers = new ArrayList<>();
    LocalTransport local = new LocalTransport(chat.core.service(), TOTAL * 2);
    for (int i = 0; i < 3; i++) {
      SeqCollector collector = new SeqCollector();
      TestClient watcher = new TestClient(local.connect(collector), collector.recorder);
      collector.recorder.next(Event.Hello.class);
      watcher.register("watcher" + i);
      watcher.join("busy");
      watchers.add(collector);
    }

    ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (TestClient sender : senders) {
      done.add(pool.submit(() -> {
        start.await();
        for (int j = 0; j < PER_SENDER; j++) {
          sender.client.send(new Request.Send(null, "#busy", "m" + j, sender.user + "-" + j));
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    for (SeqCollector watcher : watchers) {
      assertTrue(watcher.all.await(30, TimeUnit.SECONDS), "every message delivered");
      List<Long> expected = new ArrayList<>();
      for (long s = 1; s <= TOTAL; s++) {
        expected.add(s);
      }
      assertEquals(expected, watcher.seqs, "1..N, in order, no gap, no duplicate");
    }
  }

  /** Records the seqs of #busy messages in arrival order; other events go to the recorder. */
  private static final class SeqCollector implements chat.core.local.ClientListener {
    final EventRecorder recorder = new EventRecorder();
    final List<Long> seqs = new ArrayList<>(); // only touched by the client's dispatch thread
    final CountDownLatch all = new CountDownLatch(TOTAL);

    @Override
    public void onEvent(Event event) {
      if (event instanceof Event.Message m && m.conv().equals("#busy")) {
        synchronized (this) {
          seqs.add(m.seq());
        }
        all.countDown();
      } else {
        recorder.onEvent(event);
      }
    }
  }
}
