package chat.server;

/** A command-line flag or {@code CHAT_*} variable that cannot be used; the message says why. */
final class OptionsException extends Exception {
  OptionsException(String message) {
    super(message);
  }
}
