package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.memory.InMemoryStoreModule;
import chat.core.store.MessageStore;
import chat.core.store.SearchTooBroadException;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A search the store stopped for running too long (its words match too much of the server) is
 * answered {@code bad_request}, saying what to do, not {@code internal}: nothing is broken.
 */
class SearchTooBroadTest {
  private volatile boolean tooBroad;

  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder(), 10_000, new AbstractModule() {
    @Override
    protected void configure() {
      MessageStore store = Guice.createInjector(new InMemoryStoreModule())
          .getInstance(MessageStore.class);
      bind(MessageStore.class).toInstance(Around.wrap(MessageStore.class, store,
          (method, args, call) -> {
            if (method.equals("search") && tooBroad) {
              throw new SearchTooBroadException(500);
            }
            return call.proceed();
          }));
    }
  });

  @Test
  void aSearchStoppedForTakingTooLongIsABadRequest() {
    TestClient alice = chat.user("alice");
    chat.user("bob");
    alice.send("@bob", "a common word");
    tooBroad = true;

    Event.Error e = alice.error(new Request.Search(TestClient.nextId(), "a", null, null, null),
        ErrorCode.BAD_REQUEST);
    assertTrue(e.message().contains("longer or rarer words"), e.message());

    tooBroad = false;
    assertEquals(1, alice.ok(new Request.Search(TestClient.nextId(), "common", null, null, null),
        Result.Search.class).results().size());
  }
}
