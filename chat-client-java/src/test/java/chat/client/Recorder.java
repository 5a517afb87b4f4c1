package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import chat.protocol.Event;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A listener that puts every call on a queue, for tests to take in order. */
class Recorder extends ChatListener {
  final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

  record StateChanged(ChatClient.State state) {}

  record Disconnected(int code, String reason) {}

  record EpochChanged(String previous, String epoch) {}

  record Failed(Throwable failure) {}

  record Closed() {}

  @Override public void onStateChanged(ChatClient client, ChatClient.State state) {
    events.add(new StateChanged(state));
  }

  @Override public void onMessage(ChatClient client, Event.Message message) {
    events.add(message);
  }

  @Override public void onUpdate(ChatClient client, Event.Update update) {
    events.add(update);
  }

  @Override public void onRead(ChatClient client, Event.Read read) {
    events.add(read);
  }

  @Override public void onTyping(ChatClient client, Event.Typing typing) {
    events.add(typing);
  }

  @Override public void onPresence(ChatClient client, Event.Presence presence) {
    events.add(presence);
  }

  @Override public void onMember(ChatClient client, Event.Member member) {
    events.add(member);
  }

  @Override public void onRoomChanged(ChatClient client, Event.RoomChanged room) {
    events.add(room);
  }

  @Override public void onDisconnected(ChatClient client, int code, String reason) {
    events.add(new Disconnected(code, reason));
  }

  @Override public void onEpochChanged(ChatClient client, String previous, String epoch) {
    events.add(new EpochChanged(previous, epoch));
  }

  @Override public void onFailure(ChatClient client, Throwable failure) {
    events.add(new Failed(failure));
  }

  @Override public void onClosed(ChatClient client) {
    events.add(new Closed());
  }

  /** The next call of the given kind, skipping others; fails after 10 s. */
  <T> T next(Class<T> type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Object e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertNotNull(e, "no " + type.getSimpleName() + " within 10 s");
      if (type.isInstance(e)) {
        return type.cast(e);
      }
    }
  }

  /** Takes the next message, which must be {@code conv}/{@code seq}; other calls are skipped. */
  void assertMessage(String conv, long seq) throws InterruptedException {
    Event.Message m = next(Event.Message.class);
    assertEquals(conv + " " + seq, m.conv() + " " + m.seq());
  }

  /** Takes the next update, which must be {@code conv}/{@code rev}; other calls are skipped. */
  void assertUpdate(String conv, long rev) throws InterruptedException {
    Event.Update u = next(Event.Update.class);
    assertEquals(conv + " " + rev, u.conv() + " " + u.rev());
  }

  /** No message is waiting (other calls are dropped). */
  void assertNoMessageQueued() {
    for (Object e = events.poll(); e != null; e = events.poll()) {
      if (e instanceof Event.Message m) {
        assertNull(m, "unexpected message " + m);
      }
    }
  }
}
