package chat.core.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of {@link MessageChange}, as pure functions every store applies the same way: an
 * edit replaces text and mentions and sets {@code edited}; a delete erases text, mentions,
 * reactions and files (the store erases the files themselves too); a reaction adds or removes one user under one emoji (new emoji go last, a user goes
 * last under an emoji, an emoji nobody has is dropped). Edits and reactions are refused on a
 * deleted message, a reaction that would make more than the allowed distinct emoji is refused,
 * and a delete of a deleted message or a reaction that is already so changes nothing.
 */
public final class MessageChanges {
  private MessageChanges() {}

  /** The message after {@code change} under rev {@code rev}; null if refused or unchanged. */
  public static StoredMessage apply(StoredMessage m, MessageChange change, long rev) {
    if (change instanceof MessageChange.Edit e) {
      if (m.deleted()) {
        return null;
      }
      return new StoredMessage(m.conv(), m.seq(), m.from(), e.text(), m.ts(), m.cid(),
          m.replyTo(), e.mentions(), e.ts(), false, m.reactions(), rev, m.files());
    }
    if (change instanceof MessageChange.Delete) {
      if (m.deleted()) {
        return null;
      }
      return new StoredMessage(m.conv(), m.seq(), m.from(), "", m.ts(), m.cid(), m.replyTo(),
          List.of(), m.edited(), true, Map.of(), rev, List.of());
    }
    MessageChange.React r = (MessageChange.React) change;
    if (m.deleted()) {
      return null;
    }
    Map<String, List<String>> reactions = reacted(m.reactions(), r);
    if (reactions == null) {
      return null;
    }
    return new StoredMessage(m.conv(), m.seq(), m.from(), m.text(), m.ts(), m.cid(), m.replyTo(),
        m.mentions(), m.edited(), false, reactions, rev, m.files());
  }

  /** Why {@link #apply} gave null: the outcome to report. */
  public static ChangeOutcome refusal(StoredMessage m, MessageChange change) {
    if (change instanceof MessageChange.Delete) {
      return new ChangeOutcome(ChangeOutcome.Status.UNCHANGED, m, m.rev());
    }
    if (m.deleted()) {
      return new ChangeOutcome(ChangeOutcome.Status.DELETED, m, m.rev());
    }
    MessageChange.React r = (MessageChange.React) change;
    boolean has = m.reactions().getOrDefault(r.emoji(), List.of()).contains(r.by());
    if (r.on() && !has && !m.reactions().containsKey(r.emoji())
        && m.reactions().size() >= r.maxEmoji()) {
      return new ChangeOutcome(ChangeOutcome.Status.TOO_MANY_EMOJI, m, m.rev());
    }
    return new ChangeOutcome(ChangeOutcome.Status.UNCHANGED, m, m.rev());
  }

  /** The reactions after {@code r}, or null if nothing changes or it is refused. */
  private static Map<String, List<String>> reacted(Map<String, List<String>> now,
      MessageChange.React r) {
    List<String> users = now.getOrDefault(r.emoji(), List.of());
    boolean has = users.contains(r.by());
    if (r.on() == has) {
      return null;
    }
    if (r.on() && users.isEmpty() && now.size() >= r.maxEmoji()) {
      return null;
    }
    LinkedHashMap<String, List<String>> next = new LinkedHashMap<>(now);
    List<String> changed = new ArrayList<>(users);
    if (r.on()) {
      changed.add(r.by());
    } else {
      changed.remove(r.by());
    }
    if (changed.isEmpty()) {
      next.remove(r.emoji());
    } else {
      next.put(r.emoji(), changed);
    }
    return next;
  }
}
