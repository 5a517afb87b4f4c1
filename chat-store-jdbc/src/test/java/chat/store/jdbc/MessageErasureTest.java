package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ChangeOutcome;
import chat.core.store.ConvId;
import chat.core.store.MessageChange;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deleted message's text is gone from the files, not only from what the store returns: no
 * byte of it is left in the database (or its WAL) once the store is closed.
 */
class MessageErasureTest {
  private static final ConvId GENERAL = ConvId.room("general");

  @TempDir
  Path dir;

  private static void send(OpenStore store, String text, String cid) {
    RecordingAppendListener l = new RecordingAppendListener();
    store.messages.append(new NewMessage(GENERAL, "alice", text, cid, 1L), l);
    l.awaitStored();
  }

  /** Whether any file of the store holds {@code marker} (in UTF-8). */
  private boolean filesHold(String marker) throws IOException {
    byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        byte[] bytes = Files.readAllBytes(f);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
          for (int j = 0; j < needle.length; j++) {
            if (bytes[i + j] != needle[j]) {
              continue outer;
            }
          }
          return true;
        }
      }
    }
    return false;
  }

  /** A short text (inside its page) and a long one (on overflow pages) are both wiped. */
  @Test
  void deletedTextLeavesNoTraceInTheFiles() throws Exception {
    String shortText = "short-secret-4f1c9a";
    String longText = "long-secret-8b2e71 ".repeat(1_000);
    String kept = "kept-text-5d3a08";
    try (OpenStore store = OpenStore.open(dir)) {
      send(store, kept, "c1");
      send(store, shortText, "c2");
      send(store, longText, "c3");
      send(store, kept, "c4");
      for (long seq : List.of(2L, 3L)) {
        ChangeOutcome o = store.messages.change(GENERAL, seq,
            new MessageChange.Delete("alice", 2L));
        assertEquals(ChangeOutcome.Status.APPLIED, o.status());
      }
    }
    assertTrue(filesHold(kept), "the search finds text that is there");
    assertFalse(filesHold(shortText), "the short text is gone");
    assertFalse(filesHold("long-secret-8b2e71"), "the long text is gone");
  }

  /** The words of the search index that some message holds. */
  private List<String> indexedWords() throws Exception {
    try (Connection c = OpenStore.rawConnection(dir); Statement s = c.createStatement()) {
      s.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, message_search, row)");
      List<String> words = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT term FROM temp.words")) {
        while (rs.next()) {
          words.add(rs.getString(1));
        }
      }
      return words;
    }
  }

  /**
   * The search index keeps the words of each message: deleting or editing a message takes its
   * old words out of the index at once (FTS5 secure-delete), not at some later merge, and no
   * copy of them is left in the files.
   */
  @Test
  void deletedAndEditedWordsLeaveTheSearchIndex() throws Exception {
    try (OpenStore store = OpenStore.open(dir)) {
      send(store, "keepword alpha", "c1");
      send(store, "zanzibarquux plans", "c2");
      send(store, "xylophonicity draft", "c3");
      assertEquals(ChangeOutcome.Status.APPLIED, store.messages.change(GENERAL, 2,
          new MessageChange.Delete("alice", 2L)).status());
      assertEquals(ChangeOutcome.Status.APPLIED, store.messages.change(GENERAL, 3,
          new MessageChange.Edit("alice", "final version", List.of(), 3L)).status());
    }
    List<String> words = indexedWords();
    assertTrue(words.containsAll(List.of("keepword", "alpha", "final", "version")),
        words.toString());
    for (String gone : List.of("zanzibarquux", "plans", "xylophonicity", "draft")) {
      assertFalse(words.contains(gone), gone + " is still indexed: " + words);
    }
    assertTrue(filesHold("keepword"), "the search finds words that are there");
    assertFalse(filesHold("zanzibarquux"), "the deleted word is gone");
    assertFalse(filesHold("xylophonicity"), "the edited-away word is gone");
  }
}
