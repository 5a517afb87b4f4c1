package chat.core.store;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message as stored: its conversation, its seq there, sender, text, server time and cid; and
 * what the second round added: the seq it replies to (or null), the participants it mentions,
 * when it was last edited (or null), whether it was deleted (then its text is "" and it has no
 * mentions, reactions or files), its reactions (emoji to users, both in the order they came),
 * {@code rev}, the rev of the last change to it (0 if never changed), and the files attached to
 * it, in the order they were sent.
 */
public record StoredMessage(ConvId conv, long seq, String from, String text, long ts, String cid,
    Long replyTo, List<String> mentions, Long edited, boolean deleted,
    Map<String, List<String>> reactions, long rev, List<FileRef> files) {
  public StoredMessage {
    requireNonNull(conv, "conv is null");
    requireNonNull(from, "from is null");
    requireNonNull(text, "text is null");
    requireNonNull(cid, "cid is null");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be positive: " + seq);
    }
    mentions = mentions == null ? List.of() : List.copyOf(mentions);
    if (reactions == null || reactions.isEmpty()) {
      reactions = Map.of();
    } else {
      LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
      reactions.forEach((emoji, users) -> copy.put(emoji, List.copyOf(users)));
      reactions = Collections.unmodifiableMap(copy);
    }
    files = files == null ? List.of() : List.copyOf(files);
  }

  /** A message without files. */
  public StoredMessage(ConvId conv, long seq, String from, String text, long ts, String cid,
      Long replyTo, List<String> mentions, Long edited, boolean deleted,
      Map<String, List<String>> reactions, long rev) {
    this(conv, seq, from, text, ts, cid, replyTo, mentions, edited, deleted, reactions, rev,
        List.of());
  }

  /** A message as first stored: no change yet. */
  public StoredMessage(ConvId conv, long seq, String from, String text, long ts, String cid) {
    this(conv, seq, from, text, ts, cid, null, List.of(), null, false, Map.of(), 0, List.of());
  }
}
