package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import chat.protocol.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A listener that records every call: each on a queue, for tests to take in order (skipping
 * those they do not look for), and all messages and updates in delivery order, for
 * exactly-once checks. Every wait is bounded by {@link #WAIT_S}. Shared with chat-server-app's
 * black-box tests through this module's test-jar.
 */
public class Recorder extends ChatListener {
  /** How long a wait for a call lasts before the test fails. */
  public static final long WAIT_S = 15;

  /** Every call not yet taken by {@link #next}, in the order they came. */
  public final BlockingQueue<Object> calls = new LinkedBlockingQueue<>();
  private final List<Event.Message> messages = new ArrayList<>(); // guarded by this
  private final List<Event.Update> updates = new ArrayList<>(); // guarded by this

  public record StateChanged(ChatClient.State state) {}

  public record Disconnected(int code, String reason) {}

  public record EpochChanged(String previous, String epoch) {}

  public record Failed(Throwable failure) {}

  public record Closed() {}

  @Override public void onStateChanged(ChatClient client, ChatClient.State state) {
    calls.add(new StateChanged(state));
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
  public <T> T next(Class<T> type, Predicate<T> test) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (true) {
      Object call = calls.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertNotNull(call, "no matching " + type.getSimpleName() + " within " + WAIT_S + " s");
      if (type.isInstance(call) && test.test(type.cast(call))) {
        return type.cast(call);
      }
    }
  }

  /** The next call of {@code type}; others are skipped. Bounded wait. */
  public <T> T next(Class<T> type) throws InterruptedException {
    return next(type, t -> true);
  }

  /** The next message (skipping other calls) of {@code conv}. */
  public Event.Message nextMessage(String conv) throws InterruptedException {
    return next(Event.Message.class, m -> m.conv().equals(conv));
  }

  /** The next update (skipping other calls) of {@code conv}. */
  public Event.Update nextUpdate(String conv) throws InterruptedException {
    return next(Event.Update.class, u -> u.conv().equals(conv));
  }

  /** Takes the next message, which must be {@code conv}/{@code seq}; other calls are skipped. */
  public void assertMessage(String conv, long seq) throws InterruptedException {
    Event.Message m = next(Event.Message.class);
    assertEquals(conv + " " + seq, m.conv() + " " + m.seq());
  }

  /** Takes the next update, which must be {@code conv}/{@code rev}; other calls are skipped. */
  public void assertUpdate(String conv, long rev) throws InterruptedException {
    Event.Update u = next(Event.Update.class);
    assertEquals(conv + " " + rev, u.conv() + " " + u.rev());
  }

  /** Every message delivered so far, in delivery order. */
  public synchronized List<Event.Message> messages() {
    return List.copyOf(messages);
  }

  /** The seqs delivered for {@code conv}, in delivery order. */
  public synchronized List<Long> seqs(String conv) {
    return messages.stream().filter(m -> m.conv().equals(conv)).map(Event.Message::seq).toList();
  }

  /** The revs delivered to onUpdate for {@code conv}, in delivery order. */
  public synchronized List<Long> revs(String conv) {
    return updates.stream().filter(u -> u.conv().equals(conv)).map(Event.Update::rev).toList();
  }

  /** Waits until the update {@code rev} of {@code conv} was delivered. */
  public synchronized void awaitRev(String conv, long rev) throws InterruptedException {
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
  public synchronized void awaitText(String conv, String text) throws InterruptedException {
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
  public void assertExactlyOnceInOrder(String conv, long n) {
    List<Long> expected = new ArrayList<>();
    for (long seq = 1; seq <= n; seq++) {
      expected.add(seq);
    }
    assertEquals(expected, seqs(conv), "seqs delivered for " + conv);
  }
}
