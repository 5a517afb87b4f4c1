package chat.core;

import chat.protocol.Request;

/**
 * Core's side of one connected client, returned by {@link ChatService#open}. The transport hands
 * it what the client sent and tells it when the connection is gone.
 *
 * <p>Requests are handled in the order they are received. A transport must not call {@link
 * #receive} for one connection from two threads at once (Java-WebSocket pins each connection to
 * one worker thread, so this holds there). Handling never blocks on a password hash or a disk
 * commit: such work continues on other threads and its reply is sent to the session.
 */
public interface Connection {

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

  /** The connection is gone; releases everything held for it. Idempotent. */
  void closed();

  /** The authenticated user, or null before login. */
  String user();
}
