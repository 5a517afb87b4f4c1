package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The naming rules of PROTOCOL.md: user {@code ^[a-z0-9][a-z0-9_.-]{2,31}$} after case folding,
 * room {@code ^[a-z0-9][a-z0-9_-]{0,63}$}, passwords of 8 to 256 chars, cids of 1 to 64.
 */
class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"abc", "alice", "a.b", "a_b", "a-b", "0ab", "123", "a..", "a__", "a--",
      "bob.smith_2-x", "abcdefghijklmnopqrstuvwxyz012345"})
  void validUsers(String user) {
    assertTrue(Names.isValidUser(user), user);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "ab", "abcdefghijklmnopqrstuvwxyz0123456", "_ab", ".ab", "-ab",
      "Alice", "alicE", "al ice", " alice", "alice ", "alice\n", "@alice", "#alice", "ali@ce",
      "ali+ce", "ali/ce", "åsa", "ålice", "аlice" /* Cyrillic a */, "alice\u0000",
      "al\u200bice"})
  void invalidUsers(String user) {
    assertFalse(Names.isValidUser(user), user);
  }

  /** Length boundaries: 3 to 32 chars. */
  @Test
  void userLengthBoundaries() {
    assertFalse(Names.isValidUser("a".repeat(2)));
    assertTrue(Names.isValidUser("a".repeat(3)));
    assertTrue(Names.isValidUser("a".repeat(32)));
    assertFalse(Names.isValidUser("a".repeat(33)));
  }

  /** Input is case-folded to lower case first, independent of the default locale. */
  @Test
  void userFolding() {
    assertEquals("alice", Names.foldUser("Alice"));
    assertEquals("alice", Names.foldUser("ALICE"));
    assertTrue(Names.isValidUser(Names.foldUser("Bob.Smith")));
    // Locale.ROOT: the Turkish dotless-i rule must not apply.
    assertEquals("ivan", Names.foldUser("IVAN"));
    assertFalse(Names.isValidUser(Names.foldUser("Al ice")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "0", "general", "r_1", "r-1", "a__", "a--", "9lives"})
  void validRooms(String room) {
    assertTrue(Names.isValidRoom(room), room);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "_a", "-a", "a.b", "General", "#general", "gen eral", "général",
      "room!", "room\n", "@bob", "a/b"})
  void invalidRooms(String room) {
    assertFalse(Names.isValidRoom(room), room);
  }

  /** Length boundaries: 1 to 64 chars. */
  @Test
  void roomLengthBoundaries() {
    assertFalse(Names.isValidRoom(""));
    assertTrue(Names.isValidRoom("r"));
    assertTrue(Names.isValidRoom("r".repeat(64)));
    assertFalse(Names.isValidRoom("r".repeat(65)));
  }

  /** Room names may be given with a leading {@code #} and in any case. */
  @Test
  void roomFolding() {
    assertEquals("general", Names.foldRoom("#General"));
    assertEquals("general", Names.foldRoom("general"));
    assertEquals("#x", Names.foldRoom("##x"));
    assertFalse(Names.isValidRoom(Names.foldRoom("##x")));
    assertEquals("", Names.foldRoom("#"));
    assertFalse(Names.isValidRoom(Names.foldRoom("#")));
  }

  /** Dots are allowed in user names but not in room names. */
  @Test
  void dotOnlyInUserNames() {
    assertTrue(Names.isValidUser("a.b"));
    assertFalse(Names.isValidRoom("a.b"));
  }

  /** The documented length limits. */
  @Test
  void lengthConstants() {
    assertEquals(8, Names.MIN_PASSWORD_CHARS);
    assertEquals(256, Names.MAX_PASSWORD_CHARS);
    assertEquals(64, Names.MAX_CID_CHARS);
    assertEquals(64, Request.MAX_ID_CHARS);
  }
}
