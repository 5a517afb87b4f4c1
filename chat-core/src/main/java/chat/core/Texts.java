package chat.core;

/** What counts as no text at all in a message. */
final class Texts {
  private Texts() {}

  /**
   * Whether {@code text} holds nothing a reader would see: only white space as Unicode defines
   * it (which includes the no-break spaces that {@link String#isBlank} lets through, U+00A0,
   * U+2007, U+202F, and the next-line control U+0085), or the invisible zero-width space, word
   * joiner and byte order mark. An empty string is blank.
   */
  static boolean blank(String text) {
    return text.codePoints().allMatch(cp -> Character.isWhitespace(cp)
        || Character.isSpaceChar(cp) || cp == 0x0085 || cp == 0x200B || cp == 0x2060
        || cp == 0xFEFF);
  }
}
