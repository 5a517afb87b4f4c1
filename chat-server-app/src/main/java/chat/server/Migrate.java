package chat.server;

import chat.store.jdbc.SqliteToPostgres;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar chat-server.jar migrate --from-sqlite PATH --to-postgres URL}: moves a store
 * up from SQLite to PostgreSQL ({@link SqliteToPostgres}) and prints what it checked on both
 * sides.
 */
final class Migrate {
  static final String HELP = """
      Usage: java -jar chat-server.jar migrate --from-sqlite PATH --to-postgres URL
                                               [--postgres-password PASSWORD]

      Copies an SQLite store (PATH: its data directory, or its chat.db; uploaded files are
      read from PATH/files/) into a PostgreSQL database (URL: jdbc:postgresql://HOST:PORT/DB
      ?user=USER; the password from --postgres-password or, better, CHAT_POSTGRES_PASSWORD),
      then compares every table, and every file's bytes, on both sides and prints the counts.
      Stop the server first, and start it with --store postgres once this succeeded.

      The copy is one transaction, made only into a database whose tables are empty (just
      created, or used by no server yet). Run again, it finds the same data there and changes
      nothing; a database that holds anything else is refused and left as it is.

      Exit codes: 0 copied and checked (or copied already), 1 the target holds other data
      (or the check after the copy failed), 2 bad usage, or a store that cannot be opened or
      read (nothing was copied).
      """;

  private Migrate() {}

  /** Runs the migration; returns the exit code. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CommandFlags flags = CommandFlags.parse("migrate", HELP,
        Set.of("--from-sqlite", "--to-postgres", "--postgres-password"), args, out, err);
    if (flags.done()) {
      return flags.exitCode();
    }
    String from = flags.get("--from-sqlite", null);
    String to = flags.get("--to-postgres", null);
    String password = flags.get("--postgres-password", env.get("CHAT_POSTGRES_PASSWORD"));
    if (from == null || to == null) {
      err.println("migrate: needs --from-sqlite PATH and --to-postgres URL; see migrate --help");
      return 2;
    }
    if (!to.startsWith("jdbc:postgresql://")) {
      err.println("migrate: --to-postgres must start with jdbc:postgresql://");
      return 2;
    }
    Path dataDir;
    try {
      dataDir = SqliteToPostgres.dataDir(Path.of(from));
    } catch (IllegalArgumentException e) {
      err.println("migrate: " + e.getMessage());
      return 2;
    }
    out.println("migrate: from SQLite " + dataDir.toAbsolutePath() + " to PostgreSQL "
        + SqliteToPostgres.redact(to));
    SqliteToPostgres.Report report;
    try {
      report = SqliteToPostgres.migrate(dataDir, to, password == null || password.isEmpty()
          ? null : password);
    } catch (Exception e) {
      err.println("migrate: failed, nothing was copied: " + e.getMessage());
      return 2;
    }
    out.printf("%-18s %12s %12s%n", "checked", "sqlite", "postgres");
    for (SqliteToPostgres.Count c : report.counts()) {
      out.printf("%-18s %12d %12d%s%n", c.what(), c.sqlite(), c.postgres(),
          c.sqlite() == c.postgres() ? "" : "  <- differs");
    }
    switch (report.outcome()) {
      case COPIED -> out.println("migrate: copied; both sides hold the same data");
      case ALREADY_COPIED -> out.println(
          "migrate: the database holds this store's data already; nothing was changed");
      case DIFFERENT -> {
        err.println("migrate: refused: " + report.difference() + "; the PostgreSQL database"
            + " holds other data than the SQLite store, and was left as it is");
        return 1;
      }
      case CHECK_FAILED -> {
        err.println("migrate: copied, but the check then found that " + report.difference()
            + "; do not use the PostgreSQL database before finding out why");
        return 1;
      }
      default -> throw new IllegalStateException("outcome " + report.outcome());
    }
    return 0;
  }
}
