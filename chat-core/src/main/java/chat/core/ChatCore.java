package chat.core;

import chat.core.local.LocalTransport;
import chat.core.memory.InMemoryStoreModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.util.List;

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
  private final Lifecycle lifecycle;

  private ChatCore(Injector injector) {
    this.injector = injector;
    this.lifecycle = injector.getInstance(Lifecycle.class);
  }

  /** Starts a core with in-memory stores. */
  public static ChatCore inMemory(ChatConfig config) {
    return start(new ChatCoreModule(config), new InMemoryStoreModule());
  }

  /**
   * Starts a core from modules: a {@link ChatCoreModule} and a store module (and any others, e.g.
   * a transport's). Its {@link Lifecycle} starts every {@link Managed} they bind (a durable
   * store, the core, a transport, …) in phase order.
   *
   * @throws IllegalStateException if something fails to start (what started is stopped again)
   */
  public static ChatCore start(Module... modules) {
    ChatCore core = new ChatCore(Guice.createInjector(List.of(modules)));
    try {
      core.lifecycle.start();
    } catch (Exception e) {
      throw new IllegalStateException("chat core failed to start: " + e.getMessage(), e);
    }
    return core;
  }

  /** The core as a transport sees it: to plug in a transport of your own. */
  public ChatService service() {
    return injector.getInstance(ChatService.class);
  }

  /** The in-JVM transport: clients that speak the protocol's types without a socket. */
  public LocalTransport local() {
    return injector.getInstance(LocalTransport.class);
  }

  /** What an operator does: list users and rooms, disable or delete an account, a room, … */
  public Operations operations() {
    return injector.getInstance(Operations.class);
  }

  /** An object of the core's injector, for this package's tests only. */
  <T> T instance(Class<T> type) {
    return injector.getInstance(type);
  }

  /**
   * Stops the core: every client is closed with 1001 (its listener's {@code onClose} follows),
   * then the stores are closed. Idempotent.
   */
  @Override
  public void close() {
    lifecycle.stop();
  }
}
