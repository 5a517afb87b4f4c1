package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import chat.core.ChatConfig;
import chat.core.ChatCore;
import chat.core.ChatCoreModule;
import chat.core.local.LocalClient;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real chat core on the SQLite store, restarted: accounts, messages, dedup and the epoch in
 * the hello all survive, as a server restart needs.
 */
class SqliteChatCoreTest {
  private static final ChatConfig CONFIG = ChatConfig.builder().passwordIterations(1_000).build();

  @TempDir
  Path dataDir;

  private static final class Client implements AutoCloseable {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final LocalClient client;
    private int ids;

    Client(ChatCore core) {
      client = core.local().connect(events::add);
    }

    Event.Hello hello() throws InterruptedException {
      return assertInstanceOf(Event.Hello.class, events.poll(10, TimeUnit.SECONDS));
    }

    String id() {
      return "r" + ++ids;
    }

    <R extends Result> R ok(Request request, Class<R> type) throws Exception {
      Event reply = client.call(request).get(10, TimeUnit.SECONDS);
      Event.Ok ok = assertInstanceOf(Event.Ok.class, reply, () -> "reply to " + request);
      return assertInstanceOf(type, ok.result());
    }

    @Override
    public void close() {
      client.close();
    }
  }

  private static ChatCore start(Path dataDir) {
    return ChatCore.start(new ChatCoreModule(CONFIG), new SqliteStoreModule(dataDir));
  }

  @Test
  void chatSurvivesARestart() throws Exception {
    String epoch;
    try (ChatCore core = start(dataDir)) {
      try (Client bob = new Client(core); Client alice = new Client(core)) {
        bob.hello();
        bob.ok(new Request.Register(bob.id(), "bob", "correct horse"), Result.Auth.class);
        epoch = alice.hello().epoch();
        alice.ok(new Request.Register(alice.id(), "alice", "correct horse"), Result.Auth.class);
        Result.Sent sent = alice.ok(
            new Request.Send(alice.id(), "@bob", "hello bob", "cid-1"), Result.Sent.class);
        assertEquals(1, sent.seq());
      }
    }

    try (ChatCore core = start(dataDir); Client alice = new Client(core)) {
      assertEquals(epoch, alice.hello().epoch(), "same store, same epoch");
      alice.ok(new Request.Login(alice.id(), "alice", "correct horse"), Result.Auth.class);
      Result.History history = alice.ok(
          new Request.History(alice.id(), "@bob", null, null, 10), Result.History.class);
      assertEquals(1, history.messages().size());
      assertEquals("hello bob", history.messages().get(0).text());
      assertEquals(1, alice.ok(new Request.Send(alice.id(), "@bob", "hello bob", "cid-1"),
          Result.Sent.class).seq(), "a resend after the restart is still a duplicate");
      assertEquals(2, alice.ok(new Request.Send(alice.id(), "@bob", "again", "cid-2"),
          Result.Sent.class).seq());
    }
  }

  /**
   * Reads sent in a row, which the store writes together: the peer is told of each move, in
   * order, as when each was written alone; one that moves nothing tells nobody.
   */
  @Test
  void readsInARowAreEachToldInOrder() throws Exception {
    try (ChatCore core = start(dataDir); Client bob = new Client(core);
        Client alice = new Client(core)) {
      bob.hello();
      bob.ok(new Request.Register(bob.id(), "bob", "correct horse"), Result.Auth.class);
      alice.hello();
      alice.ok(new Request.Register(alice.id(), "alice", "correct horse"), Result.Auth.class);
      for (int i = 1; i <= 3; i++) {
        alice.ok(new Request.Send(alice.id(), "@bob", "m" + i, "cid-" + i), Result.Sent.class);
      }
      List<CompletableFuture<Event>> replies = new ArrayList<>();
      for (long seq : new long[] {1, 2, 1, 3}) {
        replies.add(bob.client.call(new Request.MarkRead(bob.id(), "@alice", seq)));
      }
      for (CompletableFuture<Event> reply : replies) {
        assertInstanceOf(Event.Ok.class, reply.get(10, TimeUnit.SECONDS));
      }
      List<Long> told = new ArrayList<>();
      while (told.size() < 3) {
        Event e = alice.events.poll(10, TimeUnit.SECONDS);
        if (e == null) {
          break;
        }
        if (e instanceof Event.Read read) {
          assertEquals("bob", read.user());
          told.add(read.seq());
        }
      }
      assertEquals(List.of(1L, 2L, 3L), told);
      alice.ok(new Request.Ping(alice.id()), Result.Pong.class); // everything before it is in
      assertEquals(List.of(), alice.events.stream().filter(Event.Read.class::isInstance).toList());
    }
  }
}
