package chat.core;

import chat.core.cluster.SharedLimits;
import chat.core.store.AccountStore;
import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.FileRef;
import chat.core.store.FileStore;
import chat.core.store.FilesUnavailableException;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.ReadMarkerListener;
import chat.core.store.StoredFile;
import chat.core.store.StoredMessage;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Names;
import chat.protocol.Request;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sending, history, the conversation list, read markers and typing. */
@Singleton
final class MessagingService {
  private static final Logger log = LoggerFactory.getLogger(MessagingService.class);

  private final MessageStore messages;
  private final AccountStore accounts;
  private final Access access;
  private final Router router;
  private final ChatConfig config;
  private final Clock clock;
  private final Blocks blocks;
  private final FileStore fileStore;
  private final SharedLimits limits;
  /** Limits of this node only (typing notices): not worth a round trip to Redis. */
  private final LocalLimits localLimits;
  private final ChatMetrics metrics;
  private final ReadEvents readEvents;
  private final RequestBudget budget;

  @Inject
  MessagingService(MessageStore messages, AccountStore accounts, Access access, Router router,
      ChatConfig config, Clock clock, Blocks blocks, FileStore fileStore,
      SharedLimits limits, LocalLimits localLimits, ChatMetrics metrics, ReadEvents readEvents,
      RequestBudget budget) {
    this.budget = budget;
    this.readEvents = readEvents;
    this.localLimits = localLimits;
    this.metrics = metrics;
    this.limits = limits;
    this.blocks = blocks;
    this.fileStore = fileStore;
    this.messages = messages;
    this.accounts = accounts;
    this.access = access;
    this.router = router;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Validates, rate-limits and appends; the fan-out and the ok reply follow once the store says
   * the message is durable, in seq order per conversation (see {@link Router#message(
   * StoredMessage, SessionState, Runnable)} for their order).
   */
  void send(SessionState c, String user, Request.Send r) throws ChatException {
    if (r.cid().isEmpty() || r.cid().length() > Names.MAX_CID_CHARS) {
      throw ChatException.badRequest("cid: 1 to " + Names.MAX_CID_CHARS + " chars");
    }
    if (Texts.blank(r.text()) && r.files().isEmpty()) {
      throw ChatException.badRequest("text: must not be empty");
    }
    int chars = r.text().codePointCount(0, r.text().length());
    if (chars > config.limits().maxTextChars()) {
      throw new ChatException(ErrorCode.TOO_LARGE,
          "text: " + chars + " characters, at most " + config.limits().maxTextChars());
    }
    ConvId conv = writable(user, r.to(), "to");
    if (r.replyTo() != null) {
      StoredMessage answered = messages.message(conv, r.replyTo()).orElse(null);
      if (answered == null || answered.deleted()) {
        throw ChatException.notFound("replyTo: no message " + r.replyTo() + " in " + r.to());
      }
    }
    List<FileRef> attached = files(user, conv, r.files());
    takeSend(user);
    String id = r.id();
    messages.append(new NewMessage(conv, user, r.text(), r.cid(), clock.millis(), r.replyTo(),
            mentions(conv, r.text()), attached),
        new AppendListener() {
          @Override
          public void stored(StoredMessage m, boolean duplicate) {
            Result.Sent ok = new Result.Sent(conv.nameFor(user), m.seq(), m.ts(), m.cid());
            metrics.sent();
            if (duplicate) {
              c.reply(id, ok);
            } else {
              router.message(m, c, () -> c.reply(id, ok));
            }
          }

          @Override
          public void failed(Throwable cause) {
            if (cause instanceof FilesUnavailableException e) { // lost a race for the file
              c.fail(id, ChatException.badRequest(notYours(e.fileId())));
              return;
            }
            log.error("append to {} failed", conv, cause);
            c.fail(id, new ChatException(ErrorCode.INTERNAL, "server fault; nothing was stored"));
          }
        });
  }

  /**
   * The files a send names, each an upload of {@code user} not yet sent. A file attached already
   * to a message of {@code user} in {@code conv} passes: it may be this very send, repeated (same
   * cid), which the store answers with the first message; otherwise the store refuses it.
   */
  private List<FileRef> files(String user, ConvId conv, List<String> ids) throws ChatException {
    if (ids.isEmpty()) {
      return List.of(); // most sends: nothing to look up, nothing to allocate
    }
    if (ids.size() > Request.Send.MAX_FILES) {
      throw ChatException.badRequest("files: at most " + Request.Send.MAX_FILES);
    }
    List<FileRef> refs = new ArrayList<>(ids.size());
    Set<String> seen = new HashSet<>();
    for (String fileId : ids) {
      if (!seen.add(fileId)) {
        throw ChatException.badRequest("files: " + Access.clip(fileId) + " is named twice");
      }
      StoredFile f = fileStore.file(fileId).orElse(null);
      if (f == null || !f.owner().equals(user) || (f.attached() && !conv.equals(f.conv()))) {
        throw ChatException.badRequest(notYours(fileId));
      }
      refs.add(f.ref());
    }
    return refs;
  }

  private static String notYours(String fileId) {
    return "files: " + Access.clip(fileId) + " is not a file you uploaded and have not sent";
  }

  /** The users {@code text} mentions among {@code conv}'s participants. */
  List<String> mentions(ConvId conv, String text) {
    if (text.indexOf('@') < 0) {
      return List.of(); // the common case: no scan, no roster lookups
    }
    if (conv.isRoom()) {
      String room = conv.roomName();
      return Mentions.in(text, name -> accounts.role(room, name).isPresent());
    }
    return Mentions.in(text, name -> name.equals(conv.userA()) || name.equals(conv.userB()));
  }

  /**
   * A conversation {@code user} may write to (send, edit, react): a room they are in, or a
   * direct conversation with an account that is not deleted and with no block between them.
   */
  ConvId writable(String user, String name, String field) throws ChatException {
    ConvId conv = access.writableConversation(user, name, field);
    if (!conv.isRoom() && blocks.between(user, conv.peerOf(user))) {
      throw ChatException.forbidden("you cannot message " + conv.peerOf(user)
          + ": one of you has blocked the other");
    }
    return conv;
  }

  /**
   * Takes one send from the user's bucket (sends, edits, reactions and deleting one's own
   * messages share it), or fails rate_limited.
   */
  void takeSend(String user) throws ChatException {
    long waitMs = limits.tryTake("send", user, config.limits().sendPerSecond(),
        config.limits().sendBurst());
    ChatException.refuseIfWaiting(waitMs, "sending too fast");
  }

  Result.History history(String user, Request.History r) throws ChatException {
    ConvId conv = access.conversation(user, r.conv(), "conv");
    int limit = Math.min(r.limit() == null ? 50 : r.limit(), config.limits().historyMax());
    if (limit < 1) {
      throw ChatException.badRequest("limit: must be positive");
    }
    List<StoredMessage> page;
    boolean more;
    if (r.after() != null) {
      page = messages.after(conv, r.after(), limit + 1);
      more = page.size() > limit;
      if (more) {
        page = page.subList(0, limit);
      }
    } else {
      long before = r.before() != null ? r.before() : Long.MAX_VALUE;
      page = messages.before(conv, before, limit + 1);
      more = page.size() > limit;
      if (more) {
        page = page.subList(1, page.size());
      }
    }
    String name = conv.nameFor(user);
    List<Event.Message> out = new ArrayList<>(page.size());
    for (StoredMessage m : page) {
      out.add(Router.toEvent(m, name));
    }
    return new Result.History(name, out, more);
  }

  /**
   * The user's rooms, then its direct conversations by name; their heads read in one go. A long
   * list costs the user's request budget more ({@link RequestBudget#takeForListing}).
   */
  Result.Conversations conversations(String user) throws ChatException {
    Map<ConvId, Long> read = accounts.readMarkers(user);
    List<ConvId> convs = new ArrayList<>();
    for (String room : accounts.roomsOf(user)) {
      convs.add(ConvId.room(room));
    }
    List<ConvId> direct = new ArrayList<>(messages.directConversations(user));
    direct.sort(null);
    convs.addAll(direct);
    budget.takeForListing(user, convs.size());
    Map<ConvId, MessageStore.Heads> heads = messages.heads(convs);
    List<Result.ConversationInfo> list = new ArrayList<>(convs.size());
    for (ConvId conv : convs) {
      MessageStore.Heads head = heads.get(conv);
      list.add(new Result.ConversationInfo(conv.isRoom() ? conv.key() : conv.nameFor(user),
          head.lastSeq(), read.getOrDefault(conv, 0L), head.lastRev()));
    }
    return new Result.Conversations(list);
  }

  void markRead(SessionState c, String user, Request.MarkRead r) throws ChatException {
    ConvId conv = access.conversation(user, r.conv(), "conv");
    long last = messages.lastSeq(conv);
    if (r.seq() > last) {
      throw ChatException.badRequest("seq: " + r.seq() + " is beyond the last message (" + last + ")");
    }
    // The store may write it later, with other moves: the event and the ok wait until it has.
    String id = r.id();
    accounts.advanceReadMarker(user, conv, r.seq(), new ReadMarkerListener() {
      @Override
      public void stored(boolean moved) {
        if (moved) {
          readEvents.moved(user, conv, r.seq(), c);
        }
        c.reply(id, Result.EMPTY);
      }

      @Override
      public void failed(Throwable cause) {
        log.error("moving {}'s read marker in {} failed", user, conv, cause);
        c.fail(id, new ChatException(ErrorCode.INTERNAL, "server fault; the marker did not move"));
      }
    });
  }

  void typing(String user, Request.Typing r) throws ChatException {
    ConvId conv = access.conversation(user, r.conv(), "conv");
    long waitMs = localLimits.tryTake("typing", user, config.safety().typingPerSecond(),
        config.safety().typingBurst());
    ChatException.refuseIfWaiting(waitMs, "typing notices too fast");
    router.toOthersUnblocked(conv, user, name -> new Event.Typing(name, user));
  }
}
