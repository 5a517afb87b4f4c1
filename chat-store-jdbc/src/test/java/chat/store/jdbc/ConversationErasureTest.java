package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.Room;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A big conversation is erased on SQLite in steps: other conversations' sends are committed
 * between them, instead of waiting for the whole history (taking each message's words out of the
 * search index is what makes it long); an erasure cut short is finished by the next; and an
 * erasure stops at a room of that name that exists again (SQLite and PostgreSQL).
 */
class ConversationErasureTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  private static final ConvId BIG = ConvId.room("big");
  private static final ConvId OTHER = ConvId.room("other");
  private static final int MESSAGES = 2_000;

  @TempDir
  Path dir;

  private static void fill(chat.core.store.MessageStore store, ConvId conv, int messages) {
    List<RecordingAppendListener> sent = new ArrayList<>();
    for (int i = 1; i <= messages; i++) {
      RecordingAppendListener l = new RecordingAppendListener();
      store.append(new NewMessage(conv, "alice",
          "an ordinary message about zebras, number " + i, "c" + i, i), l);
      sent.add(l);
    }
    sent.forEach(RecordingAppendListener::awaitStored);
  }

  /** Rows of the search index that hold the word, whatever conversation they came from. */
  private long zebrasInTheIndex() throws Exception {
    try (Connection c = OpenStore.rawConnection(dir); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT count(*) FROM message_search WHERE message_search MATCH 'zebras'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aSendIsCommittedBetweenTwoStepsOfAnErasure() throws Exception {
    try (OpenStore store = OpenStore.open(dir)) {
      fill(store.messages, BIG, MESSAGES);
      assertEquals(MESSAGES, zebrasInTheIndex(), "the index holds the words");
      CountDownLatch stepped = new CountDownLatch(1);
      CountDownLatch goOn = new CountDownLatch(1);
      store.messages.afterErasureStep = () -> {
        stepped.countDown();
        await(goOn);
      };
      Thread eraser = new Thread(() -> store.messages.deleteConversation(BIG), "eraser");
      eraser.start();
      assertTrue(stepped.await(20, TimeUnit.SECONDS), "a step of the erasure committed");

      RecordingAppendListener sent = new RecordingAppendListener();
      store.messages.append(new NewMessage(OTHER, "bob", "hi", "b1", 1), sent);
      assertEquals(1, sent.awaitStored().seq(), "stored while the erasure waits between steps");
      long left = store.messages.after(BIG, 0, MESSAGES).size();
      assertTrue(left > 0 && left < MESSAGES, left + " left after one step");

      store.messages.afterErasureStep = () -> { };
      goOn.countDown();
      eraser.join(TimeUnit.SECONDS.toMillis(60));
      assertFalse(eraser.isAlive(), "erased within 60 s");
      assertEquals(List.of(), store.messages.after(BIG, 0, 10));
      assertEquals(0, store.messages.lastSeq(BIG));
      assertEquals(1, store.messages.after(OTHER, 0, 10).size());
    }
    assertEquals(0, zebrasInTheIndex(), "the words are gone from the search index");
  }

  @Test
  void anErasureCutShortIsFinishedByTheNext() throws Exception {
    try (OpenStore store = OpenStore.open(dir)) {
      fill(store.messages, BIG, MESSAGES);
      store.messages.afterErasureStep = () -> Thread.currentThread().interrupt(); // a stop
      Thread eraser = new Thread(() -> store.messages.deleteConversation(BIG), "eraser");
      eraser.start();
      eraser.join(TimeUnit.SECONDS.toMillis(20));
      assertFalse(eraser.isAlive(), "stopped at its interrupt");

      long left = store.messages.after(BIG, 0, MESSAGES).size();
      assertTrue(left > 0 && left < MESSAGES, left + " left");
      assertEquals(MESSAGES, store.messages.lastSeq(BIG), "the counters stay until the end");

      store.messages.afterErasureStep = () -> { };
      store.messages.deleteConversation(BIG);
      assertEquals(List.of(), store.messages.after(BIG, 0, 10));
      assertEquals(0, store.messages.lastSeq(BIG));
    }
    assertEquals(0, zebrasInTheIndex());
  }

  /** E.g. the server created the room again while the operator's tool was erasing. */
  @Test
  void sqliteLeavesTheHistoryOfARoomThatExistsAgain() throws Exception {
    try (OpenStore store = OpenStore.open(dir)) {
      fill(store.messages, BIG, 3);
      store.accounts.createUser("mallory", "hash", 1);
      store.accounts.createRoom(new Room("big", "", false, 1), "mallory");

      store.messages.deleteConversation(BIG);

      assertEquals(3, store.messages.after(BIG, 0, 10).size());
      assertEquals(3, store.messages.lastSeq(BIG));
    }
  }

  @Test
  void postgresLeavesTheHistoryOfARoomThatExistsAgain() throws Exception {
    OpenPostgres node = OpenPostgres.open(postgres.newDatabase());
    try {
      fill(node.messages, BIG, 3);
      node.accounts.createUser("mallory", "hash", 1);
      node.accounts.createRoom(new Room("big", "", false, 1), "mallory");

      node.messages.deleteConversation(BIG);

      assertEquals(3, node.messages.after(BIG, 0, 10).size());
    } finally {
      node.close();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
