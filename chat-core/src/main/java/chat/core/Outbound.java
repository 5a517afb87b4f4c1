package chat.core;

import static java.util.Objects.requireNonNull;

import chat.protocol.Event;
import chat.protocol.FrameCodec;
import java.util.function.Function;

/**
 * An event on its way to one or more sessions. Core builds one per event (per viewer-side
 * naming), and every session it is sent to shares it, so a wire transport encodes it once however
 * many receivers there are: {@link #json()} encodes on first use and caches the text.
 */
public final class Outbound {
  private static final FrameCodec CODEC = new FrameCodec();

  private final Event event;
  private volatile String json; // racy single-check: encoding twice is harmless
  private volatile byte[] utf8;
  /** One transport's encoding of this event (see {@link #encoded}): {key, value}, or null. */
  private volatile Object[] encoded;

  public Outbound(Event event) {
    this.event = requireNonNull(event, "event is null");
  }

  /**
   * An event that arrived already encoded as {@code json} (from another node, which encoded it
   * with the same codec), so it is not encoded again.
   */
  Outbound(Event event, String json) {
    this(event);
    this.json = requireNonNull(json, "json is null");
  }

  public Event event() {
    return event;
  }

  /** The event as a text frame, encoded once and shared. */
  public String json() {
    String result = json;
    if (result == null) {
      result = CODEC.encode(event);
      json = result;
    }
    return result;
  }

  /** {@link #json()} as UTF-8, encoded once and shared: callers must not modify the array. */
  public byte[] utf8() {
    byte[] result = utf8;
    if (result == null) {
      result = json().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      utf8 = result;
    }
    return result;
  }

  /**
   * A transport's own encoding of this event (a WebSocket frame, say), built by the first session
   * that sends it and shared by every other receiver, so a fan-out to a thousand members encodes
   * once. {@code key} names the encoding: a transport passes the same constant every time, and a
   * different key (another transport) gets its own encoding, built afresh, not cached.
   *
   * @param encoder builds the encoding from this event; may run twice under a race, so it must
   *     be a pure function whose result callers only read
   */
  @SuppressWarnings("unchecked")
  public <T> T encoded(Object key, Function<Outbound, T> encoder) {
    Object[] slot = encoded;
    if (slot != null && slot[0] == key) {
      return (T) slot[1];
    }
    T value = encoder.apply(this);
    if (slot == null) {
      encoded = new Object[] {key, value};
    }
    return value;
  }

  @Override
  public String toString() {
    return "Outbound[" + event.type() + "]";
  }
}
