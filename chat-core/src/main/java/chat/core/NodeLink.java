package chat.core;

import chat.core.cluster.NodeBus;
import com.google.gson.JsonObject;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * This node's end of the {@link NodeBus}: whether there are other nodes at all, and the
 * messages it tells them, each a JSON object with this node's id ({@code n}) and a kind
 * ({@code k}); {@link BusReceiver} reads them. Alone ({@link NodeBus#NONE}) it publishes nothing
 * and builds nothing, so a single server pays nothing for the cluster.
 */
@Singleton
final class NodeLink {
  /** A stored message: {@code c} conversation key, {@code e} the event named by the key. */
  static final String MESSAGE = "msg";
  /** A change to a message: {@code c}, {@code e} an update event named by the key. */
  static final String UPDATE = "upd";
  /** An event to every participant of {@code c}: {@code e}. */
  static final String CONVERSATION = "conv";
  /** A typing notice of {@code u} in {@code c}: {@code e}. */
  static final String TYPING = "typing";
  /** A member event {@code e} to the members of room {@code c} and to its subject {@code u}. */
  static final String DEPARTURE = "dep";
  /** An event {@code e} to every session of user {@code u}. */
  static final String USER = "user";
  /** User {@code u} came online ({@code on} true) or went offline everywhere. */
  static final String PRESENCE = "presence";
  /** Close every connection of user {@code u} ({@code why}). */
  static final String CLOSE_USER = "closeUser";
  /** Close every connection logged in with token hash {@code t} ({@code why}). */
  static final String CLOSE_TOKEN = "closeToken";
  /**
   * Room {@code c}'s members changed with no event to carry it (a room created: its owner):
   * forget its roster.
   */
  static final String ROSTER = "roster";
  /** User {@code u} blocked or unblocked someone: forget their blocked set. */
  static final String BLOCKS = "blocks";
  /** A node's check that the bus still carries: only its sender reads it. */
  static final String PING = "ping";

  private final NodeBus bus;
  private final String nodeId = UUID.randomUUID().toString();

  @Inject
  NodeLink(NodeBus bus) {
    this.bus = bus;
  }

  /** Whether other nodes may exist: a bus other than {@link NodeBus#NONE}. */
  boolean clustered() {
    return bus != NodeBus.NONE;
  }

  /** This process's id on the bus (fresh per start, so a restarted node is a new one). */
  String nodeId() {
    return nodeId;
  }

  NodeBus bus() {
    return bus;
  }

  /** Tells the other nodes; does nothing alone. {@code fields} adds the kind's fields. */
  void publish(String kind, Consumer<JsonObject> fields) {
    if (!clustered()) {
      return;
    }
    JsonObject o = new JsonObject();
    o.addProperty("n", nodeId);
    o.addProperty("k", kind);
    fields.accept(o);
    bus.publish(o.toString());
  }
}
