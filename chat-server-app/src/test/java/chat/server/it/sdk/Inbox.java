package chat.server.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import chat.client.ChatClient;
import chat.client.ChatListener;
import chat.protocol.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A listener that records every call: all messages in delivery order (for exactly-once checks)
 * and every call on a queue (for waiting on one).
 */
class Inbox extends ChatListener {
  static final long WAIT_S = 15;

  private final List<Event.Message> messages = new ArrayList<>(); // guarded by this
  private final List<Event.Update> updates = new ArrayList<>(); // guarded by this
  final BlockingQueue<Object> calls = new LinkedBlockingQueue<>();

  record State(ChatClient.State state) {}

  record Disconnected(int code, String reason) {}

  record EpochChanged(String previous, String epoch) {}

  record Failed(Throwable failure) {}

  record Closed() {}

  @Override public void onStateChanged(ChatClient client, ChatClient.State state) {
    calls.add(new State(state));
  }

  @Override public void onMessage(ChatClient client, Event.Message message) {
    synchronized (this) {
      messages.add(message);
      notifyAll();
    }
    calls.add(message);
  }

  @Override public void onUpdate(ChatClient client, Event.Update update) {
    synchronized (this) {
      updates.add(update);
      notifyAll();
    }
    calls.add(update);
  }

  @Override public void onRead(ChatClient client, Event.Read read) {
    calls.add(read);
  }

  @Override public void onTyping(ChatClient client, Event.Typing typing) {
    calls.add(typing);
  }

  @Override public void onPresence(ChatClient client, Event.Presence presence) {
    calls.add(presence);
  }

  @Override public void onMember(ChatClient client, Event.Member member) {
    calls.add(member);
  }

  @Override public void onRoomChanged(ChatClient client, Event.RoomChanged room) {
    calls.add(room);
  }

  @Override public void onDisconnected(ChatClient client, int code, String reason) {
    calls.add(new Disconnected(code, reason));
  }

  @Override public void onEpochChanged(ChatClient client, String previous, String epoch) {
    calls.add(new EpochChanged(previous, epoch));
  }

  @Override public void onFailure(ChatClient client, Throwable failure) {
    calls.add(new Failed(failure));
  }

  @Override public void onClosed(ChatClient client) {
    calls.add(new Closed());
  }

  /** The next call of {@code type} matching {@code test}; others are skipped. Bounded wait. */
  <T> T next(Class<T> type, Predicate<T> test) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (true) {
      Object call = calls.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertNotNull(call, "no matching " + type.getSimpleName() + " within " + WAIT_S + " s");
      if (type.isInstance(call) && test.test(type.cast(call))) {
        return type.cast(call);
      }
    }
  }

  <T> T next(Class<T> type) throws InterruptedException {
    return next(type, t -> true);
  }

  /** The next message (skipping other calls) of {@code conv}. */
  Event.Message nextMessage(String conv) throws InterruptedException {
    return next(Event.Message.class, m -> m.conv().equals(conv));
  }

  /** Every message delivered so far, in delivery order. */
  synchronized List<Event.Message> messages() {
    return List.copyOf(messages);
  }

  /** The seqs delivered for {@code conv}, in delivery order. */
  synchronized List<Long> seqs(String conv) {
    return messages.stream().filter(m -> m.conv().equals(conv)).map(Event.Message::seq).toList();
  }

  /** The next update (skipping other calls) of {@code conv}. */
  Event.Update nextUpdate(String conv) throws InterruptedException {
    return next(Event.Update.class, u -> u.conv().equals(conv));
  }

  /** The revs delivered to onUpdate for {@code conv}, in delivery order. */
  synchronized List<Long> revs(String conv) {
    return updates.stream().filter(u -> u.conv().equals(conv)).map(Event.Update::rev).toList();
  }

  /** Waits until the update {@code rev} of {@code conv} was delivered. */
  synchronized void awaitRev(String conv, long rev) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (updates.stream().noneMatch(u -> u.conv().equals(conv) && u.rev() == rev)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("no rev " + rev + " in " + conv + " within " + WAIT_S + " s; got " + revs(conv));
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Waits until a message of {@code conv} with text {@code text} was delivered. */
  synchronized void awaitText(String conv, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (messages.stream().noneMatch(m -> m.conv().equals(conv) && m.text().equals(text))) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("no '" + text + "' in " + conv + " within " + WAIT_S + " s; got "
            + seqs(conv).size() + " messages there");
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Exactly seqs 1..n for {@code conv}, each once, in order. */
  void assertExactlyOnceInOrder(String conv, long n) {
    List<Long> expected = new ArrayList<>();
    for (long seq = 1; seq <= n; seq++) {
      expected.add(seq);
    }
    assertEquals(expected, seqs(conv), "seqs delivered for " + conv);
  }
}
