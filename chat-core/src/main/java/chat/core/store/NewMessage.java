package chat.core.store;

import static java.util.Objects.requireNonNull;

/** A message to append; the store assigns its seq. {@code ts} is the server's time of receipt. */
public record NewMessage(ConvId conv, String from, String text, String cid, long ts) {
  public NewMessage {
    requireNonNull(conv, "conv is null");
    requireNonNull(from, "from is null");
    requireNonNull(text, "text is null");
    requireNonNull(cid, "cid is null");
  }
}
