package chat.store.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Moves a store up from SQLite to PostgreSQL: copies everything an SQLite data directory holds
 * ({@code chat.db} and the bytes under {@code files/}) into a PostgreSQL database, then checks
 * every table on both sides, row by row in key order, and the bytes of every file.
 *
 * <p>The copy is one PostgreSQL transaction (all or nothing), made only into a target whose
 * tables are empty (a database no server has used yet, or one just created): seqs, revs,
 * join order, operator action ids and the epoch are kept as they are, so clients see the same
 * history and no reset. A target that is not empty is compared instead: if it holds exactly what
 * the SQLite store holds (the copy was made already), nothing is changed; if it holds anything
 * else, it is refused and left alone. Running it twice therefore changes nothing the second
 * time.
 *
 * <p>Both stores are opened as the server opens them, so an older SQLite store is migrated to
 * the current schema first, and the PostgreSQL tables are created if missing. The SQLite side is
 * read in one snapshot; no server should run on either store meanwhile.
 */
public final class SqliteToPostgres {
  /** The advisory lock that keeps two copies into one database from running at once. */
  static final long LOCK_KEY = 0x636861746d6f7665L; // "chatmove"
  private static final int BATCH = 500;
  private static final int FETCH = 500;

  /** How a run ended. */
  public enum Outcome {
    /** The target was empty and now holds a copy of the SQLite store, checked. */
    COPIED,
    /** The target held exactly what the SQLite store holds already: nothing was changed. */
    ALREADY_COPIED,
    /** The target holds other data: nothing was changed; see the difference. */
    DIFFERENT,
    /** The copy was committed, but the check then found a difference: see it. */
    CHECK_FAILED
  }

  /** What one table (or the files' bytes, or the epoch) holds on each side. */
  public record Count(String what, long sqlite, long postgres) {}

  /**
   * @param difference where the two sides first differ, without any user data; null unless
   *     {@link Outcome#DIFFERENT} or {@link Outcome#CHECK_FAILED}
   */
  public record Report(Outcome outcome, List<Count> counts, String difference) {}

  private enum Type { TEXT, LONG, BOOL, UTF8 }

  private record Column(String name, Type type) {}

  /**
   * A table as both stores keep it: its columns in both (with the type each has on each side),
   * its key order, whether PostgreSQL numbers its first column by identity (copied as it is),
   * and whether a row has a search vector for its text.
   */
  private record Table(String name, String order, boolean identity, boolean searchable,
      List<Column> columns) {
    String select() {
      return "SELECT " + columns.stream().map(Column::name).collect(Collectors.joining(", "))
          + " FROM " + name + " ORDER BY " + order;
    }

    String insert() {
      String names = columns.stream().map(Column::name).collect(Collectors.joining(", "));
      String values = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
      return "INSERT INTO " + name + " (" + names + (searchable ? ", search" : "") + ")"
          + (identity ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES (" + values
          + (searchable ? ", array_to_tsvector(?::text[])" : "") + ")";
    }
  }

  private static Column text(String name) {
    return new Column(name, Type.TEXT);
  }

  private static Column number(String name) {
    return new Column(name, Type.LONG);
  }

  /** Every table the SQLite store holds (schema V5) but its own bookkeeping, in copy order. */
  private static final List<Table> TABLES = List.of(
      new Table("users", "name", false, false, List.of(text("name"), text("password_hash"),
          number("created_at"), text("status"))),
      new Table("tokens", "token_hash", false, false, List.of(text("token_hash"),
          text("user_name"), number("expires_at"))),
      new Table("rooms", "name", false, false, List.of(text("name"), text("topic"),
          number("private"), number("created_at"))),
      new Table("memberships", "join_order", true, false, List.of(number("join_order"),
          text("room"), text("user_name"), text("role"))),
      new Table("blocks", "user_name, blocked", false, false, List.of(text("user_name"),
          text("blocked"))),
      new Table("bans", "room, user_name", false, false, List.of(text("room"),
          text("user_name"))),
      new Table("operator_actions", "id", true, false, List.of(number("id"), text("action"),
          text("subject"), text("members"), number("at"))),
      new Table("conversations", "conv", false, false, List.of(text("conv"), text("user_a"),
          text("user_b"), number("last_seq"), number("last_rev"))),
      new Table("messages", "conv, seq", false, true, List.of(text("conv"), number("seq"),
          text("sender"), new Column("cid", Type.UTF8), new Column("text", Type.UTF8),
          number("ts"), number("reply_to"), text("mentions"), number("edited"),
          new Column("deleted", Type.BOOL), number("rev"))),
      new Table("reactions", "conv, seq, position", false, false, List.of(text("conv"),
          number("seq"), number("position"), text("emoji"), text("user_name"))),
      new Table("message_changes", "conv, rev", false, false, List.of(text("conv"),
          number("rev"), number("seq"), text("by_user"), text("action"), number("ts"))),
      new Table("read_markers", "user_name, conv", false, false, List.of(text("user_name"),
          text("conv"), number("seq"))),
      new Table("files", "id", false, false, List.of(text("id"), text("owner"), text("name"),
          number("size"), text("type"), number("created_at"), text("conv"), number("seq"),
          number("position"))));

  private SqliteToPostgres() {}

  /**
   * The data directory that {@code path} names: the directory itself, or the directory of the
   * {@code chat.db} it names.
   *
   * @throws IllegalArgumentException if there is no SQLite store there
   */
  public static Path dataDir(Path path) {
    Path dir = Files.isDirectory(path) ? path
        : path.getFileName() != null && path.getFileName().toString()
            .equals(SqliteDatabase.FILE_NAME) ? path.toAbsolutePath().getParent() : null;
    if (dir == null || !Files.isRegularFile(dir.resolve(SqliteDatabase.FILE_NAME))) {
      throw new IllegalArgumentException("no SQLite store at " + path + " (give its data"
          + " directory, or its " + SqliteDatabase.FILE_NAME + ")");
    }
    return dir;
  }

  /** {@code url} with any password in it masked, for messages. */
  public static String redact(String url) {
    return PostgresDatabase.redact(url);
  }

  /**
   * Copies the SQLite store in {@code dataDir} into the PostgreSQL database at {@code url} if
   * that is empty, and checks both sides either way.
   *
   * @param password null when the URL (or the server's trust) needs none
   * @throws IOException if the SQLite store cannot be opened or a file's bytes read
   * @throws SQLException if either database fails (nothing was copied unless the report says so)
   */
  public static Report migrate(Path dataDir, String url, String password)
      throws IOException, SQLException {
    SqliteDatabase sqlite = new SqliteDatabase(dataDir(dataDir), 1, Migrations.ALL);
    PostgresDatabase postgres = new PostgresDatabase(url, password, 2);
    sqlite.open();
    try {
      postgres.open();
      try {
        FileDir files = new FileDir(sqlite.file().getParent());
        return sqlite.read(s -> MessageRows.snapshot(s, source -> {
          boolean copied = postgres.withSocketTimeout(0, target -> // a large store takes long
              PostgresDatabase.inTransaction(target, t -> copyIfEmpty(source, t, files)));
          Report checked = postgres.snapshot(target -> check(source, target, files));
          if (checked.outcome() == Outcome.DIFFERENT) {
            return copied ? new Report(Outcome.CHECK_FAILED, checked.counts(),
                checked.difference()) : checked;
          }
          return new Report(copied ? Outcome.COPIED : Outcome.ALREADY_COPIED, checked.counts(),
              null);
        }));
      } catch (StoreException e) {
        throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e);
      } finally {
        postgres.close();
      }
    } finally {
      sqlite.close();
    }
  }

  // ---- Copy ----

  /** Copies everything if the target holds nothing; returns whether it did. */
  private static boolean copyIfEmpty(Connection source, Connection target, FileDir files)
      throws SQLException {
    Sql.queryLong(target, "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(?)) AS locked",
        LOCK_KEY);
    for (String table : targetTables()) {
      if (Sql.queryLong(target, "SELECT count(*) FROM (SELECT 1 FROM " + table
          + " LIMIT 1) AS any_row") > 0) {
        return false;
      }
    }
    for (Table t : TABLES) {
      copy(t, source, target);
    }
    for (String[] identity : new String[][] {{"memberships", "join_order"},
        {"operator_actions", "id"}}) {
      // New rows continue above the copied ones.
      Sql.queryLong(target, "SELECT coalesce(setval(pg_get_serial_sequence('" + identity[0]
          + "', '" + identity[1] + "'), max(" + identity[1] + ")), 0) FROM " + identity[0]);
    }
    copyFileBytes(source, target, files);
    String epoch = Sql.queryString(source, "SELECT value FROM meta WHERE key = 'epoch'")
        .orElseThrow(() -> new SQLException("the SQLite store has no epoch"));
    Sql.update(target, "UPDATE meta SET value = ? WHERE key = 'epoch'", epoch);
    return true;
  }

  /** Every table of the target that holds a store's data; an empty target has no row in any. */
  private static List<String> targetTables() {
    List<String> tables = new ArrayList<>();
    TABLES.forEach(t -> tables.add(t.name()));
    tables.add("file_chunks");
    tables.add("uploads");
    return tables;
  }

  private static void copy(Table t, Connection source, Connection target) throws SQLException {
    try (PreparedStatement read = source.prepareStatement(t.select());
        PreparedStatement write = target.prepareStatement(t.insert())) {
      read.setFetchSize(FETCH);
      int pending = 0;
      try (ResultSet rs = read.executeQuery()) {
        while (rs.next()) {
          Object[] row = row(t, rs, false);
          for (int i = 0; i < row.length; i++) {
            bind(write, i + 1, t.columns().get(i).type(), row[i]);
          }
          if (t.searchable()) {
            boolean deleted = (Boolean) row[t.columns().indexOf(new Column("deleted",
                Type.BOOL))];
            String text = (String) row[t.columns().indexOf(new Column("text", Type.UTF8))];
            write.setArray(row.length + 1, target.createArrayOf("text",
                deleted ? new String[0] : PostgresRows.lexemes(text)));
          }
          write.addBatch();
          if (++pending == BATCH) {
            write.executeBatch();
            pending = 0;
          }
        }
      }
      if (pending > 0) {
        write.executeBatch();
      }
    }
  }

  private static void bind(PreparedStatement ps, int index, Type type, Object value)
      throws SQLException {
    switch (type) {
      case TEXT -> ps.setString(index, (String) value);
      case LONG -> {
        if (value == null) {
          ps.setNull(index, Types.BIGINT);
        } else {
          ps.setLong(index, (Long) value);
        }
      }
      case BOOL -> ps.setBoolean(index, (Boolean) value);
      case UTF8 -> ps.setBytes(index, ((String) value).getBytes(UTF_8));
      default -> throw new IllegalStateException("type " + type);
    }
  }

  /** The row at {@code rs}, its values as Java sees them on either side. */
  private static Object[] row(Table t, ResultSet rs, boolean postgres) throws SQLException {
    Object[] row = new Object[t.columns().size()];
    for (int i = 0; i < row.length; i++) {
      int column = i + 1;
      row[i] = switch (t.columns().get(i).type()) {
        case TEXT -> rs.getString(column);
        case LONG -> {
          long v = rs.getLong(column);
          yield rs.wasNull() ? null : v;
        }
        case BOOL -> rs.getBoolean(column);
        case UTF8 -> {
          if (postgres) {
            byte[] bytes = rs.getBytes(column);
            yield bytes == null ? null : new String(bytes, UTF_8);
          }
          yield rs.getString(column);
        }
      };
    }
    return row;
  }

  /** The bytes of every file of the SQLite store, as chunks. */
  private static void copyFileBytes(Connection source, Connection target, FileDir files)
      throws SQLException {
    try (PreparedStatement read = source.prepareStatement(
        "SELECT id, size FROM files ORDER BY id");
        PreparedStatement write = target.prepareStatement(
            "INSERT INTO file_chunks (id, n, bytes) VALUES (?, ?, ?)");
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString(1);
        long size = rs.getLong(2);
        long copied = 0;
        try (InputStream in = openBytes(files, id)) {
          int n = 0;
          for (byte[] chunk = in.readNBytes(PostgresFileStore.CHUNK_BYTES); chunk.length > 0;
              chunk = in.readNBytes(PostgresFileStore.CHUNK_BYTES)) {
            write.setString(1, id);
            write.setInt(2, n++);
            write.setBytes(3, chunk);
            write.executeUpdate();
            copied += chunk.length;
          }
        } catch (IOException e) {
          throw new SQLException("cannot read the bytes of file " + id + ": " + e.getMessage(),
              e);
        }
        if (copied != size) {
          throw new SQLException("file " + id + " has " + copied + " bytes in "
              + files.dir() + ", its row says " + size);
        }
      }
    }
  }

  private static InputStream openBytes(FileDir files, String id) throws IOException {
    try {
      return Files.newInputStream(files.path(id));
    } catch (NoSuchFileException e) {
      throw new IOException("no bytes at " + files.path(id), e);
    }
  }

  // ---- Check ----

  /** Compares every table, the files' bytes and the epoch; the first difference found. */
  private static Report check(Connection source, Connection target, FileDir files)
      throws SQLException {
    List<Count> counts = new ArrayList<>();
    String difference = null;
    for (Table t : TABLES) {
      long[] rows = new long[2];
      String d = compare(t, source, target, rows);
      counts.add(new Count(t.name(), rows[0], rows[1]));
      difference = difference == null ? d : difference;
    }
    long[] bytes = new long[2];
    String d = compareFileBytes(source, target, files, bytes);
    counts.add(new Count("file bytes", bytes[0], bytes[1]));
    difference = difference == null ? d : difference;
    String sourceEpoch = Sql.queryString(source, "SELECT value FROM meta WHERE key = 'epoch'")
        .orElse("");
    String targetEpoch = Sql.queryString(target, "SELECT value FROM meta WHERE key = 'epoch'")
        .orElse("");
    if (difference == null && !sourceEpoch.equals(targetEpoch)) {
      difference = "the epochs differ";
    }
    return new Report(difference == null ? Outcome.ALREADY_COPIED : Outcome.DIFFERENT, counts,
        difference);
  }

  /** Streams both sides in key order; counts their rows into {@code rows}; the first mismatch. */
  private static String compare(Table t, Connection source, Connection target, long[] rows)
      throws SQLException {
    String difference = null;
    try (PreparedStatement a = source.prepareStatement(t.select());
        PreparedStatement b = target.prepareStatement(t.select())) {
      a.setFetchSize(FETCH);
      b.setFetchSize(FETCH);
      try (ResultSet left = a.executeQuery(); ResultSet right = b.executeQuery()) {
        boolean hasLeft = left.next();
        boolean hasRight = right.next();
        while (hasLeft || hasRight) {
          if (difference == null && (hasLeft != hasRight
              || !Arrays.equals(row(t, left, false), row(t, right, true)))) {
            difference = t.name() + " differ at row " + (Math.max(rows[0], rows[1]) + 1)
                + " in key order";
          }
          if (hasLeft) {
            rows[0]++;
            hasLeft = left.next();
          }
          if (hasRight) {
            rows[1]++;
            hasRight = right.next();
          }
        }
      }
    }
    return difference;
  }

  /**
   * Compares the bytes of every file: those in the SQLite store's directory, read a chunk at a
   * time, against the chunks in PostgreSQL; counts each side's bytes into {@code bytes}.
   */
  private static String compareFileBytes(Connection source, Connection target, FileDir files,
      long[] bytes) throws SQLException {
    String difference = null;
    try (PreparedStatement a = source.prepareStatement("SELECT id FROM files ORDER BY id");
        PreparedStatement b = target.prepareStatement(
            "SELECT id, n, bytes FROM file_chunks ORDER BY id, n")) {
      b.setFetchSize(4); // chunks are large: a few at a time
      try (ResultSet ids = a.executeQuery(); ResultSet chunks = b.executeQuery()) {
        boolean hasChunk = chunks.next();
        while (ids.next()) {
          String id = ids.getString(1);
          // Chunks of files the SQLite store does not have come first in id order.
          while (hasChunk && chunks.getString(1).compareTo(id) < 0) {
            difference = Objects.requireNonNullElse(difference,
                "file_chunks hold bytes of a file the SQLite store does not have");
            bytes[1] += chunks.getBytes(3).length;
            hasChunk = chunks.next();
          }
          try (InputStream in = openBytes(files, id)) {
            int n = 0;
            for (byte[] chunk = in.readNBytes(PostgresFileStore.CHUNK_BYTES); chunk.length > 0;
                chunk = in.readNBytes(PostgresFileStore.CHUNK_BYTES), n++) {
              bytes[0] += chunk.length;
              if (hasChunk && chunks.getString(1).equals(id) && chunks.getInt(2) == n) {
                byte[] stored = chunks.getBytes(3);
                bytes[1] += stored.length;
                if (!Arrays.equals(chunk, stored)) {
                  difference = Objects.requireNonNullElse(difference,
                      "the bytes of file " + id + " differ");
                }
                hasChunk = chunks.next();
              } else {
                difference = Objects.requireNonNullElse(difference,
                    "file " + id + " lacks bytes in file_chunks");
              }
            }
          } catch (IOException e) {
            throw new SQLException("cannot read the bytes of file " + id + ": " + e.getMessage(),
                e);
          }
          while (hasChunk && chunks.getString(1).equals(id)) {
            difference = Objects.requireNonNullElse(difference,
                "file " + id + " has more bytes in file_chunks");
            bytes[1] += chunks.getBytes(3).length;
            hasChunk = chunks.next();
          }
        }
        while (hasChunk) {
          difference = Objects.requireNonNullElse(difference,
              "file_chunks hold bytes of a file the SQLite store does not have");
          bytes[1] += chunks.getBytes(3).length;
          hasChunk = chunks.next();
        }
      }
    }
    return difference;
  }
}
