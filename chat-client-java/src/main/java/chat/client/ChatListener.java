package chat.client;

import chat.protocol.Event;

/**
 * Receives what happens on a {@link ChatClient}. Every method has a no-op default: override the
 * ones you need.
 *
 * <p><b>Threading.</b> All calls come from the client's one event thread, one at a time, in the
 * order things happened. The futures returned by the client complete on the same thread, so a
 * reply and the events around it are seen in the order the server sent them. Calling the client
 * from a listener is fine, but do not block this thread: in particular never wait on a future of
 * the same client here (it would wait for this very thread); chain with {@code thenAccept}
 * instead. {@link #onClosed} is the last call.
 *
 * <p><b>Messages.</b> {@link #onMessage} sees every message of the conversations the client
 * follows exactly once and in seq order per conversation, across reconnects and server
 * restarts: after reconnecting, the client fetches what it missed from history before it passes
 * on newer messages. It follows every conversation from its first login on (and each room from
 * when it joined it); the client's own messages come too. Which conversation: {@link
 * Event.Message#conv()}, named from this user's side ({@code @peer} or {@code #room}).
 * Changes to messages (edits, deletions, reactions) come to {@link #onUpdate} the same way:
 * each once, in rev order per conversation.
 */
public abstract class ChatListener {

  /** The connection state changed. */
  public void onStateChanged(ChatClient client, ChatClient.State state) {}

  /** A message: live, or fetched while catching up after a reconnect. */
  public void onMessage(ChatClient client, Event.Message message) {}

  /**
   * A message was changed: {@link Event.Update#action()} is {@code edit}, {@code delete} or
   * {@code react}, {@link Event.Update#by()} who did it, and {@link Event.Update#message()} the
   * message as it is after the change. Changes are numbered per conversation by {@link
   * Event.Update#rev()}; each comes once, in rev order, live or fetched while catching up after
   * a reconnect (the server may leave out a change that a later one of the same message
   * supersedes, so revs may skip). A change comes after the message it changes.
   */
  public void onUpdate(ChatClient client, Event.Update update) {}

  /** Someone (possibly this user elsewhere) read a conversation up to a seq. */
  public void onRead(ChatClient client, Event.Read read) {}

  /** Someone is typing; show it for about 5 s. */
  public void onTyping(ChatClient client, Event.Typing typing) {}

  /** A user who shares a conversation with this one came online or went offline. */
  public void onPresence(ChatClient client, Event.Presence presence) {}

  /**
   * A room's membership changed: {@link Event.Member#action()} is {@code join}, {@code leave},
   * {@code invite}, {@code kick}, {@code ban}, {@code unban}, {@code role} (then {@link
   * Event.Member#role()} is the user's new role, see {@link Role#fromWire}) or {@code deleted}
   * (the room is gone; each member gets it about themself). When it is about this user and
   * ends their membership (kick, leave, ban, deleted), the client stops following the room.
   */
  public void onMember(ChatClient client, Event.Member member) {}

  /** A room's topic changed. */
  public void onRoomChanged(ChatClient client, Event.RoomChanged room) {}

  /**
   * The connection was lost or could not be opened; the client reconnects by itself after a
   * delay. {@code code} is the WebSocket close code: the server's (1001 shutting down, 1008
   * with a reason such as {@code slow consumer} or {@code flood}, 1009, 1011, 1012, …), 1006
   * when the connection broke or the client gave up on it (no pong, no login in time), -1 when
   * it never opened; {@code reason} says why in words.
   */
  public void onDisconnected(ChatClient client, int code, String reason) {}

  /**
   * The server's store is not the one this client saw before: its history was lost, and seqs
   * known from before mean nothing now. The client has dropped them and delivers the new
   * store's messages from the start. It comes while the client is still connecting (after the
   * server's hello, before the login): requests made here wait for the login, then go out.
   */
  public void onEpochChanged(ChatClient client, String previousEpoch, String epoch) {}

  /**
   * A failure the client cannot recover from by itself, such as rejected credentials (a {@link
   * ChatErrorException}), or the session ended elsewhere (a {@link
   * ChatClientException.SignedOutException}: logged out on every device, password changed,
   * account deleted); the client closes right after, without reconnecting.
   */
  public void onFailure(ChatClient client, Throwable failure) {}

  /** The client is closed; the last call. */
  public void onClosed(ChatClient client) {}
}
