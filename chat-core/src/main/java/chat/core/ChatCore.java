package chat.core;

import chat.core.local.LocalTransport;
import chat.core.memory.InMemoryStoreModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Chat embedded in a Java program, no network needed: builds the core with a store, starts it,
 * and hands out in-JVM clients.
 *
 * <pre>{@code
 * try (ChatCore chat = ChatCore.inMemory(ChatConfig.defaults())) {
 *   LocalClient alice = chat.local().connect(event -> System.out.println(event));
 *   alice.call(new Request.Register("1", "alice", "correct horse")).join();
 * }
 * }</pre>
 */
public final class ChatCore implements AutoCloseable {
  private final Injector injector;
  private final ChatService service;
  private final LocalTransport local;
  private final Lifecycle lifecycle;

  private ChatCore(Injector injector) {
    this.injector = injector;
    this.service = injector.getInstance(ChatService.class);
    this.local = new LocalTransport(service);
    this.lifecycle = new Lifecycle(injector.getInstance(Key.get(new TypeLiteral<Set<Managed>>() {})));
  }

  /** Starts a core with in-memory stores. */
  public static ChatCore inMemory(ChatConfig config) {
    return start(new ChatCoreModule(config), new InMemoryStoreModule());
  }

  /**
   * Starts a core from modules: a {@link ChatCoreModule} (or its parts) and a store module. Every
   * {@link Managed} they bind (a durable store, the core, …) is started in phase order.
   *
   * @throws IllegalStateException if something fails to start (what started is stopped again)
   */
  public static ChatCore start(Module... modules) {
    ChatCore core = new ChatCore(Guice.createInjector(new ArrayList<>(List.of(modules))));
    try {
      core.lifecycle.start();
    } catch (Exception e) {
      throw new IllegalStateException("chat core failed to start: " + e.getMessage(), e);
    }
    return core;
  }

  public ChatService service() {
    return service;
  }

  /** The in-JVM transport: clients that speak the protocol's types without a socket. */
  public LocalTransport local() {
    return local;
  }

  /** An object from the core's injector, e.g. a store. */
  public <T> T getInstance(Class<T> type) {
    return injector.getInstance(type);
  }

  /** Stops the core: every client is closed with 1001, then the stores are closed. */
  @Override
  public void close() {
    lifecycle.stop();
    local.close();
  }
}
