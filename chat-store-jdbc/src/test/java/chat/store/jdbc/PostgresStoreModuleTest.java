package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.ChatConfig;
import chat.core.ChatCoreModule;
import chat.core.Lifecycle;
import chat.core.Managed;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.RecordingAppendListener;
import chat.core.store.StoreHealth;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PostgresStoreModule} wired by Guice with the core: binding opens no connection; the
 * {@link Lifecycle} connects and migrates on start and stops cleanly; {@link StoreHealth} says
 * whether the server answers; a new injector on the same database finds the data again.
 */
class PostgresStoreModuleTest {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  private static final ConvId ROOM = ConvId.room("general");

  private static Injector injector(String url) {
    return Guice.createInjector(new ChatCoreModule(ChatConfig.defaults()),
        new PostgresStoreModule(url, null, 2));
  }

  @Test
  void lifecycleConnectsMigratesAndCloses() throws Exception {
    String url = postgres.newDatabase();
    Injector injector = injector(url);
    try (Connection c = DriverManager.getConnection(url)) {
      assertEquals(0, Sql.queryLong(c, "SELECT count(*) FROM pg_tables"
          + " WHERE schemaname = 'public'"), "building the injector creates nothing");
    }
    Set<Managed> managed = injector.getInstance(Key.get(new TypeLiteral<Set<Managed>>() {}));
    MessageStore messages = injector.getInstance(MessageStore.class);
    AccountStore accounts = injector.getInstance(AccountStore.class);
    assertSame(messages, injector.getInstance(MessageStore.class));
    StoreHealth health = injector.getInstance(StoreHealth.class);
    assertInstanceOf(PostgresHealth.class, health);

    Lifecycle lifecycle = new Lifecycle(managed);
    lifecycle.start();
    assertTrue(health.isAvailable());
    RecordingAppendListener sent = new RecordingAppendListener();
    messages.append(new NewMessage(ROOM, "alice", "hello", "c1", 5L), sent);
    assertEquals(1, sent.awaitStored().seq());
    assertTrue(accounts.createUser("alice", "hash", 1L));
    String epoch = messages.epoch();
    lifecycle.stop();

    Injector again = injector(url);
    Lifecycle second = new Lifecycle(
        again.getInstance(Key.get(new TypeLiteral<Set<Managed>>() {})));
    second.start();
    try {
      assertEquals(epoch, again.getInstance(MessageStore.class).epoch());
      assertEquals("hello", again.getInstance(MessageStore.class).after(ROOM, 0, 10).get(0)
          .text());
      assertTrue(again.getInstance(AccountStore.class).userExists("alice"));
    } finally {
      second.stop();
    }
  }
}
