package chat.core.store;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How search sees text: as words, each a run of letters and digits (combining marks included),
 * lower-cased, with the accents of Latin letters removed ({@code Café} is the word {@code cafe}).
 * A query matches a text when every query word is a prefix of some word of the text. Every store
 * searches these words: the memory store matches them here, PostgreSQL keeps them as a tsvector's
 * lexemes, and SQLite's FTS5 index is given them (schema V8), so each finds what the others find.
 * A change to what this class makes of a text needs the stores' indexes rebuilt.
 */
public final class SearchText {
  private SearchText() {}

  /** The words of {@code text}, in order, folded as the class comment says. */
  public static List<String> words(String text) {
    String folded = fold(text);
    List<String> words = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < folded.length(); ) {
      int cp = folded.codePointAt(i);
      boolean wordChar = isWordChar(cp);
      if (wordChar && start < 0) {
        start = i;
      } else if (!wordChar && start >= 0) {
        words.add(folded.substring(start, i));
        start = -1;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) {
      words.add(folded.substring(start));
    }
    return words;
  }

  /** Whether each of {@code terms} is a prefix of at least one of {@code words}. */
  public static boolean matches(List<String> words, List<String> terms) {
    for (String term : terms) {
      boolean found = false;
      for (String word : words) {
        if (word.startsWith(term)) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWordChar(int cp) {
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.PRIVATE_USE,
          Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK,
          Character.ENCLOSING_MARK:
        return true;
      default:
        return false;
    }
  }

  /**
   * Lower case, then the accents of Latin letters dropped: decomposed, each combining mark that
   * follows a Latin letter (below U+0250) removed. Marks of other scripts (Devanagari vowel
   * signs, for instance) are parts of their words and stay.
   */
  private static String fold(String text) {
    String decomposed = Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(decomposed.length());
    int base = -1;
    for (int i = 0; i < decomposed.length(); ) {
      int cp = decomposed.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.getType(cp) == Character.NON_SPACING_MARK && base >= 0 && base < 0x250) {
        continue; // an accent on a Latin letter
      }
      if (Character.getType(cp) != Character.NON_SPACING_MARK) {
        base = cp;
      }
      out.appendCodePoint(cp);
    }
    return Normalizer.normalize(out, Normalizer.Form.NFC);
  }
}
