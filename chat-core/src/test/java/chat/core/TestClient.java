package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.core.local.LocalClient;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link LocalClient} with its recorder, and short ways to make requests in tests. */
final class TestClient implements AutoCloseable {
  private static final AtomicInteger ids = new AtomicInteger();

  final LocalClient client;
  final EventRecorder events;
  String user;
  String token;

  TestClient(LocalClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  static String nextId() {
    return "r" + ids.incrementAndGet();
  }

  /** Sends a request with an id and returns its reply, which is not recorded as an event. */
  Event call(Request request) {
    events.consumeRepliesTo(request.id());
    try {
      return client.call(request).get(EventRecorder.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("no reply to " + request, e);
    }
  }

  /** Sends a request with an id that must succeed; returns its result. */
  <R extends Result> R ok(Request request, Class<R> resultType) {
    Event reply = call(request);
    Event.Ok ok = assertInstanceOf(Event.Ok.class, reply, () -> "reply to " + request);
    assertEquals(request.id(), ok.re());
    return resultType.cast(assertInstanceOf(resultType, ok.result()));
  }

  void ok(Request request) {
    ok(request, Result.Empty.class);
  }

  /** Sends a request with an id that must fail with {@code code}; returns the error. */
  Event.Error error(Request request, ErrorCode code) {
    Event reply = call(request);
    Event.Error error = assertInstanceOf(Event.Error.class, reply, () -> "reply to " + request);
    assertEquals(code, error.code(), error.message());
    assertEquals(request.id(), error.re());
    return error;
  }

  Result.Auth register(String name) {
    Result.Auth auth = ok(new Request.Register(nextId(), name, TestChat.PASSWORD), Result.Auth.class);
    user = auth.user();
    token = auth.token();
    return auth;
  }

  Result.Auth loginWithToken(String token) {
    Result.Auth auth = ok(new Request.TokenLogin(nextId(), token), Result.Auth.class);
    user = auth.user();
    this.token = token;
    return auth;
  }

  Result.Sent send(String to, String text) {
    return ok(new Request.Send(nextId(), to, text, "c-" + nextId()), Result.Sent.class);
  }

  Result.Created createRoom(String room, boolean isPrivate) {
    return ok(new Request.Create(nextId(), room, "topic of " + room, isPrivate),
        Result.Created.class);
  }

  Result.Joined join(String room) {
    return ok(new Request.Join(nextId(), room), Result.Joined.class);
  }

  Result.History history(String conv, Long after, Long before, Integer limit) {
    return ok(new Request.History(nextId(), conv, after, before, limit), Result.History.class);
  }

  Result.Rooms rooms() {
    return ok(new Request.ListRooms(nextId()), Result.Rooms.class);
  }

  List<Result.MemberInfo> members(String room) {
    return ok(new Request.Members(nextId(), room), Result.Members.class).members();
  }

  void leave(String room) {
    ok(new Request.Leave(nextId(), room));
  }

  void invite(String room, String user) {
    ok(new Request.Invite(nextId(), room, user));
  }

  void kick(String room, String user) {
    ok(new Request.Kick(nextId(), room, user));
  }

  /** Waits for everything sent to this client before now, then forgets it. */
  void settle() {
    barrier();
    events.drain();
  }

  /**
   * Waits until everything sent to this client before now has arrived (a ping's reply comes after
   * it), then asserts nothing else was recorded.
   */
  void assertQuiet() {
    barrier();
    events.assertExhausted();
  }

  /** Waits until every event queued for this client before now has been recorded. */
  void barrier() {
    call(new Request.Ping(nextId()));
  }

  @Override
  public void close() {
    client.close();
  }
}
