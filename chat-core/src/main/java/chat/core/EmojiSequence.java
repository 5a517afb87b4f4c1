package chat.core;

/**
 * Whether a string is exactly one emoji sequence (Unicode TS #51, simplified to what reactions
 * need): a keycap, a flag, a tag sequence, or elements joined by U+200D, each element an emoji
 * code point with an optional U+FE0F and an optional skin tone.
 */
final class EmojiSequence {
  private static final int ZWJ = 0x200D;
  private static final int VS16 = 0xFE0F;
  private static final int KEYCAP = 0x20E3;
  private static final int BLACK_FLAG = 0x1F3F4;

  private EmojiSequence() {}

  static boolean isOne(String s) {
    int[] cps = s.codePoints().toArray();
    if (cps.length == 0) {
      return false;
    }
    // Keycap: 0-9, # or * [FE0F] 20E3
    if (isKeycapBase(cps[0])) {
      return (cps.length == 2 && cps[1] == KEYCAP)
          || (cps.length == 3 && cps[1] == VS16 && cps[2] == KEYCAP);
    }
    // Flag: two regional indicators
    if (isRegional(cps[0])) {
      return cps.length == 2 && isRegional(cps[1]);
    }
    // Tag sequence: black flag, tags, cancel tag
    if (cps[0] == BLACK_FLAG && cps.length > 2 && cps[cps.length - 1] == 0xE007F) {
      for (int i = 1; i < cps.length - 1; i++) {
        if (cps[i] < 0xE0020 || cps[i] > 0xE007E) {
          return false;
        }
      }
      return true;
    }
    // Elements joined by ZWJ
    int i = 0;
    for (;;) {
      if (i >= cps.length || !isEmojiBase(cps[i])) {
        return false;
      }
      i++;
      if (i < cps.length && cps[i] == VS16) {
        i++;
      }
      if (i < cps.length && isSkinTone(cps[i])) {
        i++;
      }
      if (i == cps.length) {
        return true;
      }
      if (cps[i] != ZWJ) {
        return false;
      }
      i++;
    }
  }

  private static boolean isKeycapBase(int cp) {
    return (cp >= '0' && cp <= '9') || cp == '#' || cp == '*';
  }

  private static boolean isRegional(int cp) {
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
  }

  private static boolean isSkinTone(int cp) {
    return cp >= 0x1F3FB && cp <= 0x1F3FF;
  }

  /** A pictographic symbol: not ASCII, not a letter, a symbol class emoji come from. */
  private static boolean isEmojiBase(int cp) {
    if (cp < 0x80 || isSkinTone(cp) || isRegional(cp)) {
      return false;
    }
    if (cp == 0xA9 || cp == 0xAE) {
      return true; // © and ®
    }
    int type = Character.getType(cp);
    return cp >= 0x2000 && (type == Character.OTHER_SYMBOL || type == Character.MATH_SYMBOL);
  }
}
