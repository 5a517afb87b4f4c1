package chat.bench.jmh;

import chat.core.ChatConfig;
import chat.core.ChatCoreModule;
import chat.core.Lifecycle;
import chat.core.memory.InMemoryStoreModule;
import chat.store.jdbc.SqliteStoreModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A started core over the {@code memory} or {@code sqlite} store (in a temporary directory). */
final class BenchStore implements AutoCloseable {
  private final Path dir;
  private final Lifecycle lifecycle;
  private final Injector injector;

  BenchStore(String store, String dirPrefix) throws Exception {
    ChatConfig config = ChatConfig.builder().passwordIterations(1_000).build();
    dir = Files.createTempDirectory(dirPrefix);
    injector = Guice.createInjector(new ChatCoreModule(config),
        store.equals("sqlite") ? new SqliteStoreModule(dir) : new InMemoryStoreModule());
    lifecycle = injector.getInstance(Lifecycle.class);
    lifecycle.start();
  }

  <T> T get(Class<T> type) {
    return injector.getInstance(type);
  }

  /** Stops the core and deletes the directory. */
  @Override
  public void close() throws IOException {
    lifecycle.stop();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
