package chat.client;

import static java.util.Objects.requireNonNull;

import chat.client.ChatClientException.ClientClosedException;
import chat.client.ChatClientException.NotConnectedException;
import chat.client.ChatClientException.TooManyPendingException;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.FrameCodec;
import chat.protocol.MalformedFrameException;
import chat.protocol.Request;
import chat.protocol.Result;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a chat server: {@code ws://host:port/ws} or {@code wss://…}.
 *
 * <pre>{@code
 * ChatClient client = ChatClient.builder(URI.create("ws://localhost:8081/ws"))
 *     .login("alice", "correct horse")
 *     .listener(new ChatListener() {
 *       @Override public void onMessage(ChatClient c, Event.Message m) { ... }
 *     })
 *     .build();
 * client.connect().get(10, TimeUnit.SECONDS);
 * client.send("#general", "hello").get(10, TimeUnit.SECONDS);
 * client.close();
 * }</pre>
 *
 * <p>States: {@link State#CONNECTING} (socket, login, catching up) → {@link State#CONNECTED} →
 * {@link State#DISCONNECTED} (waiting to reconnect, with jittered exponential backoff) → …, and
 * {@link State#CLOSED} for good after {@link #close()}, logout or a fatal failure.
 *
 * <p>Requests return futures that complete with the typed result, or fail with a {@link
 * ChatClientException}: {@link ChatErrorException} carries the protocol's error code. Sends are
 * special: a send is retried with the same {@code cid} until the server acknowledges it, across
 * reconnects, so it is delivered exactly once; other requests fail with {@link
 * NotConnectedException} while there is no connection.
 *
 * <p>Threads: one thread holds the client's state; one more runs every listener call and future
 * completion, in order. Both are daemons and end with {@link #close()}; the WebSocket library
 * adds two per connection. Thread-safe: call it from any thread.
 */
public final class ChatClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatClient.class);
  private static final FrameCodec CODEC = new FrameCodec();

  public enum State { CONNECTING, CONNECTED, DISCONNECTED, CLOSED }

  private final Builder config;
  private final ScheduledExecutorService loop;
  private final ExecutorService events;
  private final Backoff backoff;
  private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();

  // Everything below is only touched on the loop thread.
  private State state = State.DISCONNECTED;
  private Socket socket; // current connection, or null
  private boolean authenticated;
  private String token;
  private String user;
  private String epoch;
  private boolean baselineSet; // false until the first catch-up sets where to follow from
  private int attempt;
  private int nextId;
  private final Map<String, Consumer<Event>> inFlight = new HashMap<>();
  private final LinkedHashMap<String, PendingSend> unacked = new LinkedHashMap<>();
  private final ConversationTracker tracker = new ConversationTracker();
  private int pendingSyncs; // catch-up fetches left before the state is CONNECTED

  private ChatClient(Builder config) {
    this.config = config;
    this.token = config.token;
    this.backoff = new Backoff(config.minBackoff.toMillis(), config.maxBackoff.toMillis());
    String name = "chat-client-" + Integer.toHexString(System.identityHashCode(this));
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name));
    this.events = Executors.newSingleThreadExecutor(r -> daemon(r, name + "-events"));
    config.resumeFrom.forEach(tracker::setBaseline);
    this.baselineSet = !config.resumeFrom.isEmpty();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * Connects, logs in and catches up. The future completes when the client is first {@link
   * State#CONNECTED}, or fails if the credentials are rejected. Reconnects happen by themselves.
   */
  public CompletableFuture<Void> connect() {
    onLoop(() -> {
      if (state == State.DISCONNECTED && socket == null) {
        openSocket();
      }
    });
    return firstConnect;
  }

  // ---- Requests ----

  /** Sends a message with a fresh cid; see {@link #send(String, String, String)}. */
  public CompletableFuture<Result.Sent> send(String to, String text) {
    return send(to, text, UUID.randomUUID().toString());
  }

  /**
   * Sends {@code text} to {@code @user} or {@code #room}. Retried with the same {@code cid} until
   * acknowledged, across reconnects; completes with the message's seq once it is stored. Fails
   * at once with {@link TooManyPendingException} when too many sends await acknowledgement.
   */
  public CompletableFuture<Result.Sent> send(String to, String text, String cid) {
    requireNonNull(to, "to is null");
    requireNonNull(text, "text is null");
    requireNonNull(cid, "cid is null");
    CompletableFuture<Result.Sent> future = new CompletableFuture<>();
    onLoop(() -> {
      if (state == State.CLOSED) {
        fail(future, new ClientClosedException());
        return;
      }
      PendingSend existing = unacked.get(cid);
      if (existing != null) {
        existing.future.whenComplete((r, e) -> {
          if (e != null) {
            future.completeExceptionally(e);
          } else {
            future.complete(r);
          }
        });
        return;
      }
      if (unacked.size() >= config.maxPendingSends) {
        fail(future, new TooManyPendingException(config.maxPendingSends));
        return;
      }
      PendingSend send = new PendingSend(to, text, cid, future);
      unacked.put(cid, send);
      if (authenticated) {
        transmit(send);
      }
    }, future);
    return future;
  }

  public CompletableFuture<Result.History> history(String conv, Long after, Long before,
      Integer limit) {
    return request(id -> new Request.History(id, conv, after, before, limit),
        Result.History.class);
  }

  public CompletableFuture<Result.Conversations> conversations() {
    return request(Request.ListConversations::new, Result.Conversations.class);
  }

  public CompletableFuture<Result.Created> createRoom(String room, String topic,
      boolean isPrivate) {
    return request(id -> new Request.Create(id, room, topic, isPrivate), Result.Created.class);
  }

  public CompletableFuture<Result.Joined> join(String room) {
    return request(id -> new Request.Join(id, room), Result.Joined.class)
        .thenApply(joined -> {
          onLoop(() -> tracker.setBaseline(joined.conv(), joined.lastSeq()));
          return joined;
        });
  }

  public CompletableFuture<Void> leave(String room) {
    return empty(request(id -> new Request.Leave(id, room), Result.Empty.class));
  }

  public CompletableFuture<Void> invite(String room, String user) {
    return empty(request(id -> new Request.Invite(id, room, user), Result.Empty.class));
  }

  public CompletableFuture<Void> kick(String room, String user) {
    return empty(request(id -> new Request.Kick(id, room, user), Result.Empty.class));
  }

  public CompletableFuture<Result.Rooms> rooms() {
    return request(Request.ListRooms::new, Result.Rooms.class);
  }

  public CompletableFuture<Result.Members> members(String room) {
    return request(id -> new Request.Members(id, room), Result.Members.class);
  }

  /** Moves this user's read marker in {@code conv} forward to {@code seq}. */
  public CompletableFuture<Void> markRead(String conv, long seq) {
    return empty(request(id -> new Request.MarkRead(id, conv, seq), Result.Empty.class));
  }

  /** Tells the other participants this user is typing. */
  public CompletableFuture<Void> typing(String conv) {
    return empty(request(id -> new Request.Typing(id, conv), Result.Empty.class));
  }

  /** The server's clock, in ms since the epoch. */
  public CompletableFuture<Long> ping() {
    return request(Request.Ping::new, Result.Pong.class).thenApply(Result.Pong::ts);
  }

  /** Revokes this client's token (closing every connection using it) and closes the client. */
  public CompletableFuture<Void> logout() {
    return empty(request(Request.Logout::new, Result.Empty.class))
        .whenComplete((ok, e) -> close());
  }

  // ---- Inspection ----

  /** The logged-in user, or null before the first login. */
  public String user() {
    return call(() -> user);
  }

  /** The current login token, or null; keep it to log in later without the password. */
  public String token() {
    return call(() -> token);
  }

  public State state() {
    return call(() -> state);
  }

  /**
   * The last seq delivered per conversation. Persist it and pass it to {@link
   * Builder#resumeFrom} to resume after a restart of your program without missing messages.
   */
  public Map<String, Long> lastSeen() {
    return call(tracker::snapshot);
  }

  /**
   * Closes the connection and releases the client's threads; pending requests and sends fail
   * with {@link ClientClosedException}. The listener's {@link ChatListener#onClosed} is the last
   * call. Idempotent; waits (at most 5 s) for the threads unless called from one of them.
   */
  @Override
  public void close() {
    try {
      loop.execute(this::shutdown);
    } catch (RejectedExecutionException e) {
      return; // already closed
    }
    String current = Thread.currentThread().getName();
    if (!current.startsWith("chat-client-")) {
      try {
        loop.awaitTermination(5, TimeUnit.SECONDS);
        events.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- Internals, all on the loop thread ----

  private <R extends Result> CompletableFuture<R> request(
      java.util.function.Function<String, Request> build, Class<R> type) {
    CompletableFuture<R> future = new CompletableFuture<>();
    onLoop(() -> {
      if (state == State.CLOSED) {
        fail(future, new ClientClosedException());
        return;
      }
      if (!authenticated) {
        fail(future, new NotConnectedException());
        return;
      }
      String id = nextId();
      inFlight.put(id, reply -> {
        if (reply instanceof Event.Ok ok && type.isInstance(ok.result())) {
          complete(future, type.cast(ok.result()));
        } else if (reply instanceof Event.Error error) {
          fail(future, toException(error));
        } else if (reply == null) {
          fail(future, new NotConnectedException());
        } else {
          fail(future, new ChatClientException("unexpected reply " + reply));
        }
      });
      socket.send(CODEC.encode(build.apply(id)));
    }, future);
    return future;
  }

  private static CompletableFuture<Void> empty(CompletableFuture<?> f) {
    return f.thenApply(r -> null);
  }

  private void openSocket() {
    setState(State.CONNECTING);
    authenticated = false;
    Socket s = new Socket(config.uri);
    socket = s;
    s.connect();
  }

  private void onFrame(Socket from, String text) {
    if (from != socket) {
      return;
    }
    Event event;
    try {
      event = CODEC.decodeEvent(text);
    } catch (MalformedFrameException e) {
      log.debug("ignoring a frame this client does not understand: {}", e.getMessage());
      return;
    }
    if (event instanceof Event.Ok ok && ok.re() != null) {
      Consumer<Event> handler = inFlight.remove(ok.re());
      if (handler != null) {
        handler.accept(event);
      }
    } else if (event instanceof Event.Error error) {
      Consumer<Event> handler = error.re() == null ? null : inFlight.remove(error.re());
      if (handler != null) {
        handler.accept(event);
      } else {
        log.debug("error from server: {} {}", error.code(), error.message());
      }
    } else if (event instanceof Event.Hello hello) {
      onHello(hello);
    } else if (event instanceof Event.Message m) {
      onLiveMessage(m);
    } else if (event instanceof Event.Read r) {
      emit(l -> l.onRead(this, r));
    } else if (event instanceof Event.Typing t) {
      emit(l -> l.onTyping(this, t));
    } else if (event instanceof Event.Presence p) {
      emit(l -> l.onPresence(this, p));
    } else if (event instanceof Event.Member m) {
      if ((m.action().equals("kick") || m.action().equals("leave")) && m.user().equals(user)) {
        tracker.forget(m.conv());
      }
      emit(l -> l.onMember(this, m));
    }
  }

  private void onHello(Event.Hello hello) {
    if (epoch != null && !epoch.equals(hello.epoch())) {
      String previous = epoch;
      tracker.clear();
      baselineSet = false;
      emit(l -> l.onEpochChanged(this, previous, hello.epoch()));
    }
    epoch = hello.epoch();
    authenticate();
  }

  private void authenticate() {
    String id = nextId();
    Request auth;
    if (token != null) {
      auth = new Request.TokenLogin(id, token);
    } else if (config.password == null) {
      fatal(new ChatClientException("no credentials: give login(), register() or token()"));
      return;
    } else if (config.register && user == null) {
      auth = new Request.Register(id, config.user, config.password);
    } else {
      auth = new Request.Login(id, config.user, config.password);
    }
    inFlight.put(id, reply -> onAuthReply(auth, reply));
    socket.send(CODEC.encode(auth));
  }

  private void onAuthReply(Request auth, Event reply) {
    if (reply instanceof Event.Ok ok && ok.result() instanceof Result.Auth result) {
      token = result.token();
      user = result.user();
      authenticated = true;
      for (PendingSend send : new ArrayList<>(unacked.values())) {
        transmit(send);
      }
      catchUp();
      return;
    }
    if (!(reply instanceof Event.Error error)) {
      return; // the socket closed first; the reconnect will try again
    }
    if (auth instanceof Request.TokenLogin && config.password != null) {
      token = null; // expired or revoked: fall back to the password
      authenticate();
    } else if (auth instanceof Request.Register && error.code() == ErrorCode.CONFLICT) {
      user = config.user; // exists already: log in instead
      authenticate();
    } else if (error.code() == ErrorCode.RATE_LIMITED || error.code() == ErrorCode.INTERNAL) {
      socket.close(); // transient: reconnect with backoff
    } else {
      fatal(toException(error));
    }
  }

  /** After login: fetch what was missed in every conversation, then report CONNECTED. */
  private void catchUp() {
    String id = nextId();
    inFlight.put(id, reply -> {
      if (!(reply instanceof Event.Ok ok && ok.result() instanceof Result.Conversations list)) {
        return; // disconnected meanwhile
      }
      for (Result.ConversationInfo c : list.conversations()) {
        Long seen = tracker.lastSeen(c.conv());
        if (!baselineSet) {
          tracker.setBaseline(c.conv(), c.lastSeq()); // first login: follow from now on
        } else if (seen == null && c.conv().startsWith("#")) {
          tracker.setBaseline(c.conv(), c.lastSeq()); // a room joined elsewhere meanwhile
        } else if ((seen == null ? 0 : seen) < c.lastSeq() && !tracker.isSyncing(c.conv())) {
          pendingSyncs++;
          sync(c.conv(), seen == null ? 0 : seen, this::syncDone);
        }
      }
      baselineSet = true;
      if (pendingSyncs == 0) {
        connected();
      }
    });
    socket.send(CODEC.encode(new Request.ListConversations(id)));
  }

  private void syncDone() {
    if (--pendingSyncs == 0 && authenticated) {
      connected();
    }
  }

  private void connected() {
    attempt = 0;
    setState(State.CONNECTED);
    events.execute(() -> firstConnect.complete(null));
  }

  /** Fetches a conversation's history after {@code after}, page by page, delivering as it goes. */
  private void sync(String conv, long after, Runnable done) {
    tracker.startSync(conv);
    String id = nextId();
    inFlight.put(id, reply -> {
      if (reply instanceof Event.Ok ok && ok.result() instanceof Result.History page) {
        long last = after;
        for (Event.Message m : page.messages()) {
          if (tracker.acceptFetched(m)) {
            emit(l -> l.onMessage(this, m));
          }
          last = Math.max(last, m.seq());
        }
        if (page.more()) {
          sync(conv, last, done);
          return;
        }
        for (Event.Message held : tracker.endSync(conv)) {
          onLiveMessage(held);
        }
      } else if (reply instanceof Event.Error) {
        tracker.forget(conv); // no longer allowed to read it (kicked, left)
      } else {
        tracker.endSync(conv); // disconnected: the next catch-up resumes from lastSeen
      }
      done.run();
    });
    socket.send(CODEC.encode(new Request.History(id, conv, after, null, config.historyPage)));
  }

  private void onLiveMessage(Event.Message m) {
    switch (tracker.onLive(m)) {
      case DELIVER -> emit(l -> l.onMessage(this, m));
      case FETCH_GAP -> {
        Long seen = tracker.lastSeen(m.conv());
        tracker.startSync(m.conv());
        tracker.onLive(m); // hold it until the gap is filled
        sync(m.conv(), seen == null ? 0 : seen, () -> { });
      }
      case DUPLICATE, HOLD -> { }
    }
  }

  private void transmit(PendingSend send) {
    String id = nextId();
    inFlight.put(id, reply -> onSendReply(send, reply));
    socket.send(CODEC.encode(new Request.Send(id, send.to, send.text, send.cid)));
  }

  private void onSendReply(PendingSend send, Event reply) {
    if (unacked.get(send.cid) != send) {
      return; // completed by an earlier attempt
    }
    if (reply instanceof Event.Ok ok && ok.result() instanceof Result.Sent sent) {
      unacked.remove(send.cid);
      complete(send.future, sent);
    } else if (reply instanceof Event.Error error) {
      if (error.code() == ErrorCode.RATE_LIMITED || error.code() == ErrorCode.INTERNAL) {
        long delay = error.retryAfterMs() != null ? error.retryAfterMs() : 1_000;
        Socket current = socket;
        loop.schedule(() -> {
          if (socket == current && authenticated && unacked.get(send.cid) == send) {
            transmit(send);
          }
        }, delay, TimeUnit.MILLISECONDS);
      } else {
        unacked.remove(send.cid);
        fail(send.future, toException(error));
      }
    }
    // reply == null: disconnected; retransmitted after the next login
  }

  private void onSocketClosed(Socket from, int code, String reason) {
    if (from != socket) {
      return;
    }
    socket = null;
    authenticated = false;
    List<Consumer<Event>> handlers = new ArrayList<>(inFlight.values());
    inFlight.clear();
    for (Consumer<Event> h : handlers) {
      h.accept(null); // fails requests with NotConnected; sends stay queued
    }
    pendingSyncs = 0;
    for (String conv : tracker.snapshot().keySet()) {
      if (tracker.isSyncing(conv)) {
        tracker.endSync(conv);
      }
    }
    if (state == State.CLOSED) {
      return;
    }
    setState(State.DISCONNECTED);
    long delay = backoff.delayMs(attempt++);
    log.debug("disconnected ({} {}); reconnecting in {} ms", code, reason, delay);
    loop.schedule(() -> {
      if (state == State.DISCONNECTED && socket == null) {
        openSocket();
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  private void fatal(ChatClientException e) {
    emit(l -> l.onFailure(this, e));
    events.execute(() -> firstConnect.completeExceptionally(e));
    shutdown();
  }

  private void shutdown() {
    if (state == State.CLOSED) {
      return;
    }
    setState(State.CLOSED);
    Socket s = socket;
    socket = null;
    if (s != null) {
      s.close();
    }
    ClientClosedException closed = new ClientClosedException();
    inFlight.values().forEach(h -> h.accept(null));
    inFlight.clear();
    unacked.values().forEach(send -> fail(send.future, closed));
    unacked.clear();
    events.execute(() -> firstConnect.completeExceptionally(closed));
    emit(l -> l.onClosed(this));
    events.shutdown();
    loop.shutdown();
  }

  private void setState(State next) {
    if (state != next) {
      state = next;
      emit(l -> l.onStateChanged(this, next));
    }
  }

  private void emit(Consumer<ChatListener> call) {
    events.execute(() -> {
      try {
        call.accept(config.listener);
      } catch (RuntimeException e) {
        log.warn("listener threw", e);
      }
    });
  }

  private <T> void complete(CompletableFuture<T> future, T value) {
    events.execute(() -> future.complete(value));
  }

  private void fail(CompletableFuture<?> future, Throwable e) {
    try {
      events.execute(() -> future.completeExceptionally(e));
    } catch (RejectedExecutionException closed) {
      future.completeExceptionally(e);
    }
  }

  private static ChatErrorException toException(Event.Error e) {
    return new ChatErrorException(e.code(), e.message(), e.retryAfterMs());
  }

  private String nextId() {
    return "c" + (++nextId);
  }

  private void onLoop(Runnable task) {
    loop.execute(task);
  }

  private void onLoop(Runnable task, CompletableFuture<?> failIfClosed) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      failIfClosed.completeExceptionally(new ClientClosedException());
    }
  }

  private <T> T call(java.util.concurrent.Callable<T> read) {
    try {
      return loop.submit(read).get(5, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      throw new ClientClosedException();
    } catch (Exception e) {
      throw new ChatClientException("client state unavailable", e);
    }
  }

  private record PendingSend(String to, String text, String cid,
      CompletableFuture<Result.Sent> future) {}

  /** One WebSocket connection; its callbacks hop onto the loop thread. */
  private final class Socket {
    private final WebSocketClient ws;

    Socket(URI uri) {
      Socket self = this;
      ws = new WebSocketClient(uri, new org.java_websocket.drafts.Draft_6455(), Map.of(),
          (int) config.connectTimeout.toMillis()) {
        @Override public void onOpen(ServerHandshake handshake) {}

        @Override public void onMessage(String message) {
          runOnLoop(() -> onFrame(self, message));
        }

        @Override public void onClose(int code, String reason, boolean remote) {
          runOnLoop(() -> onSocketClosed(self, code, reason));
        }

        @Override public void onError(Exception ex) {
          log.debug("connection error: {}", ex.toString());
        }
      };
      ws.setDaemon(true);
      ws.setConnectionLostTimeout((int) config.pingInterval.toSeconds());
      if (config.sslSocketFactory != null) {
        ws.setSocketFactory(config.sslSocketFactory);
      }
    }

    private void runOnLoop(Runnable r) {
      try {
        loop.execute(r);
      } catch (RejectedExecutionException closed) {
        // client closed: nothing more to do
      }
    }

    void connect() {
      ws.connect();
    }

    void send(String text) {
      try {
        ws.send(text);
      } catch (org.java_websocket.exceptions.WebsocketNotConnectedException e) {
        // onClose follows and fails or requeues what was in flight
      }
    }

    void close() {
      ws.close();
    }
  }

  /** Configures a {@link ChatClient}. */
  public static final class Builder {
    private final URI uri;
    private String user;
    private String password;
    private boolean register;
    private String token;
    private ChatListener listener = new ChatListener() {};
    private int maxPendingSends = 1_000;
    private int historyPage = 200;
    private Duration minBackoff = Duration.ofMillis(250);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration pingInterval = Duration.ofSeconds(30);
    private javax.net.SocketFactory sslSocketFactory;
    private Map<String, Long> resumeFrom = Map.of();

    private Builder(URI uri) {
      this.uri = requireNonNull(uri, "uri is null");
      String scheme = uri.getScheme();
      if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
        throw new IllegalArgumentException("uri must be ws:// or wss://, not " + uri);
      }
    }

    /** Logs in with a user name and password (and again with them if the token stops working). */
    public Builder login(String user, String password) {
      this.user = requireNonNull(user, "user is null");
      this.password = requireNonNull(password, "password is null");
      this.register = false;
      return this;
    }

    /** Registers the account on first connect, or logs in if it exists. */
    public Builder register(String user, String password) {
      login(user, password);
      this.register = true;
      return this;
    }

    /** Logs in with a token from an earlier login. */
    public Builder token(String token) {
      this.token = requireNonNull(token, "token is null");
      return this;
    }

    public Builder listener(ChatListener listener) {
      this.listener = requireNonNull(listener, "listener is null");
      return this;
    }

    /** Sends awaiting acknowledgement before new ones fail with TooManyPendingException. */
    public Builder maxPendingSends(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPendingSends must be positive");
      }
      this.maxPendingSends = max;
      return this;
    }

    /** Messages per history request while catching up (at most the server's historyMax). */
    public Builder historyPage(int size) {
      this.historyPage = size;
      return this;
    }

    /** Reconnect delays: random, growing from {@code min} to {@code max} with each failure. */
    public Builder backoff(Duration min, Duration max) {
      this.minBackoff = requireNonNull(min, "min is null");
      this.maxBackoff = requireNonNull(max, "max is null");
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = requireNonNull(timeout, "timeout is null");
      return this;
    }

    /** How often the client pings; no pong for 1.5 times this counts as a dropped connection. */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = requireNonNull(interval, "interval is null");
      return this;
    }

    /** For {@code wss://} with a custom trust store. */
    public Builder sslSocketFactory(javax.net.ssl.SSLSocketFactory factory) {
      this.sslSocketFactory = factory;
      return this;
    }

    /** Resume following conversations from these seqs (from an earlier {@link #lastSeen()}). */
    public Builder resumeFrom(Map<String, Long> lastSeen) {
      this.resumeFrom = Map.copyOf(lastSeen);
      return this;
    }

    public ChatClient build() {
      if (token == null && password == null) {
        throw new IllegalStateException("give login(), register() or token()");
      }
      return new ChatClient(this);
    }
  }
}
