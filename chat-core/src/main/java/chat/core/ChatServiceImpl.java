package chat.core;

import chat.core.cluster.Presence;
import chat.core.store.MessageStore;
import chat.protocol.Event;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The core itself: started and stopped as a {@link Managed} of phase {@link #PHASE_CORE}. */
@Singleton
final class ChatServiceImpl implements ChatService, Managed {
  private static final Logger log = LoggerFactory.getLogger(ChatServiceImpl.class);

  private final ChatConfig config;
  private final Ticker ticker;
  private final MessageStore messages;
  private final SessionRegistry registry;
  private final Router router;
  private final CoreExecutors executors;
  private final RequestHandler handler;
  private final OperatorActions operatorActions;
  private final AuthService auth;
  private final NodeLink link;
  private final BusReceiver busReceiver;
  private final Presence presence;
  private final ChatMetrics metrics;
  /** The additions of the second round this server supports, named in {@code hello}. */
  static final java.util.List<String> FEATURES = java.util.List.of(
      "edit", "delete", "react", "reply", "search", "files", "block", "moderation", "account");

  private volatile Outbound hello; // built at start: a durable store knows its epoch once open
  private final PresenceEvents presenceEvents;

  private volatile boolean started;
  private volatile boolean stopping;

  @Inject
  ChatServiceImpl(ChatConfig config, Ticker ticker, MessageStore messages,
      SessionRegistry registry, Router router, CoreExecutors executors,
      RequestHandler handler, OperatorActions operatorActions,
      AuthService auth, NodeLink link, BusReceiver busReceiver, Presence presence,
      PresenceEvents presenceEvents, ChatMetrics metrics) {
    this.presenceEvents = presenceEvents;
    this.metrics = metrics;
    this.link = link;
    this.busReceiver = busReceiver;
    this.presence = presence;
    this.operatorActions = operatorActions;
    this.auth = auth;
    this.config = config;
    this.ticker = ticker;
    this.messages = messages;
    this.registry = registry;
    this.router = router;
    this.executors = executors;
    this.handler = handler;
  }

  @Override
  public int phase() {
    return PHASE_CORE;
  }

  /** Starts the core's timers and worker threads. */
  @Override
  public synchronized void start() {
    if (stopping) {
      throw new IllegalStateException("stopped");
    }
    hello = new Outbound(new Event.Hello(Event.PROTOCOL_VERSION, config.serverName(),
        messages.epoch(), config.limits(), FEATURES));
    executors.start();
    // Other nodes' news before the first connection: nothing a session should see is missed.
    link.bus().start(busReceiver);
    presence.start(
        user -> router.presence(user, false), // users of a node that died
        user -> router.presence(user, true)); // users of this node, counted out while paused
    auth.warmUp();
    operatorActions.start();
    executors.every("applying operator actions", operatorActions::poll, 1_000);
    executors.every("forgetting old login throttles", auth::sweep, 60_000);
    if (link.clustered()) {
      executors.every("checking the node bus", busReceiver::checkBus, 5_000);
      executors.every("forgetting idle conversation cursors", router::sweepCursors, 60_000);
    }
    started = true;
  }

  @Override
  public SessionHandler open(Session session) {
    if (!started) {
      throw new IllegalStateException("the core is not started: start the injector's Lifecycle");
    }
    SessionState c = new SessionState(this, session, config, ticker);
    if (stopping) {
      session.close(CloseCodes.GOING_AWAY, "server shutting down");
      return c;
    }
    registry.opened(c);
    session.send(hello);
    c.armAuthDeadline(config.limits().authTimeoutMs());
    log.debug("opened {}", c);
    return c;
  }

  /** Closes every session with 1001 and releases the core's threads. Idempotent. */
  @Override
  public void stop() {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    for (SessionState c : registry.all()) {
      c.end(CloseCodes.GOING_AWAY, "server shutting down");
    }
    presence.stop();
    link.bus().stop();
    executors.stop();
  }

  @Override
  public int connectionCount() {
    return registry.count();
  }

  /** Before the sign-in is answered: the user's conversations are followed from here on. */
  void authenticated(SessionState c, String user) {
    metrics.signedIn();
    router.signingIn(user);
    // The user's lock serialises its first-session and last-session decisions with their
    // announcements.
    synchronized (presenceEvents.lock(user)) {
      if (registry.authenticated(c, user) && presence.signedIn(user)) {
        presenceEvents.changed(user, true);
      }
    }
  }

  void closed(SessionState c) {
    String user = c.user();
    if (user == null) {
      registry.closed(c, null);
    } else {
      synchronized (presenceEvents.lock(user)) {
        if (registry.closed(c, user) && !stopping && presence.signedOut(user)) {
          presenceEvents.changed(user, false);
        }
      }
    }
    log.debug("closed {}", c);
  }

  RequestHandler handler() {
    return handler;
  }

  CoreExecutors executors() {
    return executors;
  }

  ChatMetrics metrics() {
    return metrics;
  }
}
