package chat.core;

import chat.protocol.Names;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds the users a text mentions (PROTOCOL.md, "Details of the additions"): {@code @name} not
 * preceded by a letter, digit, {@code _}, {@code .} or {@code -}; the name case-folded, without
 * trailing {@code .}, {@code -} or {@code _}; and only names of the conversation's participants.
 * Each user once, in the order first mentioned.
 */
final class Mentions {
  private Mentions() {}

  static List<String> in(String text, Predicate<String> isParticipant) {
    Set<String> found = new LinkedHashSet<>();
    for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      if (at > 0 && isNameChar(text.charAt(at - 1))) {
        continue;
      }
      int end = at + 1;
      while (end < text.length() && isNameChar(text.charAt(end)) && end - at <= 64) {
        end++;
      }
      String name = text.substring(at + 1, end).toLowerCase(Locale.ROOT);
      while (!name.isEmpty() && ".-_".indexOf(name.charAt(name.length() - 1)) >= 0) {
        name = name.substring(0, name.length() - 1);
      }
      if (Names.isValidUser(name) && !found.contains(name) && isParticipant.test(name)) {
        found.add(name);
      }
    }
    return new ArrayList<>(found);
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '.' || c == '-' || Character.isLetterOrDigit(c);
  }
}
