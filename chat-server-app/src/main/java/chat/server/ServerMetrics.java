package chat.server;

import chat.core.ChatMetrics;
import chat.core.ChatService;
import chat.store.jdbc.PostgresPool;
import chat.transport.ws.WebSocketTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The server's {@link ChatMetrics}, as Micrometer meters in a Prometheus registry that {@code
 * /metrics} scrapes. Every meter is registered here, up front: a call from core bumps a meter
 * held in a field (closes by reason: an array indexed by the reason), never a lookup by name.
 * The list of names is in docs/deploy.md ("Metrics").
 *
 * <p>Histograms have fixed buckets chosen for what they measure (Micrometer's default
 * percentile histogram has ~70 buckets per timer).
 */
final class ServerMetrics implements ChatMetrics, AutoCloseable {
  /** Prometheus' text format, version 0.0.4: what {@link #scrape} returns. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Counter signIns;
  private final Counter signInFailures;
  private final Counter sent;
  private final Counter delivered;
  private final Counter rateLimited;
  private final Counter[] closes = new Counter[Close.values().length];
  private final Timer commits;
  private final DistributionSummary batchSizes;
  private final Timer busPublishes;
  private final Counter busResubscribes;
  private final Counter repairedGaps;

  /**
   * @param clustered a node of several (--redis-url): the node bus' meters are exported too;
   *     alone, nothing calls them, and they are not shown
   */
  ServerMetrics(boolean clustered) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    signIns = counter(registry, "chat.sign.ins",
        "Connections signed in (register, password or token login)");
    signInFailures = counter(registry, "chat.sign.in.failures",
        "Sign-ins refused: wrong name or password, token expired or revoked");
    sent = counter(registry, "chat.messages.sent",
        "Messages stored and acknowledged to their sender");
    delivered = counter(registry, "chat.messages.delivered",
        "Copies of new messages queued to connections on this node");
    rateLimited = counter(registry, "chat.rate.limited",
        "Requests answered rate_limited");
    for (Close reason : Close.values()) {
      closes[reason.ordinal()] = Counter.builder("chat.closes")
          .description("Connections the server closed, by reason")
          .tag("reason", reason.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    commits = Timer.builder("chat.store.commit")
        .description("Time to commit one batch of messages (group commit)")
        .serviceLevelObjectives(millis(1), millis(2), millis(5), millis(10), millis(25),
            millis(50), millis(100), millis(250), millis(500), millis(1_000), millis(2_500))
        .register(registry);
    batchSizes = DistributionSummary.builder("chat.store.batch.size")
        .description("Messages per committed batch")
        .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000)
        .register(registry);
    // An empty composite registry hands out meters that record nothing.
    MeterRegistry cluster = clustered ? registry : new CompositeMeterRegistry();
    busPublishes = Timer.builder("chat.bus.publish")
        .description("Time from a publish on the node bus until Redis took it")
        .serviceLevelObjectives(micros(500), millis(1), millis(2), millis(5), millis(10),
            millis(25), millis(50), millis(100), millis(250), millis(1_000))
        .register(cluster);
    busResubscribes = counter(cluster, "chat.bus.resubscribes",
        "Breaks in the node bus after which this node repaired from the store");
    repairedGaps = counter(cluster, "chat.bus.repaired.gaps",
        "Gaps in one conversation's messages or changes filled from the store");
  }

  private static Counter counter(MeterRegistry into, String name, String description) {
    return Counter.builder(name).description(description).register(into);
  }

  /** Gauges read at each scrape from the running server. */
  void watch(ChatService chat, WebSocketTransport transport) {
    Gauge.builder("chat.connections", chat, ChatService::connectionCount)
        .description("Open WebSocket connections")
        .register(registry);
    Gauge.builder("chat.outbound.queued", transport, WebSocketTransport::outboundBytesQueued)
        .description("Bytes queued for all connections and not yet written to their sockets")
        .baseUnit("bytes")
        .register(registry);
    refused("websocket", transport, WebSocketTransport::refusedConnections);
  }

  /** The HTTP port's refusals. */
  void watch(WebServer web) {
    refused("http", web, WebServer::refusedConnections);
  }

  private <T> void refused(String port, T source, ToDoubleFunction<T> count) {
    FunctionCounter.builder("chat.connections.refused", source, count)
        .description("Sockets closed at once for a connection cap (total or per address)")
        .tag("port", port)
        .register(registry);
  }

  /** The PostgreSQL store's connection pool. */
  void watch(PostgresPool pool) {
    Gauge.builder("chat.db.pool.connections", pool, PostgresPool::active)
        .description("PostgreSQL connections, by state").tag("state", "active")
        .register(registry);
    Gauge.builder("chat.db.pool.connections", pool, PostgresPool::idle)
        .description("PostgreSQL connections, by state").tag("state", "idle")
        .register(registry);
    Gauge.builder("chat.db.pool.waiting", pool, PostgresPool::waiting)
        .description("Work waiting for a PostgreSQL connection")
        .register(registry);
  }

  /** Every meter, in Prometheus' text format ({@link #CONTENT_TYPE}). */
  String scrape() {
    return registry.scrape();
  }

  @Override
  public void signedIn() {
    signIns.increment();
  }

  @Override
  public void signInFailed() {
    signInFailures.increment();
  }

  @Override
  public void sent() {
    sent.increment();
  }

  @Override
  public void delivered(int connections) {
    if (connections > 0) {
      delivered.increment(connections);
    }
  }

  @Override
  public void rateLimited() {
    rateLimited.increment();
  }

  @Override
  public void closed(Close reason) {
    closes[reason.ordinal()].increment();
  }

  @Override
  public void committed(int appends, long nanos) {
    commits.record(nanos, TimeUnit.NANOSECONDS);
    batchSizes.record(appends);
  }

  @Override
  public void busPublished(long nanos) {
    busPublishes.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void busResubscribed() {
    busResubscribes.increment();
  }

  @Override
  public void gapRepaired() {
    repairedGaps.increment();
  }

  /** Stops listening for GC events. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }

  private static Duration millis(long ms) {
    return Duration.ofMillis(ms);
  }

  private static Duration micros(long us) {
    return Duration.ofNanos(us * 1_000);
  }
}
