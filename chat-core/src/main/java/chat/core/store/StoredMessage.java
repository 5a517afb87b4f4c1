package chat.core.store;

import static java.util.Objects.requireNonNull;

/** A message as stored: its conversation, its seq there, sender, text, server time and cid. */
public record StoredMessage(ConvId conv, long seq, String from, String text, long ts, String cid) {
  public StoredMessage {
    requireNonNull(conv, "conv is null");
    requireNonNull(from, "from is null");
    requireNonNull(text, "text is null");
    requireNonNull(cid, "cid is null");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be positive: " + seq);
    }
  }
}
