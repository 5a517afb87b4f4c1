package chat.client;

import static java.util.Objects.requireNonNull;

import chat.client.ChatClientException.ClientClosedException;
import chat.client.ChatClientException.NotConnectedException;
import chat.client.ChatClientException.TooManyPendingException;
import chat.protocol.Event;
import chat.protocol.FileInfo;
import chat.protocol.ErrorCode;
import chat.protocol.Limits;
import chat.protocol.Request;
import chat.protocol.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a chat server ({@code ws://host:port/ws} or {@code wss://…}) that stays connected:
 * it logs in, catches up on what it missed, and reconnects by itself.
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
 * <p><b>States.</b> {@link State#DISCONNECTED} (new, or waiting to reconnect) → {@link
 * State#CONNECTING} (socket, login, catching up) → {@link State#CONNECTED} → {@link
 * State#DISCONNECTED} when the connection is lost, then after a jittered, exponentially growing
 * delay {@link State#CONNECTING} again → …; {@link State#CLOSED} for good after {@link #close()},
 * {@link #logout()}, {@link #logoutEverywhere()}, {@link #deleteAccount} or a failure it cannot
 * recover from (rejected credentials, or a {@link ChatClientException.SignedOutException} when
 * the session was ended elsewhere).
 *
 * <p><b>Requests</b> return futures that complete with the typed result, or fail with a {@link
 * ChatClientException}: a {@link ChatErrorException} carries the protocol's error code; {@link
 * NotConnectedException} means there was no connection (the client may be reconnecting; a
 * request made while it is {@link State#CONNECTING} waits for the login instead); {@link
 * ClientClosedException} that the client was closed; {@link TooManyPendingException} that a
 * bound was hit. Mistakes of the caller (null arguments) throw at once.
 *
 * <p><b>Sends</b> are special: a send is kept (up to {@link Builder#maxPendingSends}) and
 * retransmitted with the same {@code cid} until the server acknowledges it, across reconnects
 * and server restarts, so it is stored exactly once; a send made while disconnected goes out
 * after the next login. Sends go out in the order they were made, paced to the server's {@code
 * sendPerSecond}; a send the server refuses as {@code rate_limited} anyway is retried after its
 * {@code retryAfterMs} (unless {@link Builder#retryRateLimited} is off), and sends made after it
 * may then be stored before it.
 *
 * <p><b>Threads.</b> The client has two daemon threads: one holds its state, one (the event
 * thread) makes every listener call and completes every future, in order. The WebSocket library
 * adds two daemon threads per connection. None of them keeps a JVM alive, and {@link #close()}
 * ends them. Uploads run on one JDK HTTP client shared by all clients of the JVM, made at the
 * first upload (its one daemon thread stays: Java 17's HTTP client cannot be closed). All
 * methods are thread-safe.
 *
 * <p><b>Files.</b> {@link #upload} sends a file over HTTP to {@link Builder#httpOrigin}; {@link
 * #send(String, String, List)} attaches uploaded files to a message. Every message this client
 * hands out (events, history, updates) carries its {@link Event.Message#files()} with absolute
 * URLs, resolved against that origin.
 */
public final class ChatClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatClient.class);
  private static final AtomicInteger COUNT = new AtomicInteger();

  /** See the class description. */
  public enum State { CONNECTING, CONNECTED, DISCONNECTED, CLOSED }

  private final ScheduledThreadPoolExecutor loop;
  private final ExecutorService events;
  private final Engine engine;
  private final Uploader uploader;
  private volatile Thread loopThread;
  private volatile Thread eventThread;
  private volatile WsConnection closingSocket;

  private ChatClient(Builder config) {
    String name = "chat-client-" + COUNT.incrementAndGet();
    this.loop = new ScheduledThreadPoolExecutor(1, r -> loopThread = daemon(r, name));
    loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    loop.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    loop.setRemoveOnCancelPolicy(true);
    this.events = Executors.newSingleThreadExecutor(r -> eventThread = daemon(r, name + "-events"));
    this.engine = new Engine(this, config, loop, new Dispatcher(events, config.listener));
    this.uploader = new Uploader(config.httpClient, new FileUrls(config.httpOrigin),
        config.uploadTimeout);
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
   * State#CONNECTED}, or fails if the credentials are rejected or the client is closed. If the
   * server cannot be reached the client keeps trying (the listener's {@link
   * ChatListener#onDisconnected} says why), so bound your wait. Calling it again returns the
   * same future.
   */
  public CompletableFuture<Void> connect() {
    onLoop(engine::connect);
    return engine.firstConnect;
  }

  // ---- Requests ----

  /** Sends a message with a fresh random cid; see {@link #send(String, String, String)}. */
  public CompletableFuture<Result.Sent> send(String to, String text) {
    return send(to, text, UUID.randomUUID().toString());
  }

  /**
   * Sends {@code text} to {@code @user} or {@code #room}. Completes with the message's seq once
   * the server has stored it; retransmitted with the same {@code cid} until then, across
   * reconnects. Fails at once with {@link TooManyPendingException} when {@link
   * Builder#maxPendingSends} sends await acknowledgement; with {@link ChatErrorException} when
   * the server refuses it ({@code forbidden}, {@code not_found}, {@code too_large}, …).
   *
   * @param cid 1 to 64 characters; reuse it only to resend the same message
   */
  public CompletableFuture<Result.Sent> send(String to, String text, String cid) {
    requireNonNull(to, "to is null");
    requireNonNull(text, "text is null");
    requireNonNull(cid, "cid is null");
    CompletableFuture<Result.Sent> future = new CompletableFuture<>();
    onLoop(() -> engine.send(to, text, cid, null, List.of(), future), future);
    return future;
  }

  /**
   * Sends {@code files} (each from {@link #upload}, not sent before) to {@code @user} or
   * {@code #room}, with {@code text} (may be empty), and a fresh random cid; otherwise as {@link
   * #send(String, String, String)}. At most 10 files. Fails with {@code bad_request} if a file
   * is not this user's upload or was sent already.
   */
  public CompletableFuture<Result.Sent> send(String to, String text, List<FileInfo> files) {
    return send(to, text, UUID.randomUUID().toString(), files);
  }

  /** As {@link #send(String, String, List)} with the given cid. */
  public CompletableFuture<Result.Sent> send(String to, String text, String cid,
      List<FileInfo> files) {
    requireNonNull(to, "to is null");
    requireNonNull(text, "text is null");
    requireNonNull(cid, "cid is null");
    List<String> ids = files.stream().map(FileInfo::id).toList();
    CompletableFuture<Result.Sent> future = new CompletableFuture<>();
    onLoop(() -> engine.send(to, text, cid, null, ids, future), future);
    return future;
  }

  // ---- Files ----

  /**
   * Uploads a file (read as it is sent, never whole into memory) under its own name, with the
   * media type the platform guesses from it ({@code application/octet-stream} if none), over
   * HTTP to {@link Builder#httpOrigin} with this client's token. Completes with the file, whose
   * URL is absolute: send it with {@link #send(String, String, List)}; its bytes are served
   * there from then on. Fails with a {@link ChatErrorException}: {@code too_large} over the
   * server's {@link Limits#maxUploadBytes()}, {@code rate_limited} (with {@link
   * ChatErrorException#retryAfterMs()}) for too many uploads, {@code forbidden} for too many
   * files uploaded and not sent; with {@link NotConnectedException} before the first login.
   */
  public CompletableFuture<FileInfo> upload(Path file) {
    requireNonNull(file, "file is null");
    String type;
    HttpRequest.BodyPublisher body;
    try {
      type = Files.probeContentType(file);
      body = HttpRequest.BodyPublishers.ofFile(file);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new UncheckedIOException(e));
    }
    return upload(body, file.getFileName().toString(),
        type == null ? "application/octet-stream" : type);
  }

  /** Uploads {@code bytes} as a file named {@code name} of media type {@code type}; see {@link #upload(Path)}. */
  public CompletableFuture<FileInfo> upload(byte[] bytes, String name, String type) {
    requireNonNull(bytes, "bytes is null");
    return upload(HttpRequest.BodyPublishers.ofByteArray(bytes), name, type);
  }

  private CompletableFuture<FileInfo> upload(HttpRequest.BodyPublisher body, String name,
      String type) {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    // Refused here, not sent: the server answers 413 before reading such a body and closes the
    // connection, which can reach a client still writing as a reset instead of the answer.
    Limits limits = engine.limits;
    if (limits != null && body.contentLength() > limits.maxUploadBytes()) {
      return CompletableFuture.failedFuture(new ChatErrorException(ErrorCode.TOO_LARGE,
          "the file has " + body.contentLength() + " bytes; the server takes at most "
              + limits.maxUploadBytes() + " (maxUploadBytes)", null));
    }
    CompletableFuture<FileInfo> future = new CompletableFuture<>();
    uploader.upload(engine.token, body, name, type)
        .whenComplete((file, e) -> engine.settle(future, file, e));
    return future;
  }

  /** Answers message {@code replyTo} of {@code conv}, with a fresh random cid. */
  public CompletableFuture<Result.Sent> reply(String conv, long replyTo, String text) {
    return reply(conv, replyTo, text, UUID.randomUUID().toString());
  }

  /**
   * Sends {@code text} to {@code conv} as an answer to its message {@code replyTo}: a send
   * like {@link #send(String, String, String)} (kept and retransmitted until stored), whose
   * message carries {@link Event.Message#replyTo()}. Fails with {@code not_found} if there is
   * no such message, or it was deleted.
   */
  public CompletableFuture<Result.Sent> reply(String conv, long replyTo, String text,
      String cid) {
    requireNonNull(conv, "conv is null");
    requireNonNull(text, "text is null");
    requireNonNull(cid, "cid is null");
    positive(replyTo, "replyTo");
    CompletableFuture<Result.Sent> future = new CompletableFuture<>();
    onLoop(() -> engine.send(conv, text, cid, replyTo, List.of(), future), future);
    return future;
  }

  // ---- Changing messages ----

  /**
   * Replaces the text of this user's own message {@code seq} in {@code conv}. Every participant
   * gets an {@link ChatListener#onUpdate} with action {@code edit}. Fails with {@code
   * forbidden} for someone else's message or a deleted one; {@code too_large} as a send.
   */
  public CompletableFuture<Result.Changed> edit(String conv, long seq, String text) {
    requireNonNull(conv, "conv is null");
    requireNonNull(text, "text is null");
    positive(seq, "seq");
    return request(id -> new Request.Edit(id, conv, seq, text), Result.Changed.class, null);
  }

  /**
   * Deletes message {@code seq} of {@code conv}: its text and reactions are erased on the
   * server. The sender may, and a room's owner or moderators. Deleting twice is fine (the same
   * rev comes back). Every participant gets an {@link ChatListener#onUpdate} with action {@code
   * delete}.
   */
  public CompletableFuture<Result.Changed> delete(String conv, long seq) {
    requireNonNull(conv, "conv is null");
    positive(seq, "seq");
    return request(id -> new Request.DeleteMessage(id, conv, seq), Result.Changed.class, null);
  }

  /**
   * Sets ({@code on}) or takes back this user's reaction {@code emoji} (one emoji, up to 32
   * bytes) on message {@code seq} of {@code conv}. Setting what is already set, or clearing
   * what is not, is fine and changes nothing (the result then carries the conversation's
   * current rev). Every participant gets an {@link ChatListener#onUpdate} with action {@code
   * react}. A 21st distinct emoji on one message fails with {@code bad_request}; a deleted
   * message with {@code forbidden}.
   */
  public CompletableFuture<Result.Changed> react(String conv, long seq, String emoji,
      boolean on) {
    requireNonNull(conv, "conv is null");
    requireNonNull(emoji, "emoji is null");
    positive(seq, "seq");
    return request(id -> new Request.React(id, conv, seq, emoji, on), Result.Changed.class,
        null);
  }

  /**
   * A page of {@code conv}'s changes after rev {@code afterRev}, ascending by rev; {@code
   * limit} null for the server's default. {@link Result.Updates#more()} says whether more
   * follow: ask again after the last rev of this page. The client catches up on changes by
   * itself ({@link ChatListener#onUpdate}); this is for reading them on demand.
   */
  public CompletableFuture<Result.Updates> updates(String conv, long afterRev, Integer limit) {
    requireNonNull(conv, "conv is null");
    if (afterRev < 0) {
      throw new IllegalArgumentException("afterRev must not be negative, not " + afterRev);
    }
    return request(id -> new Request.Updates(id, conv, afterRev, limit), Result.Updates.class,
        null);
  }

  /**
   * A page of {@code conv}'s history, ascending by seq: after {@code after}, before {@code
   * before}, or the latest when both are null; {@code limit} null for the server's default.
   */
  public CompletableFuture<Result.History> history(String conv, Long after, Long before,
      Integer limit) {
    requireNonNull(conv, "conv is null");
    if (after != null && before != null) {
      throw new IllegalArgumentException("give after or before, not both");
    }
    return request(id -> new Request.History(id, conv, after, before, limit),
        Result.History.class, null);
  }

  /**
   * Messages whose words start with every word of {@code query} (case and Latin accents aside),
   * newest first, in {@code conv} or, when it is null, every conversation this user can read
   * now; {@code limit} null for the server's default (20). For older hits pass the reply's
   * {@link Result.Search#next()} as {@code before}; null for the first page.
   */
  public CompletableFuture<Result.Search> search(String query, String conv, Integer limit,
      String before) {
    requireNonNull(query, "query is null");
    return request(id -> new Request.Search(id, query, conv, limit, before), Result.Search.class,
        null);
  }

  /** The newest messages matching {@code query} in every conversation: the first page. */
  public CompletableFuture<Result.Search> search(String query) {
    return search(query, null, null, null);
  }

  /** Every room this user is in and every direct conversation with a message. */
  public CompletableFuture<Result.Conversations> conversations() {
    return request(Request.ListConversations::new, Result.Conversations.class, null);
  }

  /** Creates a room ({@code room} with or without {@code #}); this user owns it. */
  public CompletableFuture<Result.Created> createRoom(String room, String topic,
      boolean isPrivate) {
    requireNonNull(room, "room is null");
    return request(id -> new Request.Create(id, room, topic, isPrivate), Result.Created.class,
        engine::created);
  }

  /** Joins a room; its messages are delivered to the listener from now on. */
  public CompletableFuture<Result.Joined> join(String room) {
    requireNonNull(room, "room is null");
    return request(id -> new Request.Join(id, room), Result.Joined.class, engine::joined);
  }

  public CompletableFuture<Void> leave(String room) {
    requireNonNull(room, "room is null");
    return empty(request(id -> new Request.Leave(id, room), Result.Empty.class,
        ok -> engine.left(room)));
  }

  /** Adds {@code user} to a room this user owns or moderates. */
  public CompletableFuture<Void> invite(String room, String user) {
    requireNonNull(room, "room is null");
    requireNonNull(user, "user is null");
    return empty(request(id -> new Request.Invite(id, room, user), Result.Empty.class, null));
  }

  /** Removes {@code user} from a room this user owns or moderates. */
  public CompletableFuture<Void> kick(String room, String user) {
    requireNonNull(room, "room is null");
    requireNonNull(user, "user is null");
    return empty(request(id -> new Request.Kick(id, room, user), Result.Empty.class, null));
  }

  /**
   * The first page of the room directory (public rooms and the private rooms this user is in),
   * ordered by name; see {@link #rooms(String, String, Integer)} for the next pages.
   */
  public CompletableFuture<Result.Rooms> rooms() {
    return request(Request.ListRooms::new, Result.Rooms.class, null);
  }

  /**
   * A page of the room directory. {@code query} (a prefix of the name, or words of the topic)
   * narrows it; {@code after} is the last room of the previous page ({@code #} optional), to
   * get the next; {@code limit} is at most the server's {@code historyMax}, its default. Any of
   * them may be null. {@link Result.Rooms#more()} says whether another page follows.
   */
  public CompletableFuture<Result.Rooms> rooms(String query, String after, Integer limit) {
    return request(id -> new Request.ListRooms(id, query, after, limit), Result.Rooms.class,
        null);
  }

  public CompletableFuture<Result.Members> members(String room) {
    requireNonNull(room, "room is null");
    return request(id -> new Request.Members(id, room), Result.Members.class, null);
  }

  /** Moves this user's read marker in {@code conv} forward to {@code seq}. */
  public CompletableFuture<Void> markRead(String conv, long seq) {
    requireNonNull(conv, "conv is null");
    return empty(request(id -> new Request.MarkRead(id, conv, seq), Result.Empty.class, null));
  }

  /** Tells the other participants of {@code conv} that this user is typing. */
  public CompletableFuture<Void> typing(String conv) {
    requireNonNull(conv, "conv is null");
    return empty(request(id -> new Request.Typing(id, conv), Result.Empty.class, null));
  }

  /** The server's clock, in ms since the epoch. */
  public CompletableFuture<Long> ping() {
    return request(Request.Ping::new, Result.Pong.class, null).thenApply(Result.Pong::ts);
  }

  // ---- Safety: blocking, bans, roles ----

  /**
   * Blocks {@code user}: while either has blocked the other, neither can send to their direct
   * conversation, and neither sees the other's typing or presence. The server still delivers
   * the blocked user's room messages: hide them yourself (by {@link Event.Message#from()}).
   */
  public CompletableFuture<Void> block(String user) {
    requireNonNull(user, "user is null");
    return empty(request(id -> new Request.Block(id, user), Result.Empty.class, null));
  }

  public CompletableFuture<Void> unblock(String user) {
    requireNonNull(user, "user is null");
    return empty(request(id -> new Request.Unblock(id, user), Result.Empty.class, null));
  }

  /** The users this user has blocked. */
  public CompletableFuture<List<String>> blocked() {
    return request(Request.ListBlocked::new, Result.Users.class, null)
        .thenApply(Result.Users::users);
  }

  /**
   * Bans {@code user} from a room this user owns or moderates: removed, and unable to join or
   * be invited until unbanned. Nobody can ban the owner ({@code forbidden}).
   */
  public CompletableFuture<Void> ban(String room, String user) {
    requireNonNull(room, "room is null");
    requireNonNull(user, "user is null");
    return empty(request(id -> new Request.Ban(id, room, user), Result.Empty.class, null));
  }

  public CompletableFuture<Void> unban(String room, String user) {
    requireNonNull(room, "room is null");
    requireNonNull(user, "user is null");
    return empty(request(id -> new Request.Unban(id, room, user), Result.Empty.class, null));
  }

  /** The users banned from a room this user owns or moderates. */
  public CompletableFuture<List<String>> bans(String room) {
    requireNonNull(room, "room is null");
    return request(id -> new Request.ListBans(id, room), Result.Users.class, null)
        .thenApply(Result.Users::users);
  }

  /**
   * Gives {@code user} a role in a room this user owns. {@link Role#OWNER} hands the room over:
   * this user becomes a moderator.
   */
  public CompletableFuture<Void> setRole(String room, String user, Role role) {
    requireNonNull(room, "room is null");
    requireNonNull(user, "user is null");
    requireNonNull(role, "role is null");
    return empty(request(id -> new Request.SetRole(id, room, user, role.wireName()),
        Result.Empty.class, null));
  }

  /** Sets the topic of a room this user owns or moderates; members get {@code onRoomChanged}. */
  public CompletableFuture<Void> setTopic(String room, String topic) {
    requireNonNull(room, "room is null");
    requireNonNull(topic, "topic is null");
    return empty(request(id -> new Request.SetTopic(id, room, topic), Result.Empty.class, null));
  }

  /**
   * Deletes a room this user owns, with its history; every member gets an {@code onMember}
   * with action {@code deleted}. The name may be created again.
   */
  public CompletableFuture<Void> deleteRoom(String room) {
    requireNonNull(room, "room is null");
    return empty(request(id -> new Request.DeleteRoom(id, room), Result.Empty.class,
        ok -> engine.left(room)));
  }

  // ---- Account ----

  /**
   * Changes this user's password. Every other login of the user ends (their connections are
   * closed, and clients there get a {@link ChatClientException.SignedOutException}); this client
   * stays connected under the new token in the result, which {@link #token()} returns from then
   * on and reconnects use. A client built with a password logs in with the new one later.
   * Fails with {@code unauthorized} if {@code oldPassword} is wrong.
   */
  public CompletableFuture<Result.Auth> changePassword(String oldPassword, String newPassword) {
    requireNonNull(oldPassword, "oldPassword is null");
    requireNonNull(newPassword, "newPassword is null");
    return request(id -> new Request.ChangePassword(id, oldPassword, newPassword),
        Result.Auth.class, auth -> engine.passwordChanged(newPassword, auth));
  }

  /** Revokes this client's token (closing every connection using it), then closes the client. */
  public CompletableFuture<Void> logout() {
    return endSession(Request.Logout::new);
  }

  /**
   * Revokes every token of this user, ending its logins on every device (clients there get a
   * {@link ChatClientException.SignedOutException}), then closes the client.
   */
  public CompletableFuture<Void> logoutEverywhere() {
    return endSession(id -> new Request.Logout(id, true));
  }

  /**
   * Deletes this user's account for good, then closes the client. Its messages stay in others'
   * histories; its name stays taken; it leaves every room (an owned room passes to its
   * longest-standing member, or is deleted). Fails with {@code unauthorized} if {@code
   * password} is wrong.
   */
  public CompletableFuture<Void> deleteAccount(String password) {
    requireNonNull(password, "password is null");
    return endSession(id -> new Request.DeleteAccount(id, password));
  }

  private CompletableFuture<Void> endSession(Function<String, Request> build) {
    return empty(request(build, Result.Empty.class, ok -> {
      engine.endSession();
      onLoop(engine::shutdown); // after the future completes: queued behind it
    }));
  }

  // ---- Inspection ----

  /** The logged-in user (lower case), or null before the first login. */
  public String user() {
    return engine.user;
  }

  /**
   * The current login token, or null; keep it to log in later without the password. A
   * password change replaces it (the old one is dead); it is null again once the session ended
   * (logout, or signed out elsewhere).
   */
  public String token() {
    return engine.token;
  }

  public State state() {
    return engine.state;
  }

  /** The server's store id from its last {@code hello}, or null before the first. */
  public String epoch() {
    return engine.epoch;
  }

  /** The limits from the server's last {@code hello}, or null before the first. */
  public Limits limits() {
    return engine.limits;
  }

  /**
   * What the server supports beyond the first round of the protocol, from its last {@code
   * hello}: {@code "block"}, {@code "moderation"}, {@code "account"}, {@code "edit"}, … Empty
   * before the first {@code hello}, and for a server that names none.
   */
  public List<String> features() {
    return engine.features;
  }

  /**
   * The last seq delivered to the listener, per conversation. To resume after your program
   * restarts without missing or repeating messages, persist it with {@link #epoch()} and pass
   * both to {@link Builder#resumeFrom}. After {@link #close()} it is the state at closing.
   */
  public Map<String, Long> lastSeen() {
    return fromState(engine::lastSeen, () -> engine.finalLastSeen);
  }

  /**
   * The last rev (change to a message) delivered to {@link ChatListener#onUpdate}, per
   * conversation; persist it with {@link #lastSeen()} and pass both to {@link
   * Builder#resumeFrom(String, Map, Map)} to resume changes too. After {@link #close()} it is
   * the state at closing.
   */
  public Map<String, Long> lastRevs() {
    return fromState(engine::lastRevs, () -> engine.finalLastRevs);
  }

  /**
   * Closes the connection and ends the client's threads; pending requests and sends fail with
   * {@link ClientClosedException}, and {@link ChatListener#onClosed} is the last listener call.
   * Idempotent. Waits (a few seconds at most) until the threads have ended, unless called from
   * a listener, where it returns at once.
   */
  @Override
  public void close() {
    onLoop(engine::shutdown);
    Thread me = Thread.currentThread();
    if (me == loopThread || me == eventThread) {
      return;
    }
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
      events.awaitTermination(5, TimeUnit.SECONDS);
      // An executor counts as terminated while its last thread is still on its way out.
      join(loopThread);
      join(eventThread);
      WsConnection s = closingSocket;
      if (s != null && !s.awaitClosed(2, TimeUnit.SECONDS)) {
        s.abort(); // the server did not answer the close frame
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread t) throws InterruptedException {
    if (t != null) {
      t.join(TimeUnit.SECONDS.toMillis(1));
    }
  }

  @Override
  public String toString() {
    return "ChatClient[" + engine.user + ", " + engine.state + "]";
  }

  // ---- Internals ----

  private <R extends Result> CompletableFuture<R> request(Function<String, Request> build,
      Class<R> type, Consumer<R> onOk) {
    CompletableFuture<R> future = new CompletableFuture<>();
    onLoop(() -> engine.request(build, type, onOk, future), future);
    return future;
  }

  /** {@code live} from the state thread; once the client is closed, {@code closed}. */
  private Map<String, Long> fromState(Supplier<Map<String, Long>> live,
      Supplier<Map<String, Long>> closed) {
    Map<String, Long> atClose = closed.get();
    if (atClose != null) {
      return atClose;
    }
    CompletableFuture<Map<String, Long>> f = new CompletableFuture<>();
    onLoop(() -> f.complete(live.get()), f);
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Map<String, Long> last = closed.get();
      if (last != null) {
        return last;
      }
      throw new ClientClosedException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChatClientException("interrupted", e);
    } catch (TimeoutException e) {
      throw new ChatClientException("client state thread did not answer", e);
    }
  }

  private static void positive(long seq, String name) {
    if (seq < 1) {
      throw new IllegalArgumentException(name + " must be a positive seq, not " + seq);
    }
  }

  private static CompletableFuture<Void> empty(CompletableFuture<?> f) {
    return f.thenApply(r -> null);
  }

  /** Runs {@code task} on the state thread; dropped if the client is closed. */
  void onLoop(Runnable task) {
    onLoop(task, () -> { });
  }

  /** Runs {@code task} on the state thread, or {@code ifClosed} if the client is closed. */
  void onLoop(Runnable task, Runnable ifClosed) {
    try {
      loop.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("chat client fault", e);
        }
      });
    } catch (RejectedExecutionException closed) {
      ifClosed.run();
    }
  }

  /** Received frames waiting for the state or event thread (for tests). */
  int queuedFrames() {
    return engine.queuedFrames();
  }

  /** Whether reading waits for the listener (for tests). */
  boolean readingPaused() {
    return engine.readingPaused();
  }

  private void onLoop(Runnable task, CompletableFuture<?> failIfClosed) {
    try {
      loop.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("chat client fault", e);
          failIfClosed.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      failIfClosed.completeExceptionally(new ClientClosedException());
    }
  }

  void closing(WsConnection s) {
    closingSocket = s;
  }

  /** Configures a {@link ChatClient}. Give {@link #login}, {@link #register} or {@link #token}. */
  public static final class Builder {
    final URI uri;
    String user;
    String password;
    boolean register;
    String token;
    ChatListener listener = new ChatListener() {};
    int maxPendingSends = 1_000;
    int maxPendingRequests = 1_000;
    int maxInboundFrameBytes = 64 << 20;
    int historyPage = 200;
    double requestsPerSecond = 40;
    int requestBurst = 80;
    boolean requestRateChosen;
    boolean retryRateLimited = true;
    Duration minBackoff = Duration.ofMillis(250);
    Duration maxBackoff = Duration.ofSeconds(30);
    Duration connectTimeout = Duration.ofSeconds(10);
    Duration pingInterval = Duration.ofSeconds(30);
    javax.net.SocketFactory socketFactory;
    String resumeEpoch;
    Map<String, Long> resumeFrom;
    Map<String, Long> resumeRevs;
    URI httpOrigin;
    HttpClient httpClient;
    Duration uploadTimeout = Duration.ofMinutes(10);
    Duration requestTimeout = Duration.ofSeconds(30);

    private Builder(URI uri) {
      this.uri = requireNonNull(uri, "uri is null");
      String scheme = uri.getScheme();
      if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
        throw new IllegalArgumentException("uri must be ws:// or wss://, not " + uri);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("uri has no host: " + uri);
      }
      this.httpOrigin = FileUrls.defaultOrigin(uri);
    }

    /**
     * The server's HTTP origin ({@code http(s)://host[:port]}), where files are uploaded and
     * served. Default: the WebSocket URL's host and port, {@code ws} as {@code http} and {@code
     * wss} as {@code https}: right behind a proxy that serves both on one origin (as {@code
     * wss://chat.example.org/ws} and {@code https://chat.example.org}). The bare server jar
     * serves HTTP on its own port ({@code --http-port}, 8080 beside the WebSocket's 8081): name
     * it here, e.g. {@code http://localhost:8080}.
     */
    public Builder httpOrigin(URI origin) {
      requireNonNull(origin, "origin is null");
      String scheme = origin.getScheme();
      if (!("http".equals(scheme) || "https".equals(scheme)) || origin.getHost() == null
          || !(origin.getRawPath() == null || origin.getRawPath().isEmpty()
              || origin.getRawPath().equals("/"))
          || origin.getRawQuery() != null || origin.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "origin must be http(s)://host[:port], without a path: " + origin);
      }
      this.httpOrigin = URI.create(scheme + "://" + origin.getRawAuthority());
      return this;
    }

    /**
     * The HTTP client for uploads (e.g. one with your own {@code SSLContext} for {@code
     * https://}); default: one JDK client shared by every {@link ChatClient} of the JVM.
     */
    public Builder httpClient(HttpClient client) {
      this.httpClient = requireNonNull(client, "client is null");
      return this;
    }

    /** How long one upload may take, from request to answer. Default 10 minutes. */
    public Builder uploadTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout is null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.uploadTimeout = timeout;
      return this;
    }

    /** Logs in with a user name and password (also when a token stops working). */
    public Builder login(String user, String password) {
      this.user = requireNonNull(user, "user is null");
      this.password = requireNonNull(password, "password is null");
      this.register = false;
      return this;
    }

    /**
     * Creates the account on first connect, or logs in if it exists. Also creates it again if
     * the server lost it (a new store).
     */
    public Builder register(String user, String password) {
      login(user, password);
      this.register = true;
      return this;
    }

    /** Logs in with a token from an earlier login ({@link ChatClient#token()}). */
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
      this.maxPendingSends = positive(max, "maxPendingSends");
      return this;
    }

    /** Other requests awaiting their reply before new ones fail with TooManyPendingException. */
    public Builder maxPendingRequests(int max) {
      this.maxPendingRequests = positive(max, "maxPendingRequests");
      return this;
    }

    /**
     * The largest frame taken from the server (default 64 MiB): a larger one closes the
     * connection (1009), and the client connects again. The biggest frames a server sends are
     * history and search pages; keep this well above a full page of the longest messages.
     */
    public Builder maxInboundFrameBytes(int max) {
      this.maxInboundFrameBytes = positive(max, "maxInboundFrameBytes");
      return this;
    }

    /**
     * How long the server may answer nothing while requests (sends, catch-up pages, yours) are
     * in flight, counted from its last answer, before the client gives the connection up
     * (default 30 s): it drops it, the requests in flight fail with NotConnectedException
     * (sends stay queued and go again), and it connects again. The server answers in
     * milliseconds; this is for one that stopped answering while its socket stays open.
     */
    public Builder requestTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout is null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive");
      }
      this.requestTimeout = timeout;
      return this;
    }

    /** Messages per history request while catching up (capped at the server's historyMax). */
    public Builder historyPage(int size) {
      this.historyPage = positive(size, "historyPage");
      return this;
    }

    /**
     * The most frames this client sends per second, with a burst. The server closes a
     * connection that sends faster than its {@code --requests-per-second} and {@code
     * --request-burst} (default 50 and 100), which its hello advertises: once it has, this rate
     * is kept up to that limit. Without this call the client sends at 40 and 80 until the hello,
     * then at 80% of what the server advertises.
     */
    public Builder requestRate(double perSecond, int burst) {
      if (!(perSecond > 0)) {
        throw new IllegalArgumentException("perSecond must be positive");
      }
      this.requestsPerSecond = perSecond;
      this.requestBurst = positive(burst, "burst");
      this.requestRateChosen = true;
      return this;
    }

    /**
     * Whether a send refused as {@code rate_limited} is retried after the server's {@code
     * retryAfterMs} (the default), or fails with a {@link ChatErrorException} whose {@link
     * ChatErrorException#retryAfterMs()} says when to try again.
     */
    public Builder retryRateLimited(boolean retry) {
      this.retryRateLimited = retry;
      return this;
    }

    /** Reconnect delays: random, growing from about {@code min} to {@code max}. */
    public Builder backoff(Duration min, Duration max) {
      requireNonNull(min, "min is null");
      requireNonNull(max, "max is null");
      if (min.toMillis() < 1 || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("need 1 ms <= min <= max");
      }
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /** How long opening a TCP connection may take; twice this bounds the whole login. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = requireNonNull(timeout, "timeout is null");
      return this;
    }

    /**
     * How often the client pings (whole seconds, at least 1); no pong for 1.5 times this counts
     * as a lost connection.
     */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = requireNonNull(interval, "interval is null");
      return this;
    }

    /** For {@code wss://} with your own trust store. */
    public Builder sslSocketFactory(SSLSocketFactory factory) {
      this.socketFactory = requireNonNull(factory, "factory is null");
      return this;
    }

    /**
     * Resumes where an earlier client stopped: {@code lastSeen} from its {@link
     * ChatClient#lastSeen()}, {@code epoch} from its {@link ChatClient#epoch()} (may be null).
     * Conversations missing from the map are followed like new ones: direct conversations from
     * their first message, rooms from now on. If the server's epoch differs, the map is
     * dropped and {@link ChatListener#onEpochChanged} reports it.
     */
    public Builder resumeFrom(String epoch, Map<String, Long> lastSeen) {
      this.resumeEpoch = epoch;
      this.resumeFrom = Map.copyOf(lastSeen);
      return this;
    }

    /**
     * As {@link #resumeFrom(String, Map)}, and resumes changes too: {@code lastRevs} from the
     * earlier client's {@link ChatClient#lastRevs()}. The changes made since are delivered to
     * {@link ChatListener#onUpdate}; without it, changes are followed from now on.
     */
    public Builder resumeFrom(String epoch, Map<String, Long> lastSeen,
        Map<String, Long> lastRevs) {
      resumeFrom(epoch, lastSeen);
      this.resumeRevs = Map.copyOf(lastRevs);
      return this;
    }

    public ChatClient build() {
      if (token == null && password == null) {
        throw new IllegalStateException("give login(), register() or token()");
      }
      return new ChatClient(copy());
    }

    private Builder copy() {
      Builder b = new Builder(uri);
      b.user = user;
      b.password = password;
      b.register = register;
      b.token = token;
      b.listener = listener;
      b.maxPendingSends = maxPendingSends;
      b.maxPendingRequests = maxPendingRequests;
      b.maxInboundFrameBytes = maxInboundFrameBytes;
      b.historyPage = historyPage;
      b.requestsPerSecond = requestsPerSecond;
      b.requestBurst = requestBurst;
      b.requestRateChosen = requestRateChosen;
      b.retryRateLimited = retryRateLimited;
      b.minBackoff = minBackoff;
      b.maxBackoff = maxBackoff;
      b.connectTimeout = connectTimeout;
      b.pingInterval = pingInterval;
      b.socketFactory = socketFactory;
      b.resumeEpoch = resumeEpoch;
      b.resumeFrom = resumeFrom;
      b.resumeRevs = resumeRevs;
      b.httpOrigin = httpOrigin;
      b.httpClient = httpClient;
      b.uploadTimeout = uploadTimeout;
      b.requestTimeout = requestTimeout;
      return b;
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be positive, not " + value);
      }
      return value;
    }
  }
}
