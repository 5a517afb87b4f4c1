package chat.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ConvId}: storage keys, parsing, parties, and names as each viewer sees them. */
class ConvIdTest {

  /** A room's key is {@code #name}; it knows its name and has no parties. */
  @Test
  void roomKeyAndName() {
    ConvId room = ConvId.room("general");
    assertTrue(room.isRoom());
    assertEquals("#general", room.key());
    assertEquals("#general", room.toString());
    assertEquals("general", room.roomName());
    assertFalse(room.isParty("general"));
    assertEquals(ConvId.room("general"), room);
    assertEquals(ConvId.room("general").hashCode(), room.hashCode());
  }

  /** A direct conversation is the same whichever party names it first, sorted in its key. */
  @Test
  void directIsIndependentOfArgumentOrder() {
    ConvId ab = ConvId.direct("alice", "bob");
    ConvId ba = ConvId.direct("bob", "alice");
    assertEquals(ab, ba);
    assertEquals(ab.hashCode(), ba.hashCode());
    assertEquals("@alice@bob", ba.key());
    assertEquals("alice", ba.userA());
    assertEquals("bob", ba.userB());
    assertFalse(ab.isRoom());
  }

  /** Parties: each of the two, nobody else; the peer of each is the other. */
  @Test
  void partiesAndPeers() {
    ConvId dm = ConvId.direct("bob", "alice");
    assertTrue(dm.isParty("alice"));
    assertTrue(dm.isParty("bob"));
    assertFalse(dm.isParty("carol"));
    assertEquals("bob", dm.peerOf("alice"));
    assertEquals("alice", dm.peerOf("bob"));
    assertThrows(IllegalArgumentException.class, () -> dm.peerOf("carol"));
  }

  /** A room is named {@code #room} for everyone; a direct one {@code @peer} for each party. */
  @Test
  void nameForViewer() {
    assertEquals("#general", ConvId.room("general").nameFor("anyone"));
    ConvId dm = ConvId.direct("alice", "bob");
    assertEquals("@bob", dm.nameFor("alice"));
    assertEquals("@alice", dm.nameFor("bob"));
    assertThrows(IllegalArgumentException.class, () -> dm.nameFor("carol"));
  }

  /** A room and a direct conversation never compare equal, even with look-alike text. */
  @Test
  void roomsAndDirectsDiffer() {
    assertNotEquals(ConvId.room("alice@bob"), ConvId.direct("alice", "bob"));
    assertNotEquals(ConvId.room("general"), ConvId.room("General"));
  }

  /** Only a room has a room name. */
  @Test
  void roomNameOfDirectThrows() {
    assertThrows(IllegalStateException.class, () -> ConvId.direct("a", "b").roomName());
  }

  /** A direct conversation needs two different, non-null users; a room a non-null name. */
  @Test
  void invalidConstructionsThrow() {
    assertThrows(IllegalArgumentException.class, () -> ConvId.direct("alice", "alice"));
    assertThrows(NullPointerException.class, () -> ConvId.direct(null, "bob"));
    assertThrows(NullPointerException.class, () -> ConvId.direct("alice", null));
    assertThrows(NullPointerException.class, () -> ConvId.room(null));
  }

  /** Every key parses back to an equal ConvId. */
  @Test
  void parseKeyRoundTrips() {
    for (ConvId conv : List.of(ConvId.room("general"), ConvId.room("a-b_c"),
        ConvId.direct("bob", "alice"), ConvId.direct("x", "y"))) {
      assertEquals(conv, ConvId.parseKey(conv.key()));
      assertEquals(conv.key(), ConvId.parseKey(conv.key()).key());
    }
  }

  /** A direct key written in unsorted order still parses to the one conversation. */
  @Test
  void parseKeyNormalisesDirectOrder() {
    ConvId parsed = ConvId.parseKey("@bob@alice");
    assertEquals(ConvId.direct("alice", "bob"), parsed);
    assertEquals("@alice@bob", parsed.key());
  }

  /** Text that is not a key is refused. */
  @ParameterizedTest
  @ValueSource(strings = {"", "general", "@", "@alice", "@@bob", "@alice@alice", "alice@bob"})
  void parseKeyRejectsNonKeys(String text) {
    assertThrows(IllegalArgumentException.class, () -> ConvId.parseKey(text));
  }

  /** Ordering follows the key, consistently with equals. */
  @Test
  void compareToFollowsKey() {
    List<ConvId> convs = new ArrayList<>(List.of(ConvId.room("b"), ConvId.direct("x", "a"),
        ConvId.room("a")));
    convs.sort(null);
    assertEquals(List.of("#a", "#b", "@a@x"),
        convs.stream().map(ConvId::key).collect(java.util.stream.Collectors.toList()));
    assertEquals(0, ConvId.direct("a", "b").compareTo(ConvId.parseKey("@b@a")));
  }
}
