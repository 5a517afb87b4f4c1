package chat.core;

import chat.core.cluster.NodeBus;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.protocol.Event;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the other nodes tell this one ({@link NodeLink}'s messages), delivered to this node's
 * sessions; its own messages, which the bus brings back too, are skipped. A break in the bus
 * makes {@link Router#catchUp} read what was missed from the store.
 *
 * <p>A break the bus cannot see (a connection that died without a word: no reset, no close)
 * is caught by {@link #checkBus}: every few seconds this node publishes a ping to itself; while
 * none has come back for {@link #SILENCE_NANOS}, each check catches up from the store instead,
 * so no session waits long for what the bus should have brought. Each catch-up also drops the
 * caches that only the bus keeps up to date (rosters, blocks).
 */
@Singleton
final class BusReceiver implements NodeBus.Listener {
  private static final Logger log = LoggerFactory.getLogger(BusReceiver.class);

  private final NodeLink link;
  private final Router router;
  private final SessionRegistry registry;
  private final Blocks blocks;
  private final AccountStore accounts;
  private final Ticker ticker;
  private final ChatMetrics metrics;
  static final long SILENCE_NANOS = 15_000_000_000L;
  private volatile long lastOwnPing;
  private volatile boolean silent;

  @Inject
  BusReceiver(NodeLink link, Router router, SessionRegistry registry, Blocks blocks,
      AccountStore accounts, Ticker ticker, ChatMetrics metrics) {
    this.ticker = ticker;
    this.metrics = metrics;
    this.lastOwnPing = ticker.nanos();
    this.link = link;
    this.router = router;
    this.registry = registry;
    this.blocks = blocks;
    this.accounts = accounts;
  }

  @Override
  public void received(String message) {
    JsonObject o;
    try {
      o = JsonParser.parseString(message).getAsJsonObject();
    } catch (RuntimeException e) {
      log.warn("skipped an unreadable message on the node bus: {}", e.toString());
      return;
    }
    if (link.nodeId().equals(text(o, "n"))) {
      if (NodeLink.PING.equals(text(o, "k"))) {
        lastOwnPing = ticker.nanos();
      }
      return; // our own, delivered here already
    }
    try {
      apply(o);
    } catch (RuntimeException e) {
      log.error("could not apply a message from node {} ({})", text(o, "n"), text(o, "k"), e);
    }
  }

  private void apply(JsonObject o) {
    String kind = text(o, "k");
    switch (kind) {
      case NodeLink.MESSAGE -> {
        String json = text(o, "e");
        router.messageFromNode(conv(o), new Outbound(Router.CODEC.decodeEvent(json), json));
      }
      case NodeLink.UPDATE -> router.updateFromNode(conv(o), (Event.Update) event(o));
      case NodeLink.CONVERSATION -> {
        ConvId conv = conv(o);
        Event e = event(o);
        if (conv.isRoom() && (e instanceof Event.Member || e instanceof Event.RoomChanged)) {
          accounts.forgetRoster(conv.roomName()); // the members or their roles changed
        }
        if (e instanceof Event.Member m && ("join".equals(m.action())
            || "invite".equals(m.action())) && registry.isOnline(m.user())) {
          // A new member with sessions here, added on another node: this node follows the
          // room from now on, so a message the bus loses is read from the store (a room's
          // first message seen would otherwise start its cursor past a lost one).
          router.joining(conv);
        }
        router.toParticipantsHere(conv, e, null);
      }
      case NodeLink.TYPING -> router.toOthersUnblockedHere(conv(o), text(o, "u"), event(o));
      case NodeLink.DEPARTURE -> {
        ConvId conv = conv(o);
        accounts.forgetRoster(conv.roomName());
        router.departureHere(conv, text(o, "u"), event(o));
      }
      case NodeLink.USER -> {
        Event e = event(o);
        if (e instanceof Event.Member m && "deleted".equals(m.action())) {
          ConvId conv = ConvId.parseKey(m.conv()); // a room deleted on another node
          accounts.forgetRoster(conv.roomName());
          router.forget(conv);
        }
        router.toUserHere(text(o, "u"), new Outbound(e), null);
      }
      case NodeLink.PRESENCE -> router.presenceHere(text(o, "u"), o.get("on").getAsBoolean());
      case NodeLink.CLOSE_USER -> registry.closeUser(text(o, "u"), null, text(o, "why"));
      case NodeLink.CLOSE_TOKEN -> registry.closeToken(text(o, "t"), text(o, "why"));
      case NodeLink.ROSTER -> accounts.forgetRoster(conv(o).roomName());
      case NodeLink.BLOCKS -> blocks.changedElsewhere(text(o, "u"));
      default -> log.warn("skipped a message of unknown kind {} on the node bus", kind);
    }
  }

  /**
   * Called every few seconds in a cluster: sends this node's ping, and if none came back for
   * {@link #SILENCE_NANOS}, the bus is deaf to this node: catch up from the store.
   */
  void checkBus() {
    link.publish(NodeLink.PING, o -> { });
    if (ticker.nanos() - lastOwnPing < SILENCE_NANOS) {
      if (silent) {
        silent = false;
        log.info("the node bus carries again");
      }
      return;
    }
    if (!silent) {
      silent = true;
      log.warn("no word through the node bus for {} s: reading what other nodes stored from "
          + "the store until it carries again", SILENCE_NANOS / 1_000_000_000L);
    }
    forgetCaches();
    router.catchUp();
  }

  /** The bus lost messages for this node: read them from the store. */
  @Override
  public void resubscribed() {
    metrics.busResubscribed();
    forgetCaches();
    router.catchUp();
  }

  /**
   * Other nodes' changes to rooms' rosters and to blocks reach this node's caches of them only as
   * bus messages ({@link NodeLink#BLOCKS}, member events). After a break any of those may be
   * lost, and a stale roster or blocked set would let a removed member or a blocked user write
   * where they no longer may: both caches are read again from the store.
   */
  private void forgetCaches() {
    accounts.forgetCaches();
    blocks.forget();
  }

  private static ConvId conv(JsonObject o) {
    return ConvId.parseKey(text(o, "c"));
  }

  private static Event event(JsonObject o) {
    return Router.CODEC.decodeEvent(text(o, "e"));
  }

  private static String text(JsonObject o, String field) {
    return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : null;
  }
}
