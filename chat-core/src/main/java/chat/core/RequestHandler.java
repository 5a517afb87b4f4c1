package chat.core;

import chat.protocol.ErrorCode;
import chat.protocol.Request;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each request to the service that handles it, after the checks every request shares:
 * before login only register, login and ping are allowed; after it, requests of the kinds with
 * no per-user limit of their own count against the user's request budget, over all its
 * connections. A handler's {@link ChatException} becomes an error reply; anything else is a
 * server fault, logged and answered {@code internal}.
 */
@Singleton
final class RequestHandler {
  private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);
  /**
   * Requests with a per-user limit of their own (sends and changes, typing, search, room
   * creation), left out of the user's request budget: their own limits say what they may cost.
   */
  private static final Set<Class<? extends Request>> OWN_LIMITS = Set.of(Request.Send.class,
      Request.Edit.class, Request.DeleteMessage.class, Request.React.class, Request.Typing.class,
      Request.Search.class, Request.Create.class);

  private final AuthService auth;
  private final MessagingService messaging;
  private final RoomService rooms;
  private final Blocks blocks;
  private final ChangeService changes;
  private final SearchService search;
  private final Clock clock;
  private final RequestBudget budget;

  @Inject
  RequestHandler(AuthService auth, MessagingService messaging, RoomService rooms, Blocks blocks,
      ChangeService changes, SearchService search, Clock clock, RequestBudget budget) {
    this.budget = budget;
    this.changes = changes;
    this.search = search;
    this.auth = auth;
    this.messaging = messaging;
    this.rooms = rooms;
    this.blocks = blocks;
    this.clock = clock;
  }

  void handle(SessionState c, Request r) {
    try {
      dispatch(c, r);
    } catch (ChatException e) {
      c.fail(r.id(), e);
    } catch (RuntimeException e) {
      log.error("{} request failed on {}", r.type(), c, e);
      c.fail(r.id(), new ChatException(ErrorCode.INTERNAL, "server fault; nothing was stored"));
    }
  }

  private void dispatch(SessionState c, Request r) throws ChatException {
    if (r instanceof Request.Ping) {
      c.reply(r.id(), new Result.Pong(clock.millis()));
      return;
    }
    if (r instanceof Request.Register reg) {
      auth.register(c, reg);
      return;
    }
    if (r instanceof Request.Login login) {
      auth.login(c, login);
      return;
    }
    if (r instanceof Request.TokenLogin login) {
      auth.tokenLogin(c, login);
      return;
    }
    String user = c.user();
    if (user == null) {
      throw new ChatException(ErrorCode.UNAUTHORIZED, "log in first");
    }
    if (!OWN_LIMITS.contains(r.getClass())) {
      // One connection's frames are bounded by its flood limit; this bounds one user's many.
      budget.take(user);
    }
    if (r instanceof Request.Send send) {
      messaging.send(c, user, send);
    } else if (r instanceof Request.Edit edit) {
      c.reply(r.id(), changes.edit(user, edit));
    } else if (r instanceof Request.DeleteMessage delete) {
      c.reply(r.id(), changes.delete(user, delete));
    } else if (r instanceof Request.React react) {
      c.reply(r.id(), changes.react(user, react));
    } else if (r instanceof Request.Updates updates) {
      c.reply(r.id(), changes.updates(user, updates));
    } else if (r instanceof Request.Search query) {
      c.reply(r.id(), search.search(user, query));
    } else if (r instanceof Request.History history) {
      c.reply(r.id(), messaging.history(user, history));
    } else if (r instanceof Request.ListConversations) {
      c.reply(r.id(), messaging.conversations(user));
    } else if (r instanceof Request.MarkRead read) {
      messaging.markRead(c, user, read); // replies once the move is stored
    } else if (r instanceof Request.Typing typing) {
      messaging.typing(user, typing);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.Create create) {
      c.reply(r.id(), rooms.create(user, create));
    } else if (r instanceof Request.Join join) {
      c.reply(r.id(), rooms.join(user, join));
    } else if (r instanceof Request.Leave leave) {
      rooms.leave(user, leave);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.Invite invite) {
      rooms.invite(user, invite);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.Kick kick) {
      rooms.kick(user, kick);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.ListRooms list) {
      c.reply(r.id(), rooms.list(user, list));
    } else if (r instanceof Request.Members members) {
      c.reply(r.id(), rooms.members(user, members));
    } else if (r instanceof Request.Ban ban) {
      rooms.ban(user, ban);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.Unban unban) {
      rooms.unban(user, unban);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.ListBans bans) {
      c.reply(r.id(), rooms.bans(user, bans));
    } else if (r instanceof Request.SetRole role) {
      rooms.setRole(user, role);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.SetTopic topic) {
      rooms.setTopic(user, topic);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.DeleteRoom delete) {
      rooms.deleteRoom(user, delete);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.Block block) {
      blocks.block(user, block);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.Unblock unblock) {
      blocks.unblock(user, unblock);
      c.reply(r.id(), Result.EMPTY);
    } else if (r instanceof Request.ListBlocked) {
      c.reply(r.id(), blocks.list(user));
    } else if (r instanceof Request.Logout logout) {
      auth.logout(c, logout);
    } else if (r instanceof Request.ChangePassword change) {
      auth.changePassword(c, change);
    } else if (r instanceof Request.DeleteAccount delete) {
      auth.deleteAccount(c, delete);
    } else {
      throw ChatException.badRequest("type: unsupported request " + r.type());
    }
  }
}
