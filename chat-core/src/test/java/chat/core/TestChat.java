package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.core.local.LocalTransport;
import chat.core.memory.InMemoryStoreModule;
import chat.protocol.Event;
import com.google.inject.Module;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.util.Modules;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat core for one test: the real services wired by the real modules, in-memory stores, a
 * manual ticker and clock, cheap password hashing, and {@link #metrics} counting what core and
 * the clients' transport report. Register it as a field, and JUnit closes it after each test:
 * {@code @RegisterExtension final TestChat chat = new TestChat();}
 */
final class TestChat implements AutoCloseable, AfterEachCallback {
  static final String PASSWORD = "correct horse";

  final ManualTicker ticker = new ManualTicker();
  final ManualClock clock = new ManualClock();
  final RecordingMetrics metrics = new RecordingMetrics();
  final ChatConfig config;
  final ChatCore core;
  private final LocalTransport local;
  private final List<TestClient> clients = new ArrayList<>();

  TestChat() {
    this(ChatConfig.builder());
  }

  TestChat(ChatConfig.Builder config) {
    this(config, 10_000);
  }

  TestChat(ChatConfig.Builder config, int maxQueuedEvents) {
    this(config, maxQueuedEvents, null);
  }

  /**
   * With {@code override} (may be null) replacing bindings of the core's modules or of the
   * in-memory stores (a store that fails, a password hasher that waits).
   */
  TestChat(ChatConfig.Builder config, int maxQueuedEvents, Module override) {
    this.config = config.passwordIterations(1_000).build();
    Module wired = new ChatCoreModule(this.config, clock, ticker);
    Module stores = new InMemoryStoreModule();
    Module chosen = override == null ? Modules.combine(wired, stores)
        : Modules.override(wired, stores).with(override);
    Module counted = binder -> OptionalBinder.newOptionalBinder(binder, ChatMetrics.class)
        .setBinding().toInstance(metrics);
    this.core = ChatCore.start(chosen, counted);
    this.local = new LocalTransport(core.service(), maxQueuedEvents, metrics);
  }

  /** A connected, not yet logged-in client; its hello has been checked and consumed. */
  TestClient connect() {
    EventRecorder recorder = new EventRecorder();
    TestClient client = new TestClient(local.connect(recorder), recorder);
    Event.Hello hello = recorder.next(Event.Hello.class);
    assertEquals(config.limits(), hello.limits());
    clients.add(client);
    return client;
  }

  /** A new user, registered and logged in on a new connection. */
  TestClient user(String name) {
    TestClient client = connect();
    client.register(name);
    return client;
  }

  /** Another session of an existing user, logged in with its token. */
  TestClient secondSession(TestClient of) {
    TestClient client = connect();
    client.loginWithToken(of.token);
    return client;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    core.close();
    local.close();
  }
}
