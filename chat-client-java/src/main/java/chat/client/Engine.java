package chat.client;

import chat.client.ChatClient.State;
import chat.client.ChatClientException.ClientClosedException;
import chat.client.ChatClientException.NotConnectedException;
import chat.client.ChatClientException.SignedOutException;
import chat.client.ChatClientException.TooManyPendingException;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.FrameCodec;
import chat.protocol.Limits;
import chat.protocol.MalformedFrameException;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a {@link ChatClient}: connection, login, catch-up, sends, requests. Every method
 * runs on the client's state thread ({@code loop}); listener calls and future completions are
 * handed to the {@link Dispatcher}, which runs them in order on the client's event thread.
 *
 * <p>A connection goes: open socket → {@code hello} → log in (token, password, register as
 * configured) → {@code conversations} → {@code history after} per conversation until {@code
 * more} is false → {@link State#CONNECTED}. Live messages that arrive while the list or a
 * conversation's history is being fetched are held (see {@link ConversationTracker}), so the
 * listener sees each message once, in seq order per conversation.
 *
 * <p>Changes to messages (edits, deletions, reactions) are numbered by a second counter per
 * conversation, {@code rev}. After a conversation's history, the catch-up pages through {@code
 * updates afterRev} the last rev delivered; live {@code update}s that arrive meanwhile are held
 * (see {@link UpdateTracker}), so the listener sees each change once, in rev order.
 */
final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final FrameCodec CODEC = new FrameCodec();
  /** Sends on the wire at once: enough to keep the server's group commit busy. */
  static final int SEND_WINDOW = 32;
  /**
   * Conversations caught up at once after a (re)connect; the others wait their turn, their live
   * messages and changes held. A client in thousands of conversations queued a history request
   * for each at once: frames without bound in the outbox, and a burst the server's budget of
   * requests per user refuses.
   */
  static final int SYNCS_AT_ONCE = 8;
  /** Received frames that may wait for the listener before the client stops reading. */
  static final int MAX_QUEUED_FRAMES = 1_000;
  /** Wait before resending after the server's {@code internal} error. */
  private static final long INTERNAL_RETRY_MS = 1_000;
  /** The longest a rate_limited or internal answer pauses sends, or a catch-up request. */
  static final long MAX_RETRY_PAUSE_MS = 60_000;

  /** Member actions that, about this user, end its following of the room. */
  private static final Set<String> STOPS_FOLLOWING = Set.of("kick", "leave", "ban", "deleted");

  private enum AuthStep { TOKEN, LOGIN, REGISTER }

  /** A request held until the login: {@code send} makes it, {@code future} fails if it never can. */
  private record WaitingRequest(Runnable send, CompletableFuture<?> future) {}

  private final ChatClient client;
  private final ChatClient.Builder config;
  private final ScheduledExecutorService loop;
  private final Dispatcher dispatch;
  private final FileUrls fileUrls;
  private final Backoff backoff;
  private final ConversationTracker tracker = new ConversationTracker();
  private final UpdateTracker updates = new UpdateTracker();
  /** Rooms followed since a moment whose rev is being asked for (see learnRevBaseline). */
  private final Set<String> learningRevs = new HashSet<>();
  private final SendQueue sends;
  private final Map<String, Consumer<Event>> inFlight = new HashMap<>(); // by request id
  /**
   * When the server last answered a request, or (if later) when a request went in flight with
   * none in flight before (System.nanoTime()).
   */
  private long lastProgressNanos;
  private boolean watchingReplies; // a check of the server's progress is scheduled
  private final Outbox outbox;
  /** Requests of the application made while connecting, sent once logged in (see request). */
  private final List<WaitingRequest> waitingForLogin = new ArrayList<>();
  /** Received frames not yet handled and passed to the listener; the read thread waits at 0. */
  private final Semaphore inbound = new Semaphore(MAX_QUEUED_FRAMES);
  final CompletableFuture<Void> firstConnect = new CompletableFuture<>();

  // Read by any thread through ChatClient; written only here.
  volatile State state = State.DISCONNECTED;
  volatile String user;
  volatile String token;
  volatile String epoch;
  volatile Limits limits;
  volatile List<String> features = List.of();
  volatile Map<String, Long> finalLastSeen; // set when closed
  volatile Map<String, Long> finalLastRevs; // set when closed

  private WsConnection socket; // the current connection, or null
  private String password; // the configured one, replaced by a password change; or null
  private boolean endingSession; // this client logged out or deleted the account: closing next
  private boolean authenticated;
  private ArrayDeque<AuthStep> authSteps;
  private Event.Error lastAuthError;
  private boolean baselineSet; // false until a catch-up (or resumeFrom) fixed where to follow from
  private boolean freshEpoch; // a new store: every conversation in it is new to this client
  private int attempt;
  private long nextId;
  private int userRequests; // requests of the application in flight (bounded)
  /**
   * Conversations' catch-ups not started yet (at most SYNCS_AT_ONCE run), oldest first; with
   * those running, what is left before the state is CONNECTED.
   */
  private final ArrayDeque<Runnable> waitingSyncs = new ArrayDeque<>();
  private int runningSyncs;
  private boolean startingSyncs; // runWaitingSyncs is running
  private TokenBucket sendBucket;
  private long sendsPausedUntil; // System.nanoTime() before which no send is transmitted
  private boolean pumpScheduled;

  Engine(ChatClient client, ChatClient.Builder config, ScheduledExecutorService loop,
      Dispatcher dispatch) {
    this.client = client;
    this.config = config;
    this.loop = loop;
    this.dispatch = dispatch;
    this.fileUrls = new FileUrls(config.httpOrigin);
    this.backoff = new Backoff(config.minBackoff.toMillis(), config.maxBackoff.toMillis());
    this.sends = new SendQueue(config.maxPendingSends);
    this.outbox = new Outbox(config.requestsPerSecond, config.requestBurst,
        config.requestRateChosen, (task, nanos) -> schedule(task, nanos, TimeUnit.NANOSECONDS));
    this.token = config.token;
    this.password = config.password;
    this.epoch = config.resumeEpoch;
    if (config.resumeFrom != null) {
      config.resumeFrom.forEach(tracker::setBaseline);
      baselineSet = true;
    }
    if (config.resumeRevs != null) {
      config.resumeRevs.forEach(updates::setBaseline);
    }
  }

  // ---- Called by ChatClient (on the loop) ----

  void connect() {
    if (state == State.DISCONNECTED && socket == null) {
      openSocket();
    }
  }

  void send(String to, String text, String cid, Long replyTo, List<String> files,
      CompletableFuture<Result.Sent> future) {
    if (state == State.CLOSED) {
      dispatch.fail(future, new ClientClosedException());
      return;
    }
    SendQueue.Pending existing = sends.find(cid);
    if (existing != null) {
      if (!existing.to.equals(to) || !existing.text.equals(text)
          || !Objects.equals(existing.replyTo, replyTo) || !existing.files.equals(files)) {
        dispatch.fail(future, new IllegalArgumentException(
            "cid " + cid + " is already used by a pending send with other content"));
      } else {
        existing.future.whenComplete((r, e) -> {
          if (e != null) {
            future.completeExceptionally(e);
          } else {
            future.complete(r);
          }
        });
      }
      return;
    }
    if (sends.isFull()) {
      dispatch.fail(future, new TooManyPendingException(sends.capacity(), "sends"));
      return;
    }
    sends.add(new SendQueue.Pending(to, text, cid, replyTo, files, future));
    pumpSends();
  }

  /** Completes {@code future} on the event thread, in order with everything else it does. */
  <T> void settle(CompletableFuture<T> future, T value, Throwable failure) {
    if (failure != null) {
      dispatch.fail(future, failure instanceof CompletionException && failure.getCause() != null
          ? failure.getCause() : failure);
    } else {
      dispatch.complete(future, value);
    }
  }

  /**
   * Sends an application request. {@code onOk} runs on the loop with the result before the
   * future completes (to update the client's state); it may be null.
   */
  <R extends Result> void request(Function<String, Request> build, Class<R> type,
      Consumer<R> onOk, CompletableFuture<R> future) {
    if (state == State.CLOSED) {
      dispatch.fail(future, new ClientClosedException());
      return;
    }
    if (userRequests + waitingForLogin.size() >= config.maxPendingRequests) {
      dispatch.fail(future, new TooManyPendingException(config.maxPendingRequests, "requests"));
      return;
    }
    if (!authenticated) {
      if (state != State.CONNECTING) {
        dispatch.fail(future, new NotConnectedException()); // waiting to reconnect, or not started
        return;
      }
      // A connection is being opened (e.g. onEpochChanged, which comes between the hello and
      // the login): the request goes out once logged in, or fails if this connection does.
      waitingForLogin.add(new WaitingRequest(() -> request(build, type, onOk, future), future));
      return;
    }
    String id = nextId();
    String frame = CODEC.encode(build.apply(id));
    ChatErrorException tooLarge = checkSize(frame);
    if (tooLarge != null) {
      dispatch.fail(future, tooLarge);
      return;
    }
    userRequests++;
    expectReply(id, reply -> {
      userRequests--;
      if (reply instanceof Event.Ok ok && type.isInstance(ok.result())) {
        R result = type.cast(ok.result());
        if (onOk != null) {
          onOk.accept(result);
        }
        dispatch.complete(future, result);
      } else if (reply instanceof Event.Error error) {
        dispatch.fail(future, toException(error));
      } else if (reply == null) {
        dispatch.fail(future, state == State.CLOSED
            ? new ClientClosedException() : new NotConnectedException());
      } else {
        dispatch.fail(future, new ChatClientException("unexpected reply: " + reply));
      }
    });
    write(frame);
  }

  void joined(Result.Joined joined) {
    Long seen = tracker.lastSeen(joined.conv());
    if (seen == null || seen > joined.lastSeq()) {
      // Followed from the join on. Seen further than the room goes: a deleted room's name,
      // created again, whose seqs started over.
      tracker.forget(joined.conv());
      tracker.setBaseline(joined.conv(), joined.lastSeq());
      updates.forget(joined.conv());
      learnRevBaseline(joined.conv()); // the join's reply does not say where its revs stand
    }
  }

  void created(Result.Created created) {
    tracker.forget(created.room()); // a new room; seqs seen under its name were a deleted one's
    tracker.setBaseline(created.room(), 0);
    updates.reset(created.room(), 0);
  }

  /** A password change succeeded: the old token is dead, reconnects use the new one. */
  void passwordChanged(String newPassword, Result.Auth auth) {
    token = auth.token();
    if (password != null) {
      password = newPassword; // a password login after the token expires needs the new one
    }
  }

  /**
   * This client revoked its own session (logout, logout everywhere, deleted account); the
   * caller queues {@link #shutdown}. The server closing the connection meanwhile is expected,
   * not a reason to reconnect.
   */
  void endSession() {
    endingSession = true;
    token = null;
  }

  void left(String room) {
    String conv = room.startsWith("#") ? room : "#" + room;
    tracker.forget(conv);
    updates.forget(conv);
  }

  Map<String, Long> lastSeen() {
    return tracker.snapshot();
  }

  Map<String, Long> lastRevs() {
    return updates.snapshot();
  }

  /** Received frames still waiting to be handled or seen by the listener (for tests). */
  int queuedFrames() {
    return MAX_QUEUED_FRAMES - inbound.availablePermits();
  }

  /** Whether the socket's read thread waits for the listener to catch up (for tests). */
  boolean readingPaused() {
    return inbound.hasQueuedThreads();
  }

  /** Closes for good: fails what is pending, reports {@code onClosed}, ends the threads. */
  void shutdown() {
    if (state == State.CLOSED) {
      return;
    }
    setState(State.CLOSED);
    finalLastSeen = tracker.snapshot();
    finalLastRevs = updates.snapshot();
    WsConnection s = socket;
    socket = null;
    if (s != null) {
      if (authenticated) {
        s.close(); // a clean close; ChatClient.close() aborts it if the server does not answer
      } else {
        s.abort(); // still connecting: a clean close would do nothing
      }
      client.closing(s);
    }
    authenticated = false;
    List<Consumer<Event>> handlers = new ArrayList<>(inFlight.values());
    inFlight.clear();
    outbox.attach(null);
    handlers.forEach(h -> h.accept(null));
    ClientClosedException closed = new ClientClosedException();
    failWaitingRequests(closed);
    for (SendQueue.Pending p : sends.drain()) {
      dispatch.fail(p.future, closed);
    }
    dispatch.fail(firstConnect, closed);
    dispatch.emit(l -> l.onClosed(client));
    dispatch.shutdown();
    loop.shutdown(); // delayed tasks (reconnect, pacing timers) are dropped: see ChatClient
  }

  // ---- Connection ----

  private void openSocket() {
    setState(State.CONNECTING);
    authenticated = false;
    WsConnection s = new WsConnection(config.uri, (int) config.connectTimeout.toMillis(),
        (int) config.pingInterval.toSeconds(), config.socketFactory,
        config.maxInboundFrameBytes, new WsConnection.Callbacks() {
          @Override public void onText(WsConnection from, String text) {
            // On the socket's read thread: blocks while too much awaits the listener, so a slow
            // listener slows reading (the server then closes us as a slow consumer, and we
            // catch up after reconnecting) instead of filling memory.
            try {
              inbound.acquire();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
            client.onLoop(() -> {
              try {
                onFrame(from, text);
              } finally {
                dispatch.after(inbound::release); // once the listener has seen what it caused
              }
            }, inbound::release);
          }

          @Override public void onClosed(WsConnection from, int code, String reason) {
            client.onLoop(() -> onSocketClosed(from, code, reason));
          }
        });
    socket = s;
    outbox.attach(s);
    s.connect();
    // The library has no deadline for the handshake, the hello or the login: this is it.
    long deadlineMs = config.connectTimeout.toMillis() * 2;
    schedule(() -> {
      if (socket == s && !authenticated) {
        abandon(s, 1006, "no login within " + deadlineMs + " ms");
      }
    }, deadlineMs, TimeUnit.MILLISECONDS);
  }

  private void abandon(WsConnection s, int code, String reason) {
    s.abort();
    onSocketClosed(s, code, reason);
  }

  private void onSocketClosed(WsConnection from, int code, String reason) {
    if (from != socket) {
      return;
    }
    socket = null;
    authenticated = false;
    outbox.attach(null);
    if (state != State.CLOSED && endingSession) {
      return; // shutdown is queued: it fails what is pending
    }
    SignedOutException signedOut = SignedOutException.fromClose(code, reason);
    if (state != State.CLOSED && signedOut != null) {
      token = null; // revoked: never offered again
      fatal(signedOut); // fails what is pending, closes; no reconnect
      return;
    }
    List<Consumer<Event>> handlers = new ArrayList<>(inFlight.values());
    inFlight.clear();
    handlers.forEach(h -> h.accept(null)); // requests fail with NotConnected; sends stay queued
    failWaitingRequests(new NotConnectedException());
    sends.connectionLost();
    tracker.connectionLost();
    updates.connectionLost();
    learningRevs.clear();
    waitingSyncs.clear();
    runningSyncs = 0;
    if (state == State.CLOSED) {
      return;
    }
    String why = reason == null || reason.isEmpty() ? "connection lost" : reason;
    dispatch.emit(l -> l.onDisconnected(client, code, why));
    setState(State.DISCONNECTED);
    long delay = backoff.delayMs(attempt++);
    log.debug("disconnected ({} {}); reconnecting in {} ms", code, why, delay);
    schedule(() -> {
      if (state == State.DISCONNECTED && socket == null) {
        openSocket();
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  private void onFrame(WsConnection from, String text) {
    if (from != socket) {
      from.abort(); // a connection given up on that opened after all
      return;
    }
    Event event;
    try {
      event = fileUrls.resolve(CODEC.decodeEvent(text));
    } catch (MalformedFrameException e) {
      String re = replyTo(text);
      if (re != null && inFlight.containsKey(re)) {
        // A reply dropped would leave its request (a catch-up page, the caller's future)
        // waiting for good: it fails instead.
        reply(re, new Event.Error(re, ErrorCode.INTERNAL,
            "the server's reply could not be read: " + e.getMessage(), null));
      } else {
        log.debug("ignoring a frame this client does not understand: {}", e.getMessage());
      }
      return;
    }
    if (event instanceof Event.Ok ok) {
      reply(ok.re(), event);
    } else if (event instanceof Event.Error error) {
      if (error.re() == null || !inFlight.containsKey(error.re())) {
        log.debug("error from the server: {} {}", error.code(), error.message());
      } else {
        reply(error.re(), event);
      }
    } else if (event instanceof Event.Hello hello) {
      onHello(hello);
    } else if (event instanceof Event.Message m) {
      onLiveMessage(m);
    } else if (event instanceof Event.Update u) {
      onLiveUpdate(u);
    } else if (event instanceof Event.Read r) {
      dispatch.emit(l -> l.onRead(client, r));
    } else if (event instanceof Event.Typing t) {
      dispatch.emit(l -> l.onTyping(client, t));
    } else if (event instanceof Event.Presence p) {
      dispatch.emit(l -> l.onPresence(client, p));
    } else if (event instanceof Event.Member m) {
      if (m.user().equals(user) && STOPS_FOLLOWING.contains(m.action())) {
        tracker.forget(m.conv()); // its seqs now mean nothing to this user (or start over)
        updates.forget(m.conv());
      }
      dispatch.emit(l -> l.onMember(client, m));
    } else if (event instanceof Event.RoomChanged r) {
      dispatch.emit(l -> l.onRoomChanged(client, r));
    }
  }

  /**
   * How long to wait before trying again after an answer rate_limited (with the server's {@code
   * retryAfterMs}) or internal (null): sends pause, a catch-up request is asked again. At least
   * 1 ms, at most {@link #MAX_RETRY_PAUSE_MS}, so that a server's (or anyone's on a ws:// path)
   * "wait a century" stops them for a minute at most, and stays clear of nanoTime's overflow.
   */
  static long retryPauseMs(Long retryAfterMs) {
    long waitMs = retryAfterMs != null ? retryAfterMs : INTERNAL_RETRY_MS;
    return Math.min(Math.max(1, waitMs), MAX_RETRY_PAUSE_MS);
  }

  /**
   * The {@code re} of a frame the codec refused, if it is an object with a string {@code re} at
   * its top; else null. Reads the top level only and skips values without building them (no
   * recursion; Gson's reader refuses nesting past its limit).
   */
  static String replyTo(String text) {
    try (JsonReader r = new JsonReader(new StringReader(text))) {
      r.beginObject();
      while (r.hasNext()) {
        if (r.nextName().equals("re") && r.peek() == JsonToken.STRING) {
          return r.nextString();
        }
        r.skipValue();
      }
    } catch (IOException | RuntimeException notJson) {
      // no id to answer
    }
    return null;
  }

  /**
   * Waits for the reply to request {@code id}: {@code handler} gets it (or null if the
   * connection ends first). A server that answers nothing for the request timeout while
   * requests are in flight is given up on: the connection is dropped, every request in flight
   * fails (catch-up ones are made again after reconnecting), and the client connects again.
   * Counted from the server's last answer, not from each request: requests may wait in the
   * outbox behind a long catch-up, and a server working through them keeps answering.
   */
  private void expectReply(String id, Consumer<Event> handler) {
    if (inFlight.isEmpty()) {
      lastProgressNanos = System.nanoTime();
    }
    inFlight.put(id, handler);
    if (!watchingReplies) {
      watchReplies();
    }
  }

  private void watchReplies() {
    watchingReplies = true;
    schedule(this::checkReplies, Math.max(100, config.requestTimeout.toMillis() / 4),
        TimeUnit.MILLISECONDS);
  }

  private void checkReplies() {
    watchingReplies = false;
    if (inFlight.isEmpty()) {
      return; // the next request starts watching again
    }
    if (System.nanoTime() - lastProgressNanos > config.requestTimeout.toNanos()
        && socket != null) {
      abandon(socket, 1006, "no answer from the server within "
          + config.requestTimeout.toMillis() + " ms");
      return;
    }
    watchReplies();
  }

  private void reply(String re, Event reply) {
    Consumer<Event> handler = re == null ? null : inFlight.remove(re);
    if (handler != null) {
      lastProgressNanos = System.nanoTime();
      handler.accept(reply);
    }
  }

  // ---- Login ----

  private void onHello(Event.Hello hello) {
    if (epoch != null && !epoch.equals(hello.epoch())) {
      String previous = epoch;
      tracker.clear();
      updates.clear();
      freshEpoch = true;
      baselineSet = true;
      dispatch.emit(l -> l.onEpochChanged(client, previous, hello.epoch()));
    }
    epoch = hello.epoch();
    Limits previousLimits = limits;
    limits = hello.limits();
    features = hello.features();
    if (sendBucket == null || !limits.equals(previousLimits)) {
      sendBucket = new TokenBucket(limits.sendPerSecond(), limits.sendBurst(), System::nanoTime);
    }
    outbox.serverLimit(limits.requestsPerSecond(), limits.requestBurst());
    authSteps = new ArrayDeque<>();
    if (token != null) {
      authSteps.add(AuthStep.TOKEN);
    }
    if (password != null) {
      if (config.register && user == null) {
        authSteps.add(AuthStep.REGISTER); // first time: create the account, or log in if taken
        authSteps.add(AuthStep.LOGIN);
      } else {
        authSteps.add(AuthStep.LOGIN);
        if (config.register) {
          authSteps.add(AuthStep.REGISTER); // the account is gone (new store): create it again
        }
      }
    }
    lastAuthError = null;
    authenticateNext();
  }

  private void authenticateNext() {
    AuthStep step = authSteps.poll();
    if (step == null) {
      fatal(lastAuthError != null ? toException(lastAuthError)
          : new ChatClientException("no credentials left to try"));
      return;
    }
    String id = nextId();
    Request auth = switch (step) {
      case TOKEN -> new Request.TokenLogin(id, token);
      case LOGIN -> new Request.Login(id, config.user, password);
      case REGISTER -> new Request.Register(id, config.user, password);
    };
    expectReply(id, reply -> onAuthReply(step, reply));
    write(CODEC.encode(auth));
  }

  private void onAuthReply(AuthStep step, Event reply) {
    if (reply instanceof Event.Ok ok && ok.result() instanceof Result.Auth result) {
      token = result.token();
      user = result.user();
      authenticated = true;
      catchUp();
      pumpSends();
      sendWaitingRequests();
      return;
    }
    if (!(reply instanceof Event.Error error)) {
      return; // the connection closed first; the next one tries again
    }
    if (error.code() == ErrorCode.RATE_LIMITED || error.code() == ErrorCode.INTERNAL) {
      abandon(socket, 1006, "login: " + error.code().wireName()); // passing: retry later
      return;
    }
    if (!(step == AuthStep.REGISTER && error.code() == ErrorCode.CONFLICT)) {
      lastAuthError = error; // a taken name only says "log in instead"
    }
    if (step == AuthStep.TOKEN && error.code() == ErrorCode.UNAUTHORIZED) {
      token = null; // expired or revoked: the password (if any) is next
      authenticateNext();
    } else if (error.code() == ErrorCode.UNAUTHORIZED || error.code() == ErrorCode.CONFLICT) {
      authenticateNext();
    } else {
      fatal(toException(error)); // e.g. bad_request: a malformed name or password
    }
  }

  /** Sends the requests made while connecting, in the order they were made. */
  private void sendWaitingRequests() {
    List<WaitingRequest> ready = new ArrayList<>(waitingForLogin);
    waitingForLogin.clear();
    ready.forEach(w -> w.send().run());
  }

  private void failWaitingRequests(ChatClientException e) {
    List<WaitingRequest> failed = new ArrayList<>(waitingForLogin);
    waitingForLogin.clear();
    failed.forEach(w -> dispatch.fail(w.future(), e));
  }

  // ---- Catch-up ----

  /** After login: list the conversations, fetch what was missed, then report CONNECTED. */
  private void catchUp() {
    tracker.beginListing();
    updates.beginListing();
    listConversations();
  }

  private void listConversations() {
    String id = nextId();
    expectReply(id, reply -> {
      if (reply instanceof Event.Ok ok && ok.result() instanceof Result.Conversations list) {
        onConversations(list);
      } else if (reply instanceof Event.Error error
          && !askAgainLater(error, this::listConversations)) {
        abandon(socket, 1006, "conversations: " + error.code().wireName());
      }
    });
    write(CODEC.encode(new Request.ListConversations(id)));
  }

  /**
   * A catch-up request refused {@code rate_limited} (the server's budget of requests per user,
   * which its hello does not advertise: a client in many conversations may pass it at the
   * flood limit's pace) is asked again after the server's {@code retryAfterMs}, at most a
   * minute, on the same connection if it is still the current one, rather than the connection
   * given up and every conversation's catch-up started over. False for any other error.
   */
  private boolean askAgainLater(Event.Error error, Runnable again) {
    if (error.code() != ErrorCode.RATE_LIMITED) {
      return false;
    }
    WsConnection current = socket;
    schedule(() -> {
      if (socket == current && authenticated) {
        again.run();
      } // else the next connection's catch-up starts over from what was delivered
    }, retryPauseMs(error.retryAfterMs()), TimeUnit.MILLISECONDS);
    return true;
  }

  private void onConversations(Result.Conversations list) {
    boolean first = !baselineSet;
    for (Result.ConversationInfo c : list.conversations()) {
      String conv = c.conv();
      Long seen = tracker.lastSeen(conv);
      Long historyAfter = null; // fetch history after this seq; null: nothing to fetch
      long revFrom; // deliver the changes after this rev
      if (freshEpoch) {
        if (c.lastSeq() > 0) {
          historyAfter = 0L; // a new store: all of it is new to this client
        } else {
          tracker.setBaseline(conv, 0);
        }
        revFrom = 0;
      } else if ((seen == null && (first || conv.startsWith("#")))
          || (seen != null && seen > c.lastSeq() && conv.startsWith("#"))) {
        // The first login follows every conversation from now on; a room joined elsewhere
        // while disconnected is followed from now on too, as is a room deleted and created
        // again under the same name meanwhile (its seqs started over).
        tracker.forget(conv);
        tracker.setBaseline(conv, c.lastSeq());
        revFrom = c.lastRev();
      } else {
        long after = seen == null ? 0 : seen;
        if (after < c.lastSeq()) {
          historyAfter = after;
        }
        Long revSeen = updates.lastRev(conv);
        // Not known: a direct conversation new to this client is followed from its start;
        // one resumed without revs from now on.
        revFrom = revSeen != null ? revSeen : seen == null ? 0 : c.lastRev();
      }
      revFrom = Math.min(revFrom, c.lastRev());
      updates.reset(conv, revFrom);
      boolean fetchUpdates = revFrom < c.lastRev();
      if (historyAfter != null || fetchUpdates) {
        startSync(conv, historyAfter, fetchUpdates);
      }
    }
    baselineSet = true;
    freshEpoch = false;
    ConversationTracker.Held held = tracker.endListing();
    for (Event.Message m : held.messages) {
      onLiveMessage(m);
    }
    if (held.overflowed) {
      for (Map.Entry<String, Long> e : tracker.snapshot().entrySet()) {
        if (!tracker.isSyncing(e.getKey())) {
          startSync(e.getKey(), e.getValue(), false); // refetch what did not fit
        }
      }
    }
    UpdateTracker.Held heldUpdates = updates.endListing();
    for (Event.Update u : heldUpdates.updates) {
      onLiveUpdate(u);
    }
    if (heldUpdates.overflowed) {
      for (Map.Entry<String, Long> e : updates.snapshot().entrySet()) {
        if (!updates.isHolding(e.getKey())) {
          repairUpdates(e.getKey(), e.getValue()); // refetch what did not fit
        }
      }
    }
    if (syncsLeft() == 0) {
      connected();
    }
  }

  /**
   * Catches one conversation up: its history after {@code historyAfter} (unless null), then
   * its changes after the rev it stands at (if {@code fetchUpdates}). Its live updates are held
   * until both are done, so that a change never comes before the message it changes.
   */
  private void startSync(String conv, Long historyAfter, boolean fetchUpdates) {
    updates.hold(conv);
    if (historyAfter != null) {
      tracker.startSync(conv); // its live messages are held from now, also while it waits
    }
    Runnable finish = () -> {
      releaseUpdates(conv);
      runningSyncs--;
      syncDone();
      runWaitingSyncs();
    };
    Runnable afterHistory = () -> {
      Long revSeen = updates.lastRev(conv);
      if (fetchUpdates && tracker.lastSeen(conv) != null && revSeen != null) {
        fetchUpdates(conv, revSeen, finish);
      } else {
        finish.run();
      }
    };
    waitingSyncs.add(historyAfter == null ? afterHistory
        : () -> fetch(conv, historyAfter, afterHistory));
    runWaitingSyncs();
  }

  /**
   * Starts waiting catch-ups while fewer than {@link #SYNCS_AT_ONCE} run. Not re-entered: one
   * that ends at once (nothing to fetch) lets the loop that started it go on.
   */
  private void runWaitingSyncs() {
    if (startingSyncs) {
      return;
    }
    startingSyncs = true;
    try {
      while (runningSyncs < SYNCS_AT_ONCE && authenticated && !waitingSyncs.isEmpty()) {
        runningSyncs++;
        waitingSyncs.poll().run();
      }
    } finally {
      startingSyncs = false;
    }
  }

  /** Catch-ups waiting or running. */
  private int syncsLeft() {
    return runningSyncs + waitingSyncs.size();
  }

  /**
   * Reports CONNECTED once the last catch-up ends, unless the conversation list is still being
   * read (one that ends at once, with nothing to fetch, must not report it before the others
   * listed after it have started: the end of the listing looks again).
   */
  private void syncDone() {
    if (syncsLeft() == 0 && authenticated && state == State.CONNECTING
        && !tracker.isListing()) {
      connected();
    }
  }

  private void connected() {
    attempt = 0;
    setState(State.CONNECTED);
    dispatch.complete(firstConnect, null);
  }

  /**
   * Fetches {@code conv}'s history after {@code after}, page by page, delivering as it goes;
   * then releases the live messages held meanwhile and runs {@code done}.
   */
  private void fetch(String conv, long after, Runnable done) {
    String id = nextId();
    int page = Math.min(config.historyPage, limits.historyMax());
    expectReply(id, reply -> {
      if (reply instanceof Event.Ok ok && ok.result() instanceof Result.History history) {
        long last = after;
        for (Event.Message m : history.messages()) {
          if (tracker.acceptFetched(m)) {
            dispatch.emit(l -> l.onMessage(client, m));
          }
          last = Math.max(last, m.seq());
        }
        if (history.more() && last > after) { // a page that moves nothing on would repeat
          fetch(conv, last, done);
          return;
        }
        ConversationTracker.Held held = tracker.endSync(conv);
        for (Event.Message m : held.messages) {
          onLiveMessage(m);
        }
        if (held.overflowed && !tracker.isSyncing(conv)) {
          tracker.startSync(conv);
          Long seen = tracker.lastSeen(conv);
          fetch(conv, seen == null ? 0 : seen, done); // what did not fit while held
          return;
        }
        done.run();
      } else if (reply instanceof Event.Error error) {
        if (error.code() == ErrorCode.FORBIDDEN || error.code() == ErrorCode.NOT_FOUND) {
          tracker.forget(conv); // no longer allowed to read it (kicked, left, gone)
          updates.forget(conv);
          done.run();
        } else if (!askAgainLater(error, () -> fetch(conv, after, done))) {
          tracker.endSync(conv);
          abandon(socket, 1006, "history: " + error.code().wireName()); // retry after reconnect
        }
      }
      // reply == null: disconnected; the next catch-up resumes from lastSeen
    });
    write(CODEC.encode(new Request.History(id, conv, after, null, page)));
  }

  private void onLiveMessage(Event.Message m) {
    if (updates.lastRev(m.conv()) == null && tracker.lastSeen(m.conv()) == null
        && !tracker.isListing()) {
      followChanges(m.conv());
    }
    switch (tracker.onLive(m)) {
      case DELIVER -> dispatch.emit(l -> l.onMessage(client, m));
      case FETCH_GAP -> {
        long seen = tracker.lastSeen(m.conv());
        tracker.startSync(m.conv());
        tracker.onLive(m); // held until the gap is filled
        // Changes to the missing messages must not come before them: hold live updates too.
        boolean holdUpdates = !updates.isHolding(m.conv());
        if (holdUpdates) {
          updates.hold(m.conv());
        }
        fetch(m.conv(), seen, holdUpdates ? () -> releaseUpdates(m.conv()) : () -> { });
      }
      case DUPLICATE, HOLD -> { }
    }
  }

  /**
   * Starts following the changes of a conversation that this client starts following with a
   * live message: a direct conversation from its start, a room (joined elsewhere) from now.
   */
  private void followChanges(String conv) {
    if (conv.startsWith("#")) {
      learnRevBaseline(conv);
    } else {
      updates.setBaseline(conv, 0);
    }
  }

  /**
   * Asks where a room's revs stand now (its {@code lastRev}), to follow its changes from there.
   * Changes that arrive live before the answer are delivered as they come (the first one sets
   * the baseline); the answer only matters if none does before the connection is lost, so
   * that the next catch-up fetches the changes made meanwhile.
   */
  private void learnRevBaseline(String conv) {
    if (!authenticated || !learningRevs.add(conv)) {
      return;
    }
    String id = nextId();
    expectReply(id, reply -> {
      learningRevs.remove(conv);
      if (reply instanceof Event.Ok ok && ok.result() instanceof Result.Conversations list
          && tracker.lastSeen(conv) != null && !updates.isHolding(conv)) {
        for (Result.ConversationInfo c : list.conversations()) {
          if (c.conv().equals(conv)) {
            updates.setBaseline(conv, c.lastRev());
          }
        }
      }
    });
    write(CODEC.encode(new Request.ListConversations(id)));
  }

  private void onLiveUpdate(Event.Update u) {
    switch (updates.onLive(u)) {
      case DELIVER -> dispatch.emit(l -> l.onUpdate(client, u));
      case FETCH_GAP -> {
        repairUpdates(u.conv(), updates.lastRev(u.conv()));
        updates.onLive(u); // held until the skipped revs are fetched
      }
      case DUPLICATE, HOLD -> { }
    }
  }

  /** Fetches the changes of {@code conv} after {@code after}, holding live ones meanwhile. */
  private void repairUpdates(String conv, long after) {
    updates.hold(conv);
    fetchUpdates(conv, after, () -> releaseUpdates(conv));
  }

  /** Ends holding {@code conv}'s live updates: passes on the new ones, refetches what overflowed. */
  private void releaseUpdates(String conv) {
    UpdateTracker.Held held = updates.release(conv);
    for (Event.Update u : held.updates) {
      onLiveUpdate(u);
    }
    if (held.overflowed && !updates.isHolding(conv)) {
      Long seen = updates.lastRev(conv);
      repairUpdates(conv, seen == null ? 0 : seen);
    }
  }

  /**
   * Fetches {@code conv}'s changes after rev {@code after}, page by page, delivering each new
   * one as it goes, then runs {@code done}.
   */
  private void fetchUpdates(String conv, long after, Runnable done) {
    String id = nextId();
    int page = Math.min(config.historyPage, limits.historyMax());
    expectReply(id, reply -> {
      if (reply instanceof Event.Ok ok && ok.result() instanceof Result.Updates result) {
        long last = after;
        for (Event.Update u : result.updates()) {
          if (updates.acceptFetched(u)) {
            dispatch.emit(l -> l.onUpdate(client, u));
          }
          last = Math.max(last, u.rev());
        }
        if (result.more() && last > after) {
          fetchUpdates(conv, last, done);
          return;
        }
        done.run();
      } else if (reply instanceof Event.Error error) {
        if (error.code() == ErrorCode.FORBIDDEN || error.code() == ErrorCode.NOT_FOUND) {
          updates.forget(conv); // no longer allowed to read it (kicked, left, gone)
          done.run();
        } else if (!askAgainLater(error, () -> fetchUpdates(conv, after, done))) {
          abandon(socket, 1006, "updates: " + error.code().wireName()); // retry after reconnect
        }
      }
      // reply == null: disconnected; the next catch-up resumes from the last rev delivered
    });
    write(CODEC.encode(new Request.Updates(id, conv, after, page)));
  }

  // ---- Sends ----

  /** Puts sends on the wire: the oldest first, at most SEND_WINDOW, at the server's send rate. */
  private void pumpSends() {
    while (authenticated && sends.inFlight() < SEND_WINDOW) {
      SendQueue.Pending next = sends.next();
      if (next == null) {
        return;
      }
      long wait = sendsPausedUntil - System.nanoTime();
      if (wait <= 0) {
        wait = sendBucket.tryTake();
      }
      if (wait > 0) {
        schedulePump(wait);
        return;
      }
      transmit(next);
    }
  }

  private void schedulePump(long nanos) {
    if (!pumpScheduled) {
      pumpScheduled = true;
      schedule(() -> {
        pumpScheduled = false; // before pumping, which may need to schedule the next round
        pumpSends();
      }, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void transmit(SendQueue.Pending send) {
    String id = nextId();
    String frame = CODEC.encode(new Request.Send(id, send.to, send.text, send.cid,
        send.replyTo, send.files));
    ChatErrorException tooLarge = checkSize(frame);
    if (tooLarge != null) {
      sends.remove(send);
      dispatch.fail(send.future, tooLarge);
      return;
    }
    sends.transmitted(send);
    expectReply(id, reply -> onSendReply(send, reply));
    write(frame);
  }

  private void onSendReply(SendQueue.Pending send, Event reply) {
    if (reply == null || !sends.contains(send)) {
      return; // disconnected (sent again after the next login), or closed
    }
    sends.answered(send);
    if (reply instanceof Event.Ok ok && ok.result() instanceof Result.Sent sent) {
      sends.remove(send);
      dispatch.complete(send.future, sent);
    } else if (reply instanceof Event.Error error) {
      boolean retry = (error.code() == ErrorCode.RATE_LIMITED && config.retryRateLimited)
          || error.code() == ErrorCode.INTERNAL;
      if (retry) {
        sendsPausedUntil = Math.max(sendsPausedUntil, System.nanoTime()
            + TimeUnit.MILLISECONDS.toNanos(retryPauseMs(error.retryAfterMs())));
      } else {
        sends.remove(send);
        dispatch.fail(send.future, toException(error));
      }
    } else {
      sends.remove(send);
      dispatch.fail(send.future, new ChatClientException("unexpected reply: " + reply));
    }
    pumpSends();
  }

  // ---- Frames out ----

  /** Queues a frame for the current connection, paced under the server's flood limit. */
  private void write(String frame) {
    outbox.write(frame);
  }

  /** A frame the server would refuse by closing the connection (1009) is refused here. */
  private ChatErrorException checkSize(String frame) {
    int max = limits == null ? Limits.DEFAULTS.maxFrameBytes() : limits.maxFrameBytes();
    if (frame.length() * 3L <= max) {
      return null; // cannot be too large, whatever the characters
    }
    int bytes = frame.getBytes(StandardCharsets.UTF_8).length;
    if (bytes <= max) {
      return null;
    }
    return new ChatErrorException(ErrorCode.TOO_LARGE,
        "request of " + bytes + " bytes is over the server's maxFrameBytes " + max, null);
  }

  // ---- Helpers ----

  private void fatal(ChatClientException e) {
    dispatch.emit(l -> l.onFailure(client, e));
    dispatch.fail(firstConnect, e);
    shutdown();
  }

  private void setState(State next) {
    if (state != next) {
      state = next;
      dispatch.emit(l -> l.onStateChanged(client, next));
    }
  }

  static ChatErrorException toException(Event.Error e) {
    return new ChatErrorException(e.code(), e.message(), e.retryAfterMs());
  }

  /** Runs {@code task} on the loop after a delay; a fault is logged, never silently lost. */
  private void schedule(Runnable task, long delay, TimeUnit unit) {
    loop.schedule(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("chat client fault", e);
      }
    }, delay, unit);
  }

  private String nextId() {
    return "c" + (++nextId);
  }
}
