package chat.bench.jmh;

import chat.core.store.Account;
import chat.core.store.AccountStore;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 * One account read from a store holding 1,000 accounts: the whole row, and the status alone,
 * which every direct message reads for its peer (exists, not deleted).
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

  private BenchStore bench;
  private AccountStore accounts;
  private String[] names;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    bench = new BenchStore(store, "account-bench-");
    accounts = bench.get(AccountStore.class);
    names = new String[USERS];
    for (int i = 0; i < USERS; i++) {
      names[i] = "user" + i;
      accounts.createUser(names[i], "not-a-real-hash", System.currentTimeMillis());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    bench.close();
  }

  /** The whole account row. */
  @Benchmark
  public Optional<Account> account() {
    return accounts.account(nextName());
  }

  /** Its status alone, as a direct message reads its peer's. */
  @Benchmark
  public Optional<Account.Status> status() {
    return accounts.status(nextName());
  }

  private String nextName() {
    String name = names[next];
    next = (next + 1) % USERS;
    return name;
  }
}
