package chat.core;

import chat.core.store.AccountStore;
import chat.core.store.ChangeOutcome;
import chat.core.store.ConvId;
import chat.core.store.MessageChange;
import chat.core.store.MessageStore;
import chat.core.store.Role;
import chat.core.store.StoredMessage;
import chat.core.store.StoredUpdate;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Changing messages (PROTOCOL.md, "Changing messages"): edit (the sender only, as send's limits),
 * delete (the sender, or the room's owner or a moderator; text and reactions erased from the
 * store), react (any participant; one emoji of 1 to 32 bytes, at most {@link #MAX_EMOJI} distinct
 * on a message), and the {@code updates} catch-up. Each change gets the conversation's next rev
 * in the same durable step; every session of every participant gets an {@code update} event.
 *
 * <p>Each change costs what a send costs, a durable write and an event to every participant, so
 * edits, reactions and deleting one's own messages take a send's token; a moderator deleting
 * others' messages takes one of the moderation budget instead, so that clearing out a raid does
 * not stop them talking. Like sends, edits and reactions are refused in a direct conversation
 * with a block between its two; deleting one's own message there is not (it only takes away).
 */
@Singleton
final class ChangeService {
  static final int MAX_EMOJI = 20;
  static final int MAX_EMOJI_BYTES = 32;

  private final MessageStore messages;
  private final AccountStore accounts;
  private final Access access;
  private final Router router;
  private final MessagingService messaging;
  private final RoomService rooms;
  private final RequestBudget budget;
  private final ChatConfig config;
  private final Clock clock;
  /**
   * A change and its fan-out happen under its conversation's stripe, so every session gets a
   * conversation's updates in rev order even when several are made at once.
   */
  private final Object[] stripes = new Object[64];

  @Inject
  ChangeService(MessageStore messages, AccountStore accounts, Access access, Router router,
      MessagingService messaging, RoomService rooms, RequestBudget budget, ChatConfig config,
      Clock clock) {
    this.budget = budget;
    this.rooms = rooms;
    this.messages = messages;
    this.accounts = accounts;
    this.access = access;
    this.router = router;
    this.messaging = messaging;
    this.config = config;
    this.clock = clock;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
  }

  Result.Changed edit(String user, Request.Edit r) throws ChatException {
    if (Texts.blank(r.text())) {
      throw ChatException.badRequest("text: must not be empty");
    }
    int chars = r.text().codePointCount(0, r.text().length());
    if (chars > config.limits().maxTextChars()) {
      throw new ChatException(ErrorCode.TOO_LARGE,
          "text: " + chars + " characters, at most " + config.limits().maxTextChars());
    }
    ConvId conv = messaging.writable(user, r.conv(), "conv");
    StoredMessage m = existing(conv, r.seq(), r.conv());
    if (!m.from().equals(user)) {
      throw ChatException.forbidden("only its sender can edit a message");
    }
    messaging.takeSend(user);
    return apply(user, conv, r.conv(), r.seq(), new MessageChange.Edit(
        user, r.text(), messaging.mentions(conv, r.text()), clock.millis()));
  }

  Result.Changed delete(String user, Request.DeleteMessage r) throws ChatException {
    ConvId conv = access.conversation(user, r.conv(), "conv");
    StoredMessage m = existing(conv, r.seq(), r.conv());
    if (m.from().equals(user)) {
      messaging.takeSend(user);
    } else if (moderates(user, conv)) {
      rooms.takeModeration(user); // clearing out a raid: the moderators' budget, not sends'
    } else {
      throw ChatException.forbidden(conv.isRoom()
          ? "only its sender, the owner or a moderator can delete a message"
          : "only its sender can delete a message");
    }
    return apply(user, conv, r.conv(), r.seq(), new MessageChange.Delete(user, clock.millis()));
  }

  Result.Changed react(String user, Request.React r) throws ChatException {
    checkEmoji(r.emoji());
    ConvId conv = messaging.writable(user, r.conv(), "conv");
    existing(conv, r.seq(), r.conv());
    messaging.takeSend(user);
    return apply(user, conv, r.conv(), r.seq(),
        new MessageChange.React(user, r.emoji(), r.on(), MAX_EMOJI, clock.millis()));
  }

  /**
   * The changes after {@code afterRev}, each with the message as it now is. An update that a
   * later one in the same page supersedes (same seq) is left out: applying the page in rev order
   * still gives the current state.
   */
  Result.Updates updates(String user, Request.Updates r) throws ChatException {
    ConvId conv = access.conversation(user, r.conv(), "conv");
    int max = config.limits().historyMax();
    int limit = r.limit() == null ? max : Math.min(r.limit(), max);
    if (limit < 1) {
      throw ChatException.badRequest("limit: must be positive");
    }
    List<StoredUpdate> page = messages.updatesAfter(conv, r.afterRev(), limit + 1);
    budget.takeForListing(user, page.size()); // each change reads its message as it now is
    boolean more = page.size() > limit;
    if (more) {
      page = page.subList(0, limit);
    }
    Map<Long, Long> lastRevOfSeq = new HashMap<>();
    for (StoredUpdate u : page) {
      lastRevOfSeq.put(u.seq(), u.rev());
    }
    String name = conv.nameFor(user);
    Map<Long, Event.Message> current = new HashMap<>();
    List<Event.Update> out = new ArrayList<>();
    for (StoredUpdate u : page) {
      if (lastRevOfSeq.get(u.seq()) != u.rev()) {
        continue; // superseded within this page
      }
      Event.Message now = current.computeIfAbsent(u.seq(), seq -> messages.message(conv, seq)
          .map(m -> Router.toEvent(m, name)).orElse(null));
      if (now != null) { // null only if the conversation was erased meanwhile
        out.add(new Event.Update(name, u.seq(), u.rev(), u.by(), u.action(), now));
      }
    }
    return new Result.Updates(name, out, more);
  }

  private Result.Changed apply(String user, ConvId conv, String given, long seq,
      MessageChange change) throws ChatException {
    ChangeOutcome outcome;
    synchronized (stripes[Math.floorMod(conv.hashCode(), stripes.length)]) {
      outcome = messages.change(conv, seq, change);
      if (outcome.status() == ChangeOutcome.Status.APPLIED) {
        router.update(outcome.message(), outcome.rev(), user, change.action());
      }
    }
    switch (outcome.status()) {
      case APPLIED, UNCHANGED -> { }
      case NOT_FOUND -> throw ChatException.notFound("no message " + seq + " in " + given);
      case DELETED -> throw ChatException.forbidden("message " + seq + " was deleted");
      case TOO_MANY_EMOJI -> throw ChatException.badRequest(
          "emoji: a message may have at most " + MAX_EMOJI + " different emoji");
      default -> throw new IllegalStateException("unknown outcome " + outcome.status());
    }
    return new Result.Changed(conv.nameFor(user), seq, outcome.rev());
  }

  private StoredMessage existing(ConvId conv, long seq, String given) throws ChatException {
    return messages.message(conv, seq)
        .orElseThrow(() -> ChatException.notFound("no message " + seq + " in " + given));
  }

  private boolean moderates(String user, ConvId conv) {
    return conv.isRoom()
        && accounts.role(conv.roomName(), user).map(Role::moderates).orElse(false);
  }

  /**
   * One emoji: 1 to 32 bytes of UTF-8 forming exactly one emoji sequence: a keycap ({@code 1️⃣}),
   * a flag (two regional indicators), a tag sequence (subdivision flags), or emoji joined by
   * zero-width joiners, each with an optional variation selector and skin tone (a family, a
   * thumbs-up with a skin tone). Two emoji, text, ASCII symbols and controls are refused.
   */
  static void checkEmoji(String emoji) throws ChatException {
    int bytes = emoji.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < 1 || bytes > MAX_EMOJI_BYTES || !EmojiSequence.isOne(emoji)) {
      throw ChatException.badRequest("emoji: must be one emoji of 1 to " + MAX_EMOJI_BYTES
          + " bytes");
    }
  }
}
