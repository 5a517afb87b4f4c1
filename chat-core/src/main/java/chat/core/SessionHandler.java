package chat.core;

import chat.protocol.Request;

/**
 * Core's side of one session, the way in: returned by {@link ChatService#open} for the transport's
 * {@link Session}. The transport hands it what the client sent and tells it when the session is
 * gone.
 *
 * <p>Requests are handled in the order they are received. A transport must not call {@link
 * #receive} for one session from two threads at once (the WebSocket transport decodes
 * each connection on one thread at a time). Handling never blocks on a password hash or a disk
 * commit: such work continues on other threads and its reply is sent to the session.
 */
public interface SessionHandler {

  /** Handles a decoded request. Replies and events go to the session. */
  void receive(Request request);

  /**
   * Handles a text frame that did not decode into a request: replies with {@code bad_request}
   * naming {@code re} (null when no id could be read) and counts it towards flood control.
   */
  void receiveInvalid(String re, String reason);

  /** Decodes a text frame and handles it as {@link #receive} or {@link #receiveInvalid}. */
  void receiveFrame(String frame);

  /**
   * The client sent a control frame (a ping or a pong): counts towards flood control like a
   * request, so a client cannot make the server answer pings without bound. A transport whose
   * protocol has no control frames never calls it.
   */
  default void receiveControlFrame() {}

  /** The session is gone (its connection closed); releases everything held for it. Idempotent. */
  void closed();

  /** The authenticated user, or null before login. */
  String user();
}
