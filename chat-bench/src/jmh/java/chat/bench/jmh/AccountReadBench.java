package chat.bench.jmh;

import chat.core.ChatConfig;
import chat.core.ChatCoreModule;
import chat.core.Lifecycle;
import chat.core.memory.InMemoryStoreModule;
import chat.core.store.Account;
import chat.core.store.AccountStore;
import chat.store.jdbc.SqliteStoreModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One account read, as every direct message makes for its peer (exists, not deleted), from a
 * store holding 1,000 accounts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AccountReadBench {
  private static final int USERS = 1_000;

  @Param({"memory", "sqlite"})
  public String store;

  private Lifecycle lifecycle;
  private AccountStore accounts;
  private Path dir;
  private String[] names;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    ChatConfig config = ChatConfig.builder().passwordIterations(1_000).build();
    dir = Files.createTempDirectory("account-bench-");
    Injector injector = Guice.createInjector(new ChatCoreModule(config),
        store.equals("sqlite") ? new SqliteStoreModule(dir) : new InMemoryStoreModule());
    lifecycle = injector.getInstance(Lifecycle.class);
    lifecycle.start();
    accounts = injector.getInstance(AccountStore.class);
    names = new String[USERS];
    for (int i = 0; i < USERS; i++) {
      names[i] = "user" + i;
      accounts.createUser(names[i], "not-a-real-hash", System.currentTimeMillis());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    lifecycle.stop();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Optional<Account> account() {
    String name = names[next];
    next = (next + 1) % USERS;
    return accounts.account(name);
  }
}
