package chat.core;

import chat.protocol.DecodeResult;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.FrameCodec;
import chat.protocol.Request;
import chat.protocol.Result;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Core's state of one session: who signed in on it, its flood and auth deadlines, the requests
 * waiting behind a login, and the transport's {@link Session} its replies and events go to.
 *
 * <p>Lifecycle: open (hello sent, auth deadline armed) → authenticated (deadline cancelled,
 * registered as the user's session) → closed. Requests are handled in arrival order: while a
 * login is being checked on the auth pool, later requests wait in a bounded queue, and the
 * thread that finishes the login handles them before any new one.
 */
final class SessionState implements SessionHandler {
  private static final Logger log = LoggerFactory.getLogger(SessionState.class);
  private static final FrameCodec CODEC = new FrameCodec();

  private final ChatServiceImpl service;
  private final Session session;
  private final TokenBucket flood;
  private final int maxPending;

  private final Object lock = new Object();
  // Guarded by lock.
  private boolean gated; // another thread owns request handling (an async login, or its drain)
  private boolean asyncInFlight;
  private final ArrayDeque<Request> pending = new ArrayDeque<>();
  private boolean closed;
  /**
   * The server ended this connection ({@link #end}): its close is on its way through the
   * transport, and nothing the client sent, or had queued, is handled from now on.
   */
  private boolean ended;

  private final long openedNanos;
  private volatile String user;
  private volatile String tokenHash;
  private volatile ScheduledFuture<?> authDeadline;

  SessionState(ChatServiceImpl service, Session session, ChatConfig config, Ticker ticker) {
    this.service = service;
    this.session = session;
    this.flood = new TokenBucket(ticker, config.requestsPerSecond(), config.requestBurst());
    this.maxPending = config.maxPendingRequests();
    this.openedNanos = ticker.nanos();
  }

  /** When the connection opened, on the core's {@link Ticker}. */
  long openedNanos() {
    return openedNanos;
  }

  /** The client's address for per-address limits; "local" when the transport has none. */
  String clientAddress() {
    String address = session.clientAddress();
    return address == null ? "local" : address;
  }

  /** Closed by the client or the transport, or ended by the server: nobody waits for replies. */
  boolean isClosed() {
    synchronized (lock) {
      return closed || ended;
    }
  }

  /**
   * The server ends this connection (signed out, the account deleted or disabled, a flood, a
   * shutdown): from this moment no request of it is handled, neither one still queued behind a
   * password check nor one that arrives before the transport has closed it, and then the
   * transport is asked to close it. Without this, requests queued behind a deletion or an
   * undone sign-in ran as the user after the server had signed them out.
   */
  void end(int code, String reason) {
    synchronized (lock) {
      ended = true;
      pending.clear();
    }
    session.close(code, reason);
  }

  void armAuthDeadline(long timeoutMs) {
    authDeadline = service.executors().timer().schedule(() -> {
      if (user == null) {
        service.metrics().closed(ChatMetrics.Close.AUTH_TIMEOUT);
        end(CloseCodes.POLICY_VIOLATION, "authentication timeout");
      }
    }, timeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void receiveFrame(String frame) {
    DecodeResult decoded = CODEC.decodeRequest(frame);
    if (decoded instanceof DecodeResult.Valid valid) {
      receive(valid.request());
    } else {
      DecodeResult.Invalid invalid = (DecodeResult.Invalid) decoded;
      receiveInvalid(invalid.re(), invalid.message());
    }
  }

  @Override
  public void receiveInvalid(String re, String reason) {
    if (!admit()) {
      return;
    }
    send(new Outbound(new Event.Error(re, ErrorCode.BAD_REQUEST, reason)));
  }

  @Override
  public void receiveControlFrame() {
    admit();
  }

  @Override
  public void receive(Request request) {
    if (!admit()) {
      return;
    }
    synchronized (lock) {
      if (closed || ended) {
        return;
      }
      if (gated) {
        if (pending.size() >= maxPending) {
          fail(request.id(), new ChatException(ErrorCode.RATE_LIMITED,
              "too many requests while logging in", 1_000L));
        } else {
          pending.add(request);
        }
        return;
      }
    }
    service.handler().handle(this, request);
  }

  /** Flood control: false (and the connection closing) when the client sends too fast. */
  private boolean admit() {
    if (flood.tryTake() == 0) {
      return true;
    }
    // The MDC gives --log-format json its fields; slf4j-simple (the text format) ignores it.
    try (MDC.MDCCloseable r = MDC.putCloseable("remote", session.describe());
        MDC.MDCCloseable u = MDC.putCloseable("user", user)) {
      log.info("closing {}: flood", session.describe());
    }
    service.metrics().closed(ChatMetrics.Close.FLOOD);
    end(CloseCodes.POLICY_VIOLATION, "flood");
    return false;
  }

  /** Called by a handler, on the handling thread, before it hands work to another thread. */
  void beginAsync() {
    synchronized (lock) {
      gated = true;
      asyncInFlight = true;
    }
  }

  /** Called when async work started by {@link #beginAsync} is done; handles queued requests. */
  void endAsync() {
    synchronized (lock) {
      asyncInFlight = false;
    }
    for (;;) {
      Request next;
      synchronized (lock) {
        if (asyncInFlight) {
          return; // a queued request started new async work; its end drains the rest
        }
        next = closed || ended ? null : pending.poll();
        if (next == null) {
          gated = false;
          return;
        }
      }
      service.handler().handle(this, next);
    }
  }

  /** Marks this connection as logged in. False if it closed meanwhile. */
  boolean authenticate(String user, String tokenHash) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      this.tokenHash = tokenHash;
      this.user = user;
    }
    ScheduledFuture<?> deadline = authDeadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
    service.authenticated(this, user);
    return true;
  }

  /** After a password change: this connection now stands for its new token. */
  void switchToken(String newTokenHash) {
    this.tokenHash = newTokenHash;
  }

  @Override
  public void closed() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      pending.clear();
    }
    ScheduledFuture<?> deadline = authDeadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
    service.closed(this);
  }

  @Override
  public String user() {
    return user;
  }

  String tokenHash() {
    return tokenHash;
  }

  Session session() {
    return session;
  }

  void send(Outbound out) {
    session.send(out);
  }

  void send(Event event) {
    session.send(new Outbound(event));
  }

  /** Replies ok to a request, if it had an id. */
  void reply(String id, Result result) {
    if (id != null) {
      send(new Event.Ok(id, result));
    }
  }

  /** Replies with an error; a request without an id gets one too, with {@code re} null. */
  void fail(String id, ChatException e) {
    if (e.code() == ErrorCode.RATE_LIMITED) {
      service.metrics().rateLimited();
    }
    send(new Event.Error(id, e.code(), e.getMessage(), e.retryAfterMs()));
  }

  @Override
  public String toString() {
    return "SessionHandler[" + session.describe() + (user == null ? "" : ", user=" + user) + "]";
  }
}
