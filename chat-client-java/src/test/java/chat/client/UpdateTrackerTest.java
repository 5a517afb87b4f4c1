package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Event;
import org.junit.jupiter.api.Test;

/** The updates held while conversations catch up are bounded across all of them. */
class UpdateTrackerTest {
  private final UpdateTracker tracker = new UpdateTracker();

  private static Event.Update update(String conv, long rev) {
    return new Event.Update(conv, 1, rev, "bob", "react",
        new Event.Message(conv, 1, "alice", "m1", 1_000, "c1"));
  }

  @Test
  void heldUpdatesAreBoundedAcrossConversations() {
    int convs = UpdateTracker.MAX_HELD_TOTAL / UpdateTracker.MAX_HELD + 2;
    for (int c = 0; c < convs; c++) {
      tracker.setBaseline("#r" + c, 0);
      tracker.hold("#r" + c);
      for (int rev = 1; rev <= UpdateTracker.MAX_HELD; rev++) {
        tracker.onLive(update("#r" + c, rev));
      }
    }
    assertEquals(UpdateTracker.MAX_HELD_TOTAL, tracker.heldTotal());

    UpdateTracker.Held last = null;
    for (int c = 0; c < convs; c++) {
      last = tracker.release("#r" + c);
    }
    assertTrue(last.overflowed, "what did not fit is fetched again by the caller");
    assertEquals(0, last.updates.size());
    assertEquals(0, tracker.heldTotal());
  }
}
