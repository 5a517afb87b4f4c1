package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.SearchQuery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A big conversation is erased on SQLite in steps: other conversations' sends are committed
 * between them, instead of waiting for the whole history (taking each message's words out of the
 * search index is what makes it long), and an erasure cut short is finished by the next.
 */
class ConversationErasureTest {
  private static final ConvId BIG = ConvId.room("big");
  private static final ConvId OTHER = ConvId.room("other");
  private static final int MESSAGES = 5_000;

  @TempDir
  Path dir;

  private static void fill(OpenStore store, ConvId conv, int messages) {
    List<RecordingAppendListener> sent = new ArrayList<>();
    for (int i = 1; i <= messages; i++) {
      RecordingAppendListener l = new RecordingAppendListener();
      store.messages.append(new NewMessage(conv, "alice",
          "an ordinary message about zebras, number " + i, "c" + i, i), l);
      sent.add(l);
    }
    sent.forEach(RecordingAppendListener::awaitStored);
  }

  /** Waits (bounded) until the erasure has committed a step and has not finished. */
  private static void awaitPartlyErased(OpenStore store, Thread eraser) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (;;) {
      var first = store.messages.after(BIG, 0, 1);
      if (!first.isEmpty() && first.get(0).seq() > 1) {
        return;
      }
      assertTrue(eraser.isAlive(), "the erasure ended without a step seen between: one step");
      assertTrue(System.nanoTime() < deadline, "no step of the erasure committed within 20 s");
      Thread.onSpinWait();
    }
  }

  private static long zebras(OpenStore store, ConvId conv) {
    return store.messages.search(new SearchQuery(List.of(conv), List.of("zebras"), null, 10))
        .size();
  }

  @Test
  void aSendIsCommittedWhileABigConversationIsErased() throws Exception {
    try (OpenStore store = OpenStore.open(dir)) {
      fill(store, BIG, MESSAGES);
      Thread eraser = new Thread(() -> store.messages.deleteConversation(BIG), "eraser");
      eraser.start();
      awaitPartlyErased(store, eraser);

      RecordingAppendListener sent = new RecordingAppendListener();
      store.messages.append(new NewMessage(OTHER, "bob", "hi", "b1", 1), sent);
      assertEquals(1, sent.awaitStored().seq());
      assertFalse(store.messages.after(BIG, 0, 1).isEmpty(), "stored before the erasure ended");

      eraser.join(TimeUnit.SECONDS.toMillis(60));
      assertFalse(eraser.isAlive(), "erased within 60 s");
      assertEquals(List.of(), store.messages.after(BIG, 0, 10));
      assertEquals(0, store.messages.lastSeq(BIG));
      assertEquals(0, zebras(store, BIG), "the words are gone from the search index");
      assertEquals(1, store.messages.after(OTHER, 0, 10).size());
    }
  }

  @Test
  void anErasureCutShortIsFinishedByTheNext() throws Exception {
    try (OpenStore store = OpenStore.open(dir)) {
      fill(store, BIG, MESSAGES);
      Thread eraser = new Thread(() -> store.messages.deleteConversation(BIG), "eraser");
      eraser.start();
      awaitPartlyErased(store, eraser);
      eraser.interrupt();
      eraser.join(TimeUnit.SECONDS.toMillis(20));
      assertFalse(eraser.isAlive(), "stopped within 20 s of its interrupt");

      long left = store.messages.after(BIG, 0, MESSAGES).size();
      assertTrue(left > 0 && left < MESSAGES, left + " left");
      assertEquals(MESSAGES, store.messages.lastSeq(BIG), "the counters stay until the end");

      store.messages.deleteConversation(BIG);
      assertEquals(List.of(), store.messages.after(BIG, 0, 10));
      assertEquals(0, store.messages.lastSeq(BIG));
      assertEquals(0, zebras(store, BIG));
    }
  }
}
