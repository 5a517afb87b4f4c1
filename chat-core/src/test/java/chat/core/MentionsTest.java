package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Mentions}: the rule of PROTOCOL.md "Details of the additions". */
class MentionsTest {
  private static final Set<String> PARTICIPANTS = Set.of("alice", "bob.k", "carol_", "dave");

  private static List<String> in(String text) {
    return Mentions.in(text, PARTICIPANTS::contains);
  }

  @Test
  void namesOfParticipantsAfterAnAtSign() {
    assertEquals(List.of("alice", "bob.k"), in("@Alice and @BOB.K, look"));
    assertEquals(List.of("alice"), in("(@alice) @alice again"));
    assertEquals(List.of("dave"), in("@dave."));   // trailing dot is punctuation
    assertEquals(List.of("dave"), in("@dave-_"));
  }

  @Test
  void notInsideWordsAddressesOrForStrangers() {
    assertEquals(List.of(), in("mail alice@example.org"));
    assertEquals(List.of(), in("x.@alice _@alice -@alice 9@alice"));
    assertEquals(List.of(), in("@mallory @al @"));
    assertEquals(List.of(), in("@carol_")); // trailing '_' is not part of the name: carol
  }
}
