package chat.core.store;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A message to append; the store assigns its seq. {@code ts} is the server's time of receipt;
 * {@code replyTo} (may be null) the seq it answers; {@code mentions} the participants it names;
 * {@code files} the sender's pending files to attach (see {@link FileStore}).
 */
public record NewMessage(ConvId conv, String from, String text, String cid, long ts,
    Long replyTo, List<String> mentions, List<FileRef> files) {
  public NewMessage {
    requireNonNull(conv, "conv is null");
    requireNonNull(from, "from is null");
    requireNonNull(text, "text is null");
    requireNonNull(cid, "cid is null");
    mentions = mentions == null ? List.of() : List.copyOf(mentions);
    files = files == null ? List.of() : List.copyOf(files);
  }

  /** A message without files. */
  public NewMessage(ConvId conv, String from, String text, String cid, long ts, Long replyTo,
      List<String> mentions) {
    this(conv, from, text, cid, ts, replyTo, mentions, List.of());
  }

  public NewMessage(ConvId conv, String from, String text, String cid, long ts) {
    this(conv, from, text, cid, ts, null, List.of(), List.of());
  }
}
