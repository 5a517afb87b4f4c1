package chat.cluster.redis;

import chat.core.cluster.Presence;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence across nodes in Redis (keys and scripts: {@link PresenceScripts}). Each node counts
 * its sessions per user in a hash per user, renews its heartbeat every {@code heartbeat}, and
 * every {@code reapPeriod} looks for nodes whose heartbeat expired ({@code ttl}): one atomic
 * script counts their sessions out and hands the users who thereby went offline to exactly one
 * node's {@code wentOffline}. With the defaults a killed node's users are offline within 20 s.
 *
 * <p>The node also keeps its own counts in memory, the truth for its sessions (a user with a
 * session here is online without asking Redis): when its heartbeat was found expired (it was
 * reaped while paused, or Redis restarted empty) or a write failed, the next heartbeat (after a
 * failure, one {@value #RETRY_MS} ms later) makes Redis hold exactly those counts again; users
 * that drops, and users whose last session here closed while Redis was unreachable and who are
 * on no other node, are reported to {@code wentOffline} too. When the heartbeat had expired,
 * the users this node counts in who were offline everywhere are reported to {@code cameBack}: a
 * reaper told everyone they left (after Redis lost its data nobody did, and the news is merely
 * repeated). While Redis is unreachable the answers come from this node alone (logged once at
 * WARN): a first session here counts as first, a last one never as last (the resynchronisation
 * reports it). Calls wait for Redis at most the command timeout, and after a failure not at all
 * for {@value #RETRY_MS} ms.
 *
 * <p>{@link #stop} counts this node's sessions out and reports the users who thereby went
 * offline to {@code wentOffline}, before it returns. Not restartable.
 */
public final class RedisPresence implements Presence {
  private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);
  /** Users asked about in one script by {@link #onlineAmong}. */
  private static final int ONLINE_BATCH = 1_000;
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_REAP_PERIOD = Duration.ofSeconds(5);
  static final long RETRY_MS = 1_000;
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final int STRIPES = 64;

  private final Redis redis;
  private final String prefix;
  private final String nodeId;
  private final long heartbeatMs;
  private final long ttlMs;
  private final long reapMs;
  private final LazyConnection connection;
  private final ScheduledExecutorService scheduler;
  private final OutageLog outage = new OutageLog(log, "Presence",
      "each node answers for its own sessions until it is back");
  /** This node's sessions per user; users with none are absent. */
  private final Map<String, Integer> sessions = new ConcurrentHashMap<>();
  /** Users whose last session here closed while Redis was unreachable: announced at resync. */
  private final Set<String> unannounced = ConcurrentHashMap.newKeySet();
  /** Read: one user's count changes. Write: Redis is made to hold {@link #sessions}. */
  private final ReadWriteLock resyncLock = new ReentrantReadWriteLock();
  /** One user's count changes one at a time, in memory and in Redis in the same order. */
  private final Object[] stripes = new Object[STRIPES];
  private final AtomicLong reaps = new AtomicLong();
  private final AtomicBoolean retryScheduled = new AtomicBoolean();
  private volatile Consumer<String> wentOffline;
  private volatile Consumer<String> cameBack;
  private volatile boolean needsResync = true;
  private volatile long retryAtNanos = System.nanoTime();
  private volatile boolean stopped;
  private volatile boolean paused; // tests only

  /** Presence of node {@code nodeId} under {@code prefix} (e.g. {@code chat:presence:}). */
  public RedisPresence(Redis redis, String prefix, String nodeId) {
    this(redis, prefix, nodeId, DEFAULT_HEARTBEAT, DEFAULT_TTL, DEFAULT_REAP_PERIOD);
  }

  /**
   * As above, with its timings: the heartbeat's period and time to live ({@code ttl}, several
   * heartbeats, so one late beat does not count a node out), and the reaper's period.
   *
   * @throws IllegalArgumentException if {@code nodeId} is not 1-100 of {@code A-Za-z0-9._-}, or
   *     {@code ttl} is not longer than {@code heartbeat}
   */
  public RedisPresence(Redis redis, String prefix, String nodeId, Duration heartbeat,
      Duration ttl, Duration reapPeriod) {
    this.redis = Objects.requireNonNull(redis, "redis is null");
    this.prefix = Objects.requireNonNull(prefix, "prefix is null");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId is null");
    if (!NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException("node id must be 1-100 of A-Za-z0-9._- : " + nodeId);
    }
    this.heartbeatMs = heartbeat.toMillis();
    this.ttlMs = ttl.toMillis();
    this.reapMs = reapPeriod.toMillis();
    if (heartbeatMs <= 0 || reapMs <= 0 || ttlMs <= heartbeatMs) {
      throw new IllegalArgumentException("need 0 < heartbeat < ttl and reapPeriod > 0: "
          + heartbeat + ", " + ttl + ", " + reapPeriod);
    }
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
    this.connection = new LazyConnection(redis);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "redis-presence");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Beats once (so the node is known before its first session), then every {@code heartbeat};
   * reaps every {@code reapPeriod}. The callbacks run on this presence's own thread.
   */
  @Override
  public void start(Consumer<String> wentOffline, Consumer<String> cameBack) {
    this.wentOffline = Objects.requireNonNull(wentOffline, "wentOffline is null");
    this.cameBack = Objects.requireNonNull(cameBack, "cameBack is null");
    connection.open(); // if Redis is down, the heartbeats try again
    try {
      scheduler.submit(this::heartbeat).get(); // bounded: each command by the command timeout
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("presence heartbeat failed", e.getCause());
    }
    scheduler.scheduleWithFixedDelay(this::heartbeat, heartbeatMs, heartbeatMs,
        TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::reap, reapMs, reapMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean signedIn(String user) {
    Objects.requireNonNull(user, "user is null");
    resyncLock.readLock().lock();
    try {
      synchronized (stripe(user)) {
        boolean firstHere = sessions.merge(user, 1, Integer::sum) == 1;
        unannounced.remove(user);
        Long first = call(PresenceScripts.SIGN_IN, keys(userKey(user), usersOf()), nodeId, user);
        return first == null ? firstHere : first == 1;
      }
    } finally {
      resyncLock.readLock().unlock();
    }
  }

  @Override
  public boolean signedOut(String user) {
    Objects.requireNonNull(user, "user is null");
    resyncLock.readLock().lock();
    try {
      synchronized (stripe(user)) {
        if (!sessions.containsKey(user)) {
          return false; // no session of the user here: nothing to count out
        }
        boolean lastHere = sessions.computeIfPresent(user, (u, n) -> n > 1 ? n - 1 : null)
            == null;
        Long last = call(PresenceScripts.SIGN_OUT, keys(userKey(user), usersOf()), nodeId, user,
            lastHere ? "1" : "0");
        if (last == null && lastHere) {
          unannounced.add(user); // offline everywhere? the resynchronisation finds out
        }
        return last != null && last == 1;
      }
    } finally {
      resyncLock.readLock().unlock();
    }
  }

  /**
   * True at once for a user with a session here (this node's counts are the truth for its own
   * sessions, and Redis may not hold them yet after an outage); otherwise Redis answers, or,
   * while it cannot, nobody elsewhere counts.
   */
  @Override
  public boolean isOnline(String user) {
    Objects.requireNonNull(user, "user is null");
    if (sessions.containsKey(user)) {
      return true;
    }
    Long exists = call(commands -> commands.exists(userKey(user)).toCompletableFuture());
    return exists != null && exists > 0;
  }

  /**
   * As {@link #isOnline} for each, asking Redis about the users without a session here a
   * thousand at a time in one script each (sent together, answered together), not a round trip
   * each: a room of 10,000 members would otherwise wait on 10,000 of them. A thousand keeps
   * each script, which Redis runs alone, short.
   */
  @Override
  public Set<String> onlineAmong(Collection<String> users) {
    Set<String> online = new HashSet<>();
    List<String> elsewhere = new ArrayList<>();
    for (String user : users) {
      if (sessions.containsKey(user)) {
        online.add(user);
      } else {
        elsewhere.add(user);
      }
    }
    if (elsewhere.isEmpty()) {
      return online;
    }
    List<Long> exists = call(commands -> {
      List<CompletableFuture<List<Long>>> batches = new ArrayList<>();
      for (int from = 0; from < elsewhere.size(); from += ONLINE_BATCH) {
        List<String> batch = elsewhere.subList(from,
            Math.min(from + ONLINE_BATCH, elsewhere.size()));
        batches.add(PresenceScripts.ONLINE_AMONG.run(commands,
            batch.stream().map(this::userKey).toArray(String[]::new)));
      }
      return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new))
          .thenApply(done -> batches.stream().flatMap(b -> b.join().stream()).toList());
    });
    if (exists != null) {
      for (int i = 0; i < elsewhere.size(); i++) {
        if (exists.get(i) > 0) {
          online.add(elsewhere.get(i));
        }
      }
    }
    return online;
  }

  /** Counts this node's sessions out; reports users who went offline, then closes. */
  @Override
  public void stop() {
    if (stopped) {
      return;
    }
    shutdownScheduler();
    retryAtNanos = System.nanoTime(); // one more try, even right after a failure
    List<String> gone = resync(true).gone();
    stopped = true;
    connection.close();
    report(gone, wentOffline);
  }

  /** For tests: stops beating and reaping without counting anything out, as a crash would. */
  void abandon() {
    stopped = true;
    shutdownScheduler();
    connection.close();
  }

  /**
   * For tests: while paused the node neither beats nor reaps, as in a long stop-the-world pause;
   * its sessions stay, and the first beat after it finds whether it was counted out.
   */
  void paused(boolean paused) {
    this.paused = paused;
  }

  /** For tests: how many reaps have run on this node. */
  long reaps() {
    return reaps.get();
  }

  private void heartbeat() {
    if (paused) {
      return;
    }
    Long existed = call(PresenceScripts.HEARTBEAT, keys(aliveKey(nodeId), nodesKey()), nodeId,
        Long.toString(ttlMs));
    if (existed == null) {
      needsResync = true; // whatever failed meanwhile is put right once Redis answers
      return;
    }
    if (existed == 0 || needsResync) {
      if (existed == 0 && !sessions.isEmpty()) {
        log.warn("Presence: node {}'s heartbeat had expired (paused, or Redis lost its data); "
            + "counting its sessions in again", nodeId);
      }
      Resync result = resync(false);
      report(result.gone(), wentOffline);
      if (existed == 0) {
        // Counted out while alive: others heard these users go offline (from a reaper), so
        // they hear them come back. (After a write failure alone they were announced already.)
        report(result.back(), cameBack);
      }
    }
  }

  /** Users a resynchronisation found offline everywhere, and users it brought back online. */
  private record Resync(List<String> gone, List<String> back) {
    static final Resync NONE = new Resync(List.of(), List.of());
  }

  /** Makes Redis hold this node's counts (none if leaving). */
  private Resync resync(boolean leave) {
    resyncLock.writeLock().lock();
    try {
      needsResync = false;
      List<String> pending = List.copyOf(unannounced);
      List<String> args = new ArrayList<>(List.of(nodeId, prefix + "user:", leave ? "1" : "0",
          Integer.toString(pending.size())));
      args.addAll(pending);
      if (!leave) {
        sessions.forEach((user, count) -> {
          args.add(user);
          args.add(count.toString());
        });
      }
      List<Object> reply = call(PresenceScripts.RESYNC,
          keys(usersOf(), aliveKey(nodeId), nodesKey()), args.toArray(String[]::new));
      if (reply == null) {
        needsResync = true;
        return Resync.NONE;
      }
      unannounced.removeAll(pending);
      return new Resync(strings((List<?>) reply.get(0)), strings((List<?>) reply.get(1)));
    } finally {
      resyncLock.writeLock().unlock();
    }
  }

  private void reap() {
    if (paused) {
      return;
    }
    List<Object> gone = call(PresenceScripts.REAP, keys(nodesKey()), prefix, nodeId);
    reaps.incrementAndGet();
    if (gone != null && !gone.isEmpty()) {
      log.info("Presence: {} users went offline with nodes that stopped heart-beating",
          gone.size());
      report(strings(gone), wentOffline);
    }
  }

  private void report(List<String> users, Consumer<String> callback) {
    if (callback == null) {
      return;
    }
    for (String user : users) {
      try {
        callback.accept(user);
      } catch (RuntimeException e) {
        log.error("Presence: a presence callback failed for a user", e); // a bug in it
      }
    }
  }

  private <T> T call(Script script, String[] keys, String... args) {
    return call(commands -> script.<T>run(commands, keys, args));
  }

  /** Runs a command and waits for it (bounded); null if Redis failed or is skipped for now. */
  private <T> T call(
      Function<RedisAsyncCommands<String, String>, CompletableFuture<T>> command) {
    if (stopped || System.nanoTime() - retryAtNanos < 0) {
      return null;
    }
    RedisAsyncCommands<String, String> commands = connection.commands();
    try {
      if (commands == null) {
        throw new IllegalStateException("no connection");
      }
      T result = command.apply(commands).get(redis.commandTimeout().toMillis(),
          TimeUnit.MILLISECONDS);
      outage.succeeded(redis);
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed(e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      failed(e);
    }
    return null;
  }

  private void failed(Exception e) {
    needsResync = true;
    retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MS);
    outage.failed(redis, e);
    retrySoon();
  }

  /**
   * Beats once more as soon as Redis may be tried again, rather than a whole heartbeat later: a
   * count that failed to reach Redis is put right within about a second of Redis answering,
   * and while it does not, this tries every second. At most one such beat is waiting.
   */
  private void retrySoon() {
    if (stopped || !retryScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      scheduler.schedule(() -> {
        retryScheduled.set(false);
        heartbeat();
      }, RETRY_MS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      retryScheduled.set(false); // stopping: the scheduler takes nothing more
    }
  }

  private void shutdownScheduler() {
    scheduler.shutdown(); // a beat or reap under way finishes (bounded by the command timeout)
    try {
      if (!scheduler.awaitTermination(redis.commandTimeout().toMillis() * 2,
          TimeUnit.MILLISECONDS)) {
        log.warn("Presence: heartbeat thread of node {} did not stop in time", nodeId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Object stripe(String user) {
    return stripes[Math.floorMod(user.hashCode(), STRIPES)];
  }

  private static List<String> strings(List<?> values) {
    List<String> out = new ArrayList<>(values.size());
    for (Object v : values) {
      out.add(String.valueOf(v));
    }
    return out;
  }

  private static String[] keys(String... keys) {
    return keys;
  }

  private String userKey(String user) {
    return prefix + "user:" + user;
  }

  private String usersOf() {
    return prefix + "users-of:" + nodeId;
  }

  private String aliveKey(String node) {
    return prefix + "alive:" + node;
  }

  private String nodesKey() {
    return prefix + "nodes";
  }
}
