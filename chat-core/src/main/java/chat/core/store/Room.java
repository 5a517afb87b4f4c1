package chat.core.store;

import static java.util.Objects.requireNonNull;

/** A room's settings. {@code name} is without {@code #}. */
public record Room(String name, String topic, boolean isPrivate, long createdAt) {
  public Room {
    requireNonNull(name, "name is null");
    requireNonNull(topic, "topic is null");
  }
}
