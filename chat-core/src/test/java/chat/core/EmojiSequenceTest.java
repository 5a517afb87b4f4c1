package chat.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link EmojiSequence}: what counts as one emoji for a reaction. */
class EmojiSequenceTest {

  @ParameterizedTest
  @ValueSource(strings = {"\uD83D\uDC4D", "\u2764\uFE0F", "\u2764", "\uD83D\uDC4D\uD83C\uDFFD",
      "1\uFE0F\u20E3", "#\u20E3", "\uD83C\uDDEB\uD83C\uDDF7",
      "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\u00A9\uFE0F",
      "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC73\uDB40\uDC63\uDB40\uDC74\uDB40\uDC7F",
      "\u2194\uFE0F"})
  void oneEmoji(String s) {
    assertTrue(EmojiSequence.isOne(s), s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "+", "=", "<", "a", "1", "\uD83D\uDC4D\uD83D\uDC4E",
      "\uD83D\uDE00\uD83D\uDE00", "\uD83D\uDC4D ", "\u200D", "\uD83C\uDFFD", "\uD83C\uDDEB",
      "\uD83D\uDC68\u200D", "\uD83D\uDC4Dx", "\u00E9"})
  void notOneEmoji(String s) {
    assertFalse(EmojiSequence.isOne(s), s);
  }
}
