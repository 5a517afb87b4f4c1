package chat.core;

import chat.protocol.Event;

/** Conversation events renamed for a receiver: a direct conversation is named by its peer. */
final class Events {
  private Events() {}

  /**
   * {@code event} with its conversation named {@code name}; itself when already so named or
   * when it names no conversation.
   */
  static Event named(Event event, String name) {
    if (event instanceof Event.Message m) {
      return named(m, name);
    }
    if (event instanceof Event.Update u) {
      return u.conv().equals(name) ? u : new Event.Update(name, u.seq(), u.rev(), u.by(),
          u.action(), named(u.message(), name));
    }
    if (event instanceof Event.Read r) {
      return r.conv().equals(name) ? r : new Event.Read(name, r.user(), r.seq());
    }
    if (event instanceof Event.Typing t) {
      return t.conv().equals(name) ? t : new Event.Typing(name, t.user());
    }
    return event; // member and topic events: rooms only, named by the room's key already
  }

  static Event.Message named(Event.Message m, String name) {
    return m.conv().equals(name) ? m : m.named(name);
  }
}
