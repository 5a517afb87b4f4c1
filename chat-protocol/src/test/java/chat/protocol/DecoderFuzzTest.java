package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of both decoders. The request decoder faces untrusted input: whatever the text,
 * it must return (never throw) either a request or an {@link DecodeResult.Invalid} with a reason,
 * and any request it returns must survive a re-encode unchanged. The event decoder may only throw
 * {@link MalformedFrameException}. The seed is fixed so a failure reproduces; the failing frame
 * is printed escaped in the assertion message.
 */
class DecoderFuzzTest {

  private static final long SEED = 0x5EED_C0DEL;
  private static final int MUTATIONS = 4_000;
  private static final int RANDOM_OBJECTS = 2_000;
  private static final int RANDOM_STRINGS = 1_500;

  private static final String[] TOKENS = {
      "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\ud800", "\\udc00", "\\u0000", "null",
      "true", "false", "-", "0", "-0", "1.5", "1e999", "99999999999999999999", "\"id\":\"x\",",
      "\"type\":\"ping\",", "\"type\":\"login\",", "\"token\":\"t\",", "\"seq\":-1,", " ", "\n",
      "\u0000", "\u0001", "\uFEFF", "\ud800", "\udc00", "\uD83D\uDE00", "/*", "//", "#", "'",
      "\"type\"", "{\"a\":[", "[[[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]]]", "\"id\":null,",
      "\"limit\":0,", "\"after\":1,\"before\":2,", "NaN", "Infinity", "\u2028", "é", "\"\":1,"};

  private static final String[] FIELDS = {
      "type", "id", "user", "password", "token", "to", "text", "cid", "room", "topic", "private",
      "conv", "after", "before", "limit", "seq", "extra", ""};

  private static final String[] TYPES = {
      "register", "login", "logout", "send", "create", "join", "leave", "invite", "kick", "rooms",
      "members", "conversations", "history", "read", "typing", "ping", "ok", "hello", "", "PING"};

  private final FrameCodec codec = new FrameCodec();

  /** Mutated valid request frames never make the decoder throw. */
  @Test
  void mutatedRequestFrames() {
    Random random = new Random(SEED);
    List<String> seeds = new ArrayList<>();
    for (Request request : Samples.requests()) {
      seeds.add(codec.encode(request));
    }
    for (ProtocolDocExamplesTest.Fixture fixture : ProtocolDocExamplesTest.requestExamples()) {
      seeds.add(fixture.json());
    }
    Tally tally = new Tally();
    for (int i = 0; i < MUTATIONS; i++) {
      String seed = seeds.get(random.nextInt(seeds.size()));
      String other = seeds.get(random.nextInt(seeds.size()));
      checkRequest(mutate(seed, other, random), tally);
    }
    // The mutations must reach both outcomes, or the fuzzing tests nothing.
    assertTrue(tally.valid > MUTATIONS / 20, "too few valid mutants: " + tally);
    assertTrue(tally.invalid > MUTATIONS / 2, "too few invalid mutants: " + tally);
  }

  /** Random JSON objects built from the protocol's field names and every kind of value. */
  @Test
  void randomRequestObjects() {
    Random random = new Random(SEED + 1);
    Tally tally = new Tally();
    for (int i = 0; i < RANDOM_OBJECTS; i++) {
      checkRequest(randomObject(random), tally);
    }
    assertTrue(tally.valid > RANDOM_OBJECTS / 50, "too few valid objects: " + tally);
    assertTrue(tally.invalid > RANDOM_OBJECTS / 2, "too few invalid objects: " + tally);
  }

  /** Random text: JSON punctuation soup, arbitrary chars, and arbitrary bytes as UTF-8/Latin-1. */
  @Test
  void randomRequestStrings() {
    Random random = new Random(SEED + 2);
    Tally tally = new Tally();
    for (int i = 0; i < RANDOM_STRINGS; i++) {
      checkRequest(randomText(random), tally);
    }
    assertEquals(RANDOM_STRINGS, tally.valid + tally.invalid);
  }

  /** Mutated server frames make the event decoder throw nothing but MalformedFrameException. */
  @Test
  void mutatedEventFrames() {
    Random random = new Random(SEED + 3);
    List<String> seeds = new ArrayList<>();
    for (Event event : Samples.events()) {
      seeds.add(codec.encode(event));
    }
    for (ProtocolDocExamplesTest.Fixture fixture : ProtocolDocExamplesTest.serverExamples()) {
      seeds.add(fixture.json());
    }
    int decoded = 0;
    int rejected = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      String seed = seeds.get(random.nextInt(seeds.size()));
      String other = seeds.get(random.nextInt(seeds.size()));
      String frame = mutate(seed, other, random);
      if (checkEvent(frame)) {
        decoded++;
      } else {
        rejected++;
      }
    }
    for (int i = 0; i < RANDOM_STRINGS; i++) {
      if (!checkEvent(randomText(random))) {
        rejected++;
      }
    }
    assertTrue(decoded > MUTATIONS / 20, "too few decodable mutants: " + decoded);
    assertTrue(rejected > MUTATIONS / 2, "too few rejected mutants: " + rejected);
  }

  // --- checks ---------------------------------------------------------------------------------

  private static final class Tally {
    int valid;
    int invalid;

    @Override public String toString() {
      return valid + " valid, " + invalid + " invalid";
    }
  }

  private void checkRequest(String frame, Tally tally) {
    DecodeResult result;
    try {
      result = codec.decodeRequest(frame);
    } catch (Throwable t) {
      throw new AssertionError("decodeRequest threw on " + escape(frame), t);
    }
    assertNotNull(result, () -> "null result for " + escape(frame));
    if (result instanceof DecodeResult.Valid valid) {
      Request request = valid.request();
      assertNotNull(request, () -> escape(frame));
      // What was accepted re-encodes to an equal request: nothing was half-read.
      assertEquals(result, codec.decodeRequest(codec.encode(request)), () -> escape(frame));
      tally.valid++;
    } else if (result instanceof DecodeResult.Invalid invalid) {
      assertNotNull(invalid.message(), () -> escape(frame));
      assertFalse(invalid.message().isBlank(), () -> escape(frame));
      if (invalid.re() != null) {
        assertTrue(invalid.re().length() <= Request.MAX_ID_CHARS, () -> escape(frame));
      }
      tally.invalid++;
    } else {
      fail("unexpected result " + result + " for " + escape(frame));
    }
  }

  /** Returns true if the frame decoded (and then checks it re-encodes equal), false if rejected. */
  private boolean checkEvent(String frame) {
    Event event;
    try {
      event = codec.decodeEvent(frame);
    } catch (MalformedFrameException e) {
      assertNotNull(e.getMessage(), () -> escape(frame));
      return false;
    } catch (Throwable t) {
      throw new AssertionError("decodeEvent threw " + t + " on " + escape(frame), t);
    }
    assertNotNull(event, () -> escape(frame));
    Event again = codec.decodeEvent(codec.encode(event));
    assertEquals(event, again, () -> escape(frame));
    return true;
  }

  // --- generators -----------------------------------------------------------------------------

  private static String mutate(String seed, String other, Random random) {
    StringBuilder s = new StringBuilder(seed);
    int ops = 1 + random.nextInt(4);
    for (int op = 0; op < ops; op++) {
      int at = s.length() == 0 ? 0 : random.nextInt(s.length() + 1);
      switch (random.nextInt(9)) {
        case 0: // delete a short range
          if (s.length() > 0) {
            int from = Math.min(at, s.length() - 1);
            s.delete(from, Math.min(s.length(), from + 1 + random.nextInt(4)));
          }
          break;
        case 1: // insert a token
          s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
          break;
        case 2: // replace one char with an arbitrary one
          if (s.length() > 0) {
            s.setCharAt(Math.min(at, s.length() - 1), (char) random.nextInt(0x10000));
          }
          break;
        case 3: // replace one char with JSON punctuation
          if (s.length() > 0) {
            String punctuation = "{}[]\":,\\ 0-e.tn";
            s.setCharAt(Math.min(at, s.length() - 1),
                punctuation.charAt(random.nextInt(punctuation.length())));
          }
          break;
        case 4: // duplicate a slice
          if (s.length() > 1) {
            int from = random.nextInt(s.length() - 1);
            int to = Math.min(s.length(), from + 1 + random.nextInt(20));
            s.insert(at, s.substring(from, to));
          }
          break;
        case 5: // truncate
          s.setLength(at);
          break;
        case 6: // splice in part of another frame
          s.insert(at, other, random.nextInt(other.length()), other.length());
          break;
        case 7: // swap two chars
          if (s.length() > 1) {
            int a = random.nextInt(s.length());
            int b = random.nextInt(s.length());
            char c = s.charAt(a);
            s.setCharAt(a, s.charAt(b));
            s.setCharAt(b, c);
          }
          break;
        default: // change a digit
          for (int i = at; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
              s.setCharAt(i, (char) ('0' + random.nextInt(10)));
              break;
            }
          }
          break;
      }
    }
    return s.toString();
  }

  private static String randomObject(Random random) {
    StringBuilder s = new StringBuilder("{");
    if (random.nextInt(10) > 0) {
      s.append("\"type\":").append(randomValue(random, true));
    }
    int fields = random.nextInt(6);
    for (int i = 0; i < fields; i++) {
      if (s.length() > 1) {
        s.append(',');
      }
      s.append('"').append(FIELDS[random.nextInt(FIELDS.length)]).append("\":")
          .append(randomValue(random, false));
    }
    return s.append('}').toString();
  }

  private static String randomValue(Random random, boolean typeField) {
    switch (random.nextInt(typeField ? 4 : 14)) {
      case 0:
      case 1:
      case 2:
        return "\"" + TYPES[random.nextInt(TYPES.length)] + "\"";
      case 3:
        return "\"" + "abcdefghij_-.#@ ".substring(random.nextInt(8), 9 + random.nextInt(8)) + "\"";
      case 4:
        return Long.toString(random.nextInt(300) - 50);
      case 5:
        return Long.toString(random.nextLong());
      case 6:
        return random.nextBoolean() ? "true" : "false";
      case 7:
        return "null";
      case 8:
        return random.nextInt(1000) + "." + random.nextInt(10);
      case 9:
        return "{\"a\":[1,{\"b\":null}]}";
      case 10:
        return "[" + random.nextInt(5) + "]";
      case 11:
        return "\"" + "x".repeat(random.nextInt(3) == 0 ? 65 : 64) + "\"";
      case 12:
        return "9".repeat(15 + random.nextInt(10));
      default:
        return "\"\\u00e9\\n\\ud83d\\ude00\"";
    }
  }

  private static String randomText(Random random) {
    int length = random.nextInt(64);
    switch (random.nextInt(4)) {
      case 0: { // JSON punctuation soup
        String alphabet = "{}[]\":,\\ \n0123456789-+.eEtrufalsn\"\"{}";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
          s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
      }
      case 1: { // arbitrary UTF-16 units, lone surrogates included
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
          s.append((char) random.nextInt(0x10000));
        }
        return s.toString();
      }
      case 2: { // arbitrary bytes read as UTF-8
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
      }
      default: { // arbitrary bytes read as Latin-1
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
      }
    }
  }

  /** The frame as a Java string literal body, so a failure can be pasted into a test. */
  static String escape(String frame) {
    if (frame == null) {
      return "null";
    }
    StringBuilder s = new StringBuilder("\"");
    for (char c : frame.toCharArray()) {
      if (c == '"' || c == '\\') {
        s.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    return s.append('"').toString();
  }
}
