package chat.core.store;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A change to an existing message, applied by {@link MessageStore#change}. */
public sealed interface MessageChange {

  /** Who makes the change. */
  String by();

  /** When (server ms). */
  long ts();

  /** The wire name of the change: edit, delete or react. */
  String action();

  /** New text and mentions; refused on a deleted message. */
  record Edit(String by, String text, List<String> mentions, long ts) implements MessageChange {
    public Edit {
      requireNonNull(by, "by is null");
      requireNonNull(text, "text is null");
      mentions = List.copyOf(mentions);
    }

    @Override public String action() { return "edit"; }
  }

  /** Erases text, mentions and reactions; deleting twice changes nothing. */
  record Delete(String by, long ts) implements MessageChange {
    public Delete { requireNonNull(by, "by is null"); }

    @Override public String action() { return "delete"; }
  }

  /**
   * Sets ({@code on}) or clears {@code by}'s reaction {@code emoji}; refused on a deleted message,
   * and when it would give the message more than {@code maxEmoji} distinct emoji.
   */
  record React(String by, String emoji, boolean on, int maxEmoji, long ts)
      implements MessageChange {
    public React {
      requireNonNull(by, "by is null");
      requireNonNull(emoji, "emoji is null");
    }

    @Override public String action() { return "react"; }
  }
}
