package chat.client;

import chat.protocol.Event;

/**
 * Receives what happens on a {@link ChatClient}. Every method has a no-op default; override
 * those you need.
 *
 * <p>Threading: all calls come from the client's one event thread, one at a time, in order; the
 * futures returned by the client complete on the same thread, so a reply and the events around
 * it are seen in the order the server sent them. Do not block this thread for long; calling the
 * client from a listener is fine. After {@link #onClosed} nothing more is called.
 *
 * <p>Messages: {@link #onMessage} sees every message of every conversation the client follows
 * exactly once and in seq order per conversation, across reconnects and server restarts: after a
 * reconnect the client fetches what it missed from history before it passes on new messages.
 */
public abstract class ChatListener {

  /** The connection state changed. */
  public void onStateChanged(ChatClient client, ChatClient.State state) {}

  /** A message: live, or fetched while catching up after a reconnect. */
  public void onMessage(ChatClient client, Event.Message message) {}

  /** Someone read a conversation up to a seq. */
  public void onRead(ChatClient client, Event.Read read) {}

  /** Someone is typing; show it for about 5 s. */
  public void onTyping(ChatClient client, Event.Typing typing) {}

  /** A user who shares a conversation came online or went offline. */
  public void onPresence(ChatClient client, Event.Presence presence) {}

  /** Someone joined, left, was invited to or kicked from a room. */
  public void onMember(ChatClient client, Event.Member member) {}

  /**
   * The server's store is not the one this client saw before (its history was lost): seqs known
   * from before mean nothing now. The client has reset them; conversations start afresh.
   */
  public void onEpochChanged(ChatClient client, String previousEpoch, String epoch) {}

  /**
   * A failure the client cannot recover from by itself, such as rejected credentials; the client
   * closes after this.
   */
  public void onFailure(ChatClient client, Throwable failure) {}

  /** The client is closed; the last call. */
  public void onClosed(ChatClient client) {}
}
