package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.ChatConfig;
import chat.core.ChatCoreModule;
import chat.core.Lifecycle;
import chat.core.Managed;
import chat.core.local.LocalClient;
import chat.core.local.LocalTransport;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.protocol.Event;
import chat.protocol.Request;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SqliteStoreModule} wired by Guice: binding touches no disk; the {@link Lifecycle} opens
 * the database on start (phase store) and closes it cleanly on stop; a new injector on the same
 * directory finds the data and the epoch again.
 */
class SqliteStoreModuleTest {
  private static final ConvId ROOM = ConvId.room("general");

  @TempDir
  Path tmp;

  private static Set<Managed> managed(Injector injector) {
    return injector.getInstance(Key.get(new TypeLiteral<Set<Managed>>() {}));
  }

  @Test
  void lifecycleOpensAndClosesTheDatabase() throws Exception {
    Path dataDir = tmp.resolve("data");
    Injector injector = Guice.createInjector(new SqliteStoreModule(dataDir));
    assertFalse(Files.exists(dataDir), "building the injector touches no disk");

    Set<Managed> managed = managed(injector);
    assertEquals(1, managed.size());
    assertEquals(Managed.PHASE_STORE, managed.iterator().next().phase());
    assertSame(managed.iterator().next(), managed(injector).iterator().next(), "one lifecycle");
    MessageStore messages = injector.getInstance(MessageStore.class);
    AccountStore accounts = injector.getInstance(AccountStore.class);
    assertSame(messages, injector.getInstance(MessageStore.class));
    assertSame(accounts, injector.getInstance(AccountStore.class));

    Lifecycle lifecycle = new Lifecycle(managed);
    lifecycle.start();
    assertTrue(Files.isRegularFile(dataDir.resolve("chat.db")));
    RecordingAppendListener sent = new RecordingAppendListener();
    messages.append(new NewMessage(ROOM, "alice", "hello", "c1", 5L), sent);
    assertEquals(1, sent.awaitStored().seq());
    assertTrue(accounts.createUser("alice", "hash", 1L));
    String epoch = messages.epoch();

    lifecycle.stop();
    assertFalse(Files.exists(dataDir.resolve("chat.db-wal")), "closed cleanly: WAL checkpointed");
    RecordingAppendListener late = new RecordingAppendListener();
    messages.append(new NewMessage(ROOM, "alice", "late", "c2", 6L), late);
    assertInstanceOf(IllegalStateException.class, late.awaitFailed());
    assertThrows(IllegalStateException.class, () -> accounts.userExists("alice"));

    Injector again = Guice.createInjector(new SqliteStoreModule(dataDir));
    Lifecycle lifecycle2 = new Lifecycle(managed(again));
    lifecycle2.start();
    try {
      MessageStore reopened = again.getInstance(MessageStore.class);
      assertEquals(epoch, reopened.epoch());
      assertEquals("hello", reopened.after(ROOM, 0, 10).get(0).text());
      assertTrue(again.getInstance(AccountStore.class).userExists("alice"));
    } finally {
      lifecycle2.stop();
    }
  }

  /**
   * In a host's own injector, the {@link Lifecycle} that {@link ChatCoreModule} binds opens the
   * store before the core takes its first request, and closes both.
   */
  @Test
  void theCoresBoundLifecycleOpensTheStoreBeforeTheCore() throws Exception {
    Path dataDir = tmp.resolve("data");
    Injector injector = Guice.createInjector(
        new ChatCoreModule(ChatConfig.builder().passwordIterations(1_000).build()),
        new SqliteStoreModule(dataDir));
    Lifecycle lifecycle = injector.getInstance(Lifecycle.class);
    assertSame(lifecycle, injector.getInstance(Lifecycle.class));

    lifecycle.start();
    try {
      LocalClient alice = injector.getInstance(LocalTransport.class).connect(event -> {});
      Event reply = alice.call(new Request.Register("1", "alice", "correct horse"))
          .get(5, TimeUnit.SECONDS);
      assertInstanceOf(Event.Ok.class, reply);
    } finally {
      lifecycle.stop();
    }
    assertFalse(Files.exists(dataDir.resolve("chat.db-wal")), "closed cleanly: WAL checkpointed");
  }

  /** A data directory that cannot be created makes start fail, and nothing stays open. */
  @Test
  void startFailsWhenTheDataDirectoryCannotBeCreated() throws Exception {
    Path blocker = tmp.resolve("file");
    Files.writeString(blocker, "not a directory");
    Injector injector = Guice.createInjector(new SqliteStoreModule(blocker.resolve("data")));
    Lifecycle lifecycle = new Lifecycle(managed(injector));
    assertThrows(Exception.class, lifecycle::start);
    RecordingAppendListener l = new RecordingAppendListener();
    injector.getInstance(MessageStore.class)
        .append(new NewMessage(ROOM, "alice", "t", "c", 1L), l);
    assertInstanceOf(IllegalStateException.class, l.awaitFailed());
    lifecycle.stop();
  }
}
