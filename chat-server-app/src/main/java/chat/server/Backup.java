package chat.server;

import chat.store.jdbc.SqliteBackup;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar chat-server.jar backup --data-dir DIR --to PATH}: a consistent copy of an
 * SQLite store, taken while the server runs ({@link SqliteBackup}).
 */
final class Backup {
  static final String HELP = """
      Usage: java -jar chat-server.jar backup [--data-dir DIR] --to PATH

      Copies the SQLite store in DIR (default: CHAT_DATA_DIR, or ./data) into PATH, a new
      directory holding chat.db and files/, while the server runs or not. The copy is one
      consistent snapshot of the database (SQLite's VACUUM INTO), with the bytes of every file
      it names. PATH must not exist: it is written as .PATH.partial beside it and renamed when
      complete, so a directory named PATH is always a whole backup.

      To restore: stop the server, put PATH in place as its data directory, start it.
      PostgreSQL (--store postgres) is backed up with pg_dump; see docs/deploy.md.

      Exit codes: 0 copied, 1 PATH exists (nothing was written), 2 bad usage, no store in DIR,
      or the copy failed (nothing is left behind).
      """;

  private Backup() {}

  /** Takes the backup; returns the exit code. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CommandFlags flags = CommandFlags.parse("backup", HELP, Set.of("--data-dir", "--to"),
        args, out, err);
    if (flags.done()) {
      return flags.exitCode();
    }
    String from = flags.get("--data-dir", env.getOrDefault("CHAT_DATA_DIR", "./data"));
    String to = flags.get("--to", null);
    if (to == null || to.isBlank()) {
      err.println("backup: needs --to PATH, a directory that does not exist yet;"
          + " see backup --help");
      return 2;
    }
    String store = env.getOrDefault("CHAT_STORE", "sqlite");
    if (!store.equals("sqlite")) {
      err.println("backup: copies SQLite stores only (CHAT_STORE is " + store
          + "); back up PostgreSQL with pg_dump, see docs/deploy.md");
      return 2;
    }
    SqliteBackup.Report report;
    try {
      report = SqliteBackup.backup(Path.of(from), Path.of(to));
    } catch (FileAlreadyExistsException e) {
      err.println("backup: refused: " + e.getFile() + " exists; give a new path");
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("backup: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("backup: failed, nothing was written: " + e.getMessage());
      return 2;
    }
    out.println("backup: copied " + Path.of(from).toAbsolutePath().normalize() + " to "
        + report.target() + ": chat.db " + report.databaseBytes() + " bytes, " + report.files()
        + " file(s) " + report.fileBytes() + " bytes, epoch " + report.epoch());
    return 0;
  }
}
