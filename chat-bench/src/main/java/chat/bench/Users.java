package chat.bench;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Connects and authenticates many clients with a bounded number in flight. A user is registered
 * once; its token is reused ({@code login} by token) and, with {@code --users-file}, kept in a
 * file between runs, keyed by the server's epoch: against a server with the default 600,000
 * PBKDF2 iterations a registration costs ~0.3 s of server CPU, a token login next to nothing.
 * Against a cluster the sessions are spread over its nodes in the order they are opened: the
 * k-th session (counting across calls of {@link #open}) connects to node k % N.
 */
final class Users {
  static final String PASSWORD = "bench-password-1";

  private final Net net;
  private final List<URI> uris;
  private int opened; // sessions opened so far, on the one thread that calls open
  private final int concurrency;
  private final Path file;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private volatile String epoch;

  Users(Net net, List<URI> uris, int concurrency, Path file) {
    this.net = net;
    this.uris = uris;
    this.concurrency = concurrency;
    this.file = file;
  }

  /**
   * Opens {@code names.size()} sessions; each is authenticated, then {@code after} runs (e.g. a
   * join). Fails if any of them fails (with the first error and the count).
   */
  List<BenchClient> open(List<String> names, Function<BenchClient, BenchClient.Sink> sinks,
      Function<BenchClient, CompletableFuture<?>> after) throws Exception {
    Semaphore inFlight = new Semaphore(concurrency);
    BenchClient[] clients = new BenchClient[names.size()];
    List<CompletableFuture<?>> all = new ArrayList<>(names.size());
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<Throwable> first = new AtomicReference<>();
    for (int i = 0; i < names.size(); i++) {
      inFlight.acquire();
      int index = i;
      URI uri = uris.get(opened++ % uris.size());
      CompletableFuture<?> f = openOne(uri, names.get(i), i, sinks, after, 0)
          .whenComplete((c, e) -> {
            inFlight.release();
            if (e != null) {
              failures.incrementAndGet();
              first.compareAndSet(null, e);
            } else {
              clients[index] = c;
            }
          });
      all.add(f);
    }
    try {
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
          .get(10 + names.size() / 20, TimeUnit.SECONDS);
    } catch (Exception e) {
      // counted below
    }
    if (failures.get() > 0 || all.stream().anyMatch(f -> !f.isDone())) {
      long notDone = all.stream().filter(f -> !f.isDone()).count();
      throw new IllegalStateException(failures.get() + " of " + names.size()
          + " sessions failed, " + notDone + " timed out; first: " + first.get());
    }
    return new ArrayList<>(List.of(clients));
  }

  private static final int MAX_REGISTER_RETRIES = 5;

  /** Connections refused or reset before the WebSocket opened (retried up to 3 times). */
  final AtomicInteger connectRetries = new AtomicInteger();

  private CompletableFuture<BenchClient> openOne(URI uri, String name, int index,
      Function<BenchClient, BenchClient.Sink> sinks,
      Function<BenchClient, CompletableFuture<?>> after, int attempt) {
    BenchClient c = new BenchClient(name, index);
    c.sink = sinks.apply(c);
    CompletableFuture<JsonObject> hello = c.connect(net, uri);
    return hello.handle((h, e) -> {
      if (e == null) {
        noteEpoch(h);
        return authenticate(c).thenCompose(r -> after.apply(c)).thenApply(x -> c);
      }
      if (attempt < 3) {
        // A full accept backlog makes loopback connects fail now and then: try again, counted.
        connectRetries.incrementAndGet();
        return openOne(uri, name, index, sinks, after, attempt + 1);
      }
      return CompletableFuture.<BenchClient>failedFuture(e);
    }).thenCompose(x -> x);
  }

  /** Re-authenticates an existing client object by token (reconnect). */
  CompletableFuture<JsonObject> loginByToken(BenchClient c) {
    return c.call(BenchClient.obj("type", "login", "token", c.token));
  }

  private void noteEpoch(JsonObject hello) {
    if (epoch == null && hello.has("epoch")) {
      synchronized (this) {
        if (epoch == null) {
          epoch = hello.get("epoch").getAsString();
          load();
        }
      }
    }
  }

  private CompletableFuture<JsonObject> authenticate(BenchClient c) {
    String cached = tokens.get(c.user);
    CompletableFuture<JsonObject> f;
    if (cached != null) {
      f = c.request(BenchClient.obj("type", "login", "token", cached)).thenCompose(r ->
          isOk(r) ? CompletableFuture.completedFuture(r) : register(c));
    } else {
      f = register(c);
    }
    return f.thenApply(r -> {
      c.token = r.get("token").getAsString();
      tokens.put(c.user, c.token);
      return r;
    });
  }

  private CompletableFuture<JsonObject> register(BenchClient c) {
    return register(c, 0);
  }

  /**
   * Registers {@code c}'s user (or logs in if it exists). A {@code rate_limited} answer (the
   * server's password hashing is busy while many users register at once on a loaded machine)
   * is tried again after the wait it names, a few times: setting up is not what is measured.
   */
  private CompletableFuture<JsonObject> register(BenchClient c, int attempt) {
    return c.request(BenchClient.obj("type", "register", "user", c.user, "password", PASSWORD))
        .thenCompose(r -> {
          if (isOk(r)) {
            return CompletableFuture.completedFuture(r);
          }
          String code = r.has("code") ? r.get("code").getAsString() : "";
          if (code.equals("conflict")) {
            return c.call(BenchClient.obj("type", "login", "user", c.user, "password", PASSWORD));
          }
          if (code.equals("rate_limited") && attempt < MAX_REGISTER_RETRIES) {
            long waitMs = r.has("retryAfterMs") ? r.get("retryAfterMs").getAsLong() : 500;
            return CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS))
                .thenCompose(x -> register(c, attempt + 1));
          }
          throw new IllegalStateException("register " + c.user + ": " + r);
        });
  }

  static boolean isOk(JsonObject r) {
    return "ok".equals(r.get("type").getAsString());
  }

  private void load() {
    if (file == null || !Files.exists(file)) {
      return;
    }
    try {
      JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
      if (o.has(epoch)) {
        o.getAsJsonObject(epoch).entrySet()
            .forEach(e -> tokens.put(e.getKey(), e.getValue().getAsString()));
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("ignoring unreadable --users-file " + file + ": " + e);
    }
  }

  /** Writes the tokens back to {@code --users-file} (if given). */
  void save() {
    if (file == null || epoch == null) {
      return;
    }
    try {
      JsonObject o = Files.exists(file)
          ? JsonParser.parseString(Files.readString(file)).getAsJsonObject() : new JsonObject();
      JsonObject mine = new JsonObject();
      tokens.forEach(mine::addProperty);
      o.add(epoch, mine);
      Files.writeString(file, new Gson().toJson(o));
    } catch (IOException | RuntimeException e) {
      System.err.println("could not write --users-file " + file + ": " + e);
    }
  }
}
