package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A test client that speaks the chat protocol, whatever WebSocket implementation carries it:
 * subclasses feed {@link #received} and {@link #ended}, and implement {@link #send}. Keeps events
 * in arrival order; every wait is bounded.
 */
abstract class ChatPeer implements AutoCloseable {
  static final long TIMEOUT_SECONDS = 10;
  static final String PASSWORD = "correct horse";

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final List<Event> skipped = new ArrayList<>(); // seen by await(), not yet matched
  private final CompletableFuture<RawWebSocket.Closed> closed = new CompletableFuture<>();
  private final AtomicInteger ids = new AtomicInteger();
  String user;
  String token;

  /** Sends one request as one text frame. */
  abstract void send(Request request) throws IOException;

  /** Drops the connection without a closing handshake. */
  @Override
  public abstract void close();

  /** For subclasses: an event arrived. */
  final void received(Event event) {
    events.add(event);
  }

  /** For subclasses: the connection ended (or reading it failed). */
  final void ended(RawWebSocket.Closed how, Throwable failure) {
    if (failure != null) {
      closed.completeExceptionally(failure);
    } else {
      closed.complete(how);
    }
  }

  String nextId() {
    return "r" + ids.incrementAndGet();
  }

  /** The next event, in arrival order (events skipped by {@link #await} first). */
  Event next() throws InterruptedException {
    synchronized (skipped) {
      if (!skipped.isEmpty()) {
        return skipped.remove(0);
      }
    }
    Event e = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(e, "no event within " + TIMEOUT_SECONDS + " s (closed: " + closedNow() + ")");
    return e;
  }

  /**
   * The first event of {@code type} matching {@code match}; other events are kept, in order, for
   * later calls.
   */
  <T extends Event> T await(Class<T> type, Predicate<T> match) throws InterruptedException {
    synchronized (skipped) {
      for (Iterator<Event> it = skipped.iterator(); it.hasNext(); ) {
        Event e = it.next();
        if (type.isInstance(e) && match.test(type.cast(e))) {
          it.remove();
          return type.cast(e);
        }
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    for (;;) {
      Event e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (e == null) {
        fail("no " + type.getSimpleName() + " within " + TIMEOUT_SECONDS + " s (closed: "
            + closedNow() + ")");
      }
      if (type.isInstance(e) && match.test(type.cast(e))) {
        return type.cast(e);
      }
      synchronized (skipped) {
        skipped.add(e);
      }
    }
  }

  /** Sends a request with a fresh id and returns its reply ({@code ok} or {@code error}). */
  Event request(Function<String, Request> build) throws IOException, InterruptedException {
    String id = nextId();
    send(build.apply(id));
    return await(Event.class, e -> (e instanceof Event.Ok ok && id.equals(ok.re()))
        || (e instanceof Event.Error err && id.equals(err.re())));
  }

  /** Like {@link #request} but the reply must be {@code ok}; returns its result. */
  <R extends Result> R call(Function<String, Request> build, Class<R> result)
      throws IOException, InterruptedException {
    Event reply = request(build);
    if (!(reply instanceof Event.Ok ok)) {
      throw new AssertionError("expected ok, got " + reply);
    }
    return assertInstanceOf(result, ok.result());
  }

  /** Registers {@code name} and stays logged in as that user. */
  @SuppressWarnings("unchecked")
  <P extends ChatPeer> P register(String name) throws IOException, InterruptedException {
    Result.Auth auth = call(id -> new Request.Register(id, name, PASSWORD), Result.Auth.class);
    assertEquals(name, auth.user());
    user = name;
    token = auth.token();
    return (P) this;
  }

  /** A round trip through the server: proves the connection is open and served. */
  void ping() throws IOException, InterruptedException {
    assertInstanceOf(Event.Ok.class, request(Request.Ping::new), "ping");
  }

  /** Sends {@code text} to {@code to} and returns the server's {@code ok}. */
  Result.Sent sendMessage(String to, String text) throws IOException, InterruptedException {
    String cid = "cid-" + nextId();
    return call(id -> new Request.Send(id, to, text, cid), Result.Sent.class);
  }

  /** A message event for {@code conv} with this {@code seq}. */
  Event.Message awaitMessage(String conv, long seq) throws InterruptedException {
    return await(Event.Message.class, m -> m.conv().equals(conv) && m.seq() == seq);
  }

  /** How the server ended the connection, waiting at most {@code timeoutMs}. */
  RawWebSocket.Closed awaitClosed(long timeoutMs) throws InterruptedException {
    try {
      return closed.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not closed within " + timeoutMs + " ms");
    } catch (ExecutionException e) {
      throw new AssertionError("reading failed", e.getCause());
    }
  }

  boolean isClosed() {
    return closed.isDone();
  }

  private String closedNow() {
    return closed.isDone() ? String.valueOf(closed.getNow(null)) : "no";
  }
}
