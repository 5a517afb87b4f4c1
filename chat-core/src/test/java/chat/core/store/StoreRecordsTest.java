package chat.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The store's value types validate what stores rely on. */
class StoreRecordsTest {
  private static final ConvId ROOM = ConvId.room("general");

  /**
   * Every message has a cid: a store never sees an absent one, so (conversation, sender, cid)
   * identifies every message and dedup cannot be skipped.
   */
  @Test
  void newMessageRequiresEveryField() {
    assertThrows(NullPointerException.class, () -> new NewMessage(ROOM, "a", "t", null, 1L));
    assertThrows(NullPointerException.class, () -> new NewMessage(null, "a", "t", "c", 1L));
    assertThrows(NullPointerException.class, () -> new NewMessage(ROOM, null, "t", "c", 1L));
    assertThrows(NullPointerException.class, () -> new NewMessage(ROOM, "a", null, "c", 1L));
  }

  /** Seqs start at 1: a stored message with seq 0 or less cannot exist. */
  @Test
  void storedMessageSeqIsPositive() {
    assertThrows(IllegalArgumentException.class,
        () -> new StoredMessage(ROOM, 0, "a", "t", 1L, "c"));
    assertThrows(IllegalArgumentException.class,
        () -> new StoredMessage(ROOM, -1, "a", "t", 1L, "c"));
    assertEquals(1, new StoredMessage(ROOM, 1, "a", "t", 1L, "c").seq());
  }

  /** Roles go on the wire in lower case. */
  @Test
  void roleWireNames() {
    assertEquals("owner", Role.OWNER.wireName());
    assertEquals("member", Role.MEMBER.wireName());
  }

  /** Rooms, memberships and tokens refuse missing parts. */
  @Test
  void recordsRefuseNulls() {
    assertThrows(NullPointerException.class, () -> new Room(null, "t", false, 1L));
    assertThrows(NullPointerException.class, () -> new Room("r", null, false, 1L));
    assertThrows(NullPointerException.class, () -> new Membership("r", "u", null));
    assertThrows(NullPointerException.class, () -> new TokenRecord(null, "u", 1L));
    assertThrows(NullPointerException.class, () -> new TokenRecord("h", null, 1L));
  }
}
