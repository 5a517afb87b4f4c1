package chat.core.local;

import chat.protocol.Event;

/**
 * Receives what the server sends a {@link LocalClient}. Called on the transport's dispatch
 * threads, one call at a time per client, in the order the server sent the events, but not
 * always on the same thread; {@link #onClose} comes last, after every event, and nothing follows
 * it. A listener may call back into its client (send, call, close), but must not block on a
 * {@link LocalClient#call} future: the reply comes through this listener, so it would never
 * arrive. A listener that throws has its client closed with 1011 (see {@link LocalClient}).
 */
@FunctionalInterface
public interface ClientListener {

  /** An event: hello, a reply, a message, a member change, … */
  void onEvent(Event event);

  /** The connection closed, by the server or the client, with a WebSocket close code. */
  default void onClose(int code, String reason) {}
}
