package chat.store.jdbc;

import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM by {@link CrashDurabilityTest}: opens the store in {@code args[0]}, appends
 * {@code args[1]} messages and waits for their acks, starts {@code args[2]} more, then halts the
 * JVM at once: no stop(), no close, no shutdown hooks, as a crash would. Prints {@code epoch E}
 * and one {@code acked CONV SEQ FROM CID} line per acknowledged message.
 */
public final class CrashingAppender {
  static final List<ConvId> CONVS = List.of(
      ConvId.room("general"), ConvId.room("random"), ConvId.direct("alice", "bob"));

  private CrashingAppender() {}

  static String from(int i) {
    return i % 2 == 0 ? "alice" : "bob";
  }

  static String text(String cid) {
    return "text of " + cid;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int acked = Integer.parseInt(args[1]);
    int inFlight = Integer.parseInt(args[2]);
    PrintStream out = System.out;
    SqliteDatabase database = new SqliteDatabase(dir);
    SqliteMessageStore messages = new SqliteMessageStore(database);
    new SqliteStoreLifecycle(database, messages, new SqliteAccountStore(database),
        new SqliteFileStore(database)).start();
    out.println("epoch " + messages.epoch());

    CountDownLatch all = new CountDownLatch(acked);
    for (int i = 0; i < acked + inFlight; i++) {
      String cid = "cid-" + i;
      messages.append(new NewMessage(CONVS.get(i % CONVS.size()), from(i), text(cid), cid, i),
          new AppendListener() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
              out.println("acked " + m.conv().key() + " " + m.seq() + " " + m.from() + " "
                  + m.cid());
              all.countDown();
            }

            @Override
            public void failed(Throwable cause) {
              out.println("failed " + cid + " " + cause);
              all.countDown();
            }
          });
      if (i == acked - 1 && !all.await(30, TimeUnit.SECONDS)) {
        out.println("timeout");
      }
    }
    out.flush();
    Runtime.getRuntime().halt(0);
  }
}
