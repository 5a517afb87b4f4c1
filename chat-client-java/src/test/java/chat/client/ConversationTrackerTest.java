package chat.client;

import static chat.client.ConversationTracker.Decision.DELIVER;
import static chat.client.ConversationTracker.Decision.DUPLICATE;
import static chat.client.ConversationTracker.Decision.FETCH_GAP;
import static chat.client.ConversationTracker.Decision.HOLD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Event;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exactly once, in seq order: the per-conversation decisions the client makes. */
class ConversationTrackerTest {
  private final ConversationTracker tracker = new ConversationTracker();

  private static Event.Message msg(String conv, long seq) {
    return new Event.Message(conv, seq, "bob", "m" + seq, 1_000 + seq, "cid-" + seq);
  }

  @Test
  void deliversTheNextSeqDropsRepeatsAndAsksForGaps() {
    tracker.setBaseline("#general", 4);

    assertEquals(DELIVER, tracker.onLive(msg("#general", 5)));
    assertEquals(DUPLICATE, tracker.onLive(msg("#general", 5)));
    assertEquals(DUPLICATE, tracker.onLive(msg("#general", 3)));
    assertEquals(FETCH_GAP, tracker.onLive(msg("#general", 8)));
    assertEquals(5L, tracker.lastSeen("#general"));
  }

  @Test
  void anUnknownRoomIsFollowedFromItsFirstLiveMessageADirectOneFromItsStart() {
    assertEquals(DELIVER, tracker.onLive(msg("#new", 41)));
    assertEquals(41L, tracker.lastSeen("#new"));

    assertEquals(DELIVER, tracker.onLive(msg("@carol", 1)));
    assertEquals(FETCH_GAP, tracker.onLive(msg("@dave", 3)), "seqs 1 and 2 are missing");
  }

  @Test
  void whileSyncingLiveMessagesAreHeldAndReleasedInOrder() {
    tracker.setBaseline("@bob", 2);
    tracker.startSync("@bob");
    assertTrue(tracker.isSyncing("@bob"));

    assertEquals(HOLD, tracker.onLive(msg("@bob", 6)));
    assertEquals(HOLD, tracker.onLive(msg("@bob", 7)));
    for (long seq = 3; seq <= 6; seq++) {
      assertTrue(tracker.acceptFetched(msg("@bob", seq)), "fetched " + seq);
    }
    assertFalse(tracker.acceptFetched(msg("@bob", 6)), "a fetched repeat");

    ConversationTracker.Held held = tracker.endSync("@bob");
    assertFalse(held.overflowed);
    assertEquals(List.of(6L, 7L), held.messages.stream().map(Event.Message::seq).toList());
    assertEquals(DUPLICATE, tracker.onLive(held.messages.poll()));
    assertEquals(DELIVER, tracker.onLive(held.messages.poll()));
    assertEquals(7L, tracker.lastSeen("@bob"));
  }

  @Test
  void whileListingEveryLiveMessageIsHeld() {
    tracker.setBaseline("#a", 1);
    tracker.beginListing();

    assertEquals(HOLD, tracker.onLive(msg("#a", 2)));
    assertEquals(HOLD, tracker.onLive(msg("@x", 1)));
    assertNull(tracker.lastSeen("@x"), "nothing decided while listing");

    ConversationTracker.Held held = tracker.endListing();
    assertFalse(tracker.isListing());
    assertEquals(2, held.messages.size());
  }

  @Test
  void heldMessagesAreBoundedAndTheOverflowIsReported() {
    tracker.setBaseline("#busy", 0);
    tracker.startSync("#busy");
    for (int seq = 1; seq <= ConversationTracker.MAX_HELD + 5; seq++) {
      assertEquals(HOLD, tracker.onLive(msg("#busy", seq)));
    }

    ConversationTracker.Held held = tracker.endSync("#busy");
    assertEquals(ConversationTracker.MAX_HELD, held.messages.size());
    assertTrue(held.overflowed, "the caller must refetch what was dropped");
  }

  /**
   * The server names the conversations: across many of them, the messages held stay within
   * MAX_HELD_TOTAL, and each conversation that could not hold one refetches.
   */
  @Test
  void heldMessagesAreBoundedAcrossConversations() {
    int convs = ConversationTracker.MAX_HELD_TOTAL / ConversationTracker.MAX_HELD + 3;
    for (int c = 0; c < convs; c++) {
      tracker.setBaseline("#r" + c, 0);
      tracker.startSync("#r" + c);
      for (int seq = 1; seq <= ConversationTracker.MAX_HELD; seq++) {
        assertEquals(HOLD, tracker.onLive(msg("#r" + c, seq)));
      }
    }
    assertEquals(ConversationTracker.MAX_HELD_TOTAL, tracker.heldTotal());

    int kept = 0;
    for (int c = 0; c < convs; c++) {
      ConversationTracker.Held held = tracker.endSync("#r" + c);
      kept += held.messages.size();
      assertEquals(held.messages.size() < ConversationTracker.MAX_HELD, held.overflowed, "#r" + c);
    }
    assertEquals(ConversationTracker.MAX_HELD_TOTAL, kept);
    assertEquals(0, tracker.heldTotal(), "given back as each ends");

    tracker.startSync("#r0");
    assertEquals(HOLD, tracker.onLive(msg("#r0", ConversationTracker.MAX_HELD + 1)));
    assertEquals(1, tracker.endSync("#r0").messages.size(), "room again once handed back");
  }

  @Test
  void aLostConnectionEndsSyncsAndListingButKeepsPositions() {
    tracker.setBaseline("#a", 3);
    tracker.startSync("#a");
    tracker.startSync("@never-seen"); // a direct conversation being fetched from its start
    tracker.beginListing();

    tracker.connectionLost();

    assertFalse(tracker.isSyncing("#a"));
    assertFalse(tracker.isSyncing("@never-seen"));
    assertFalse(tracker.isListing());
    assertEquals(Map.of("#a", 3L), tracker.snapshot());
  }

  @Test
  void baselinesOnlyMoveForwardAndForgetAndClearDropState() {
    tracker.setBaseline("#a", 10);
    tracker.setBaseline("#a", 4);
    assertEquals(10L, tracker.lastSeen("#a"));

    tracker.forget("#a");
    assertNull(tracker.lastSeen("#a"));

    tracker.setBaseline("#b", 1);
    tracker.startSync("#b");
    tracker.clear();
    assertEquals(Map.of(), tracker.snapshot());
    assertFalse(tracker.isSyncing("#b"));
  }
}
