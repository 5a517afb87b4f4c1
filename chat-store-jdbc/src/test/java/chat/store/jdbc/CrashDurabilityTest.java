package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoredMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability across a crash: a child JVM appends, waits for the acks, and halts without stopping
 * the store (more appends still in flight). Reopened, the store holds every acknowledged message
 * at its seq, each conversation's seqs are gapless, resent cids are duplicates with the same
 * seqs, and the epoch is unchanged.
 */
class CrashDurabilityTest {
  private static final int ACKED = 300;
  private static final int IN_FLIGHT = 200;

  @TempDir
  Path tmp;

  private record Ack(ConvId conv, long seq, String from, String cid) {}

  @Test
  void acknowledgedMessagesSurviveAHaltedJvm() throws Exception {
    Path dataDir = tmp.resolve("data");
    Path out = tmp.resolve("child.out");
    Path err = tmp.resolve("child.err");
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        CrashingAppender.class.getName(), dataDir.toString(),
        Integer.toString(ACKED), Integer.toString(IN_FLIGHT))
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child finished");
    assertEquals(0, child.exitValue(), () -> read(err));

    String epoch = null;
    List<Ack> acks = new ArrayList<>();
    for (String line : read(out).split("\n")) {
      String[] f = line.split(" ");
      if (f[0].equals("epoch") && f.length == 2) {
        epoch = f[1];
      } else if (f[0].equals("acked") && f.length == 5) {
        acks.add(new Ack(ConvId.parseKey(f[1]), Long.parseLong(f[2]), f[3], f[4]));
      } else if (f[0].equals("failed") || f[0].equals("timeout")) {
        throw new AssertionError("child: " + line);
      }
    }
    assertNotNull(epoch, () -> read(out));
    assertTrue(acks.size() >= ACKED, "acks before the crash: " + acks.size());
    assertTrue(Files.exists(dataDir.resolve(SqliteDatabase.FILE_NAME + "-wal")),
        "the child did not close the database");

    try (OpenStore store = OpenStore.open(dataDir)) {
      assertEquals(epoch, store.messages.epoch());
      for (Ack ack : acks) {
        List<StoredMessage> found = store.messages.after(ack.conv(), ack.seq() - 1, 1);
        assertEquals(List.of(new StoredMessage(ack.conv(), ack.seq(), ack.from(),
                CrashingAppender.text(ack.cid()), Long.parseLong(ack.cid().substring(4)),
                ack.cid())), found, "acked " + ack);
      }
      Map<ConvId, Long> ackedPerConv = new HashMap<>();
      for (Ack ack : acks) {
        ackedPerConv.merge(ack.conv(), ack.seq(), Math::max);
      }
      for (ConvId conv : CrashingAppender.CONVS) {
        long last = store.messages.lastSeq(conv);
        assertTrue(last >= ackedPerConv.get(conv), conv + " lost acked messages");
        List<Long> seqs = store.messages.after(conv, 0, 10_000).stream()
            .map(StoredMessage::seq).collect(Collectors.toList());
        assertEquals(LongStream.rangeClosed(1, last).boxed().collect(Collectors.toList()), seqs,
            conv + " has gapless seqs");
      }
      for (Ack ack : acks.subList(0, 30)) {
        RecordingAppendListener l = new RecordingAppendListener();
        store.messages.append(
            new NewMessage(ack.conv(), ack.from(), "resent", ack.cid(), 0L), l);
        assertTrue(l.await().duplicate(), "resent " + ack.cid());
        assertEquals(ack.seq(), l.awaitStored().seq());
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
