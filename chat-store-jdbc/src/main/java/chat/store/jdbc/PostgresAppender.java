package chat.store.jdbc;

import static java.util.Objects.requireNonNull;

import chat.core.store.ConvId;
import chat.core.store.FileRef;
import chat.core.store.FilesUnavailableException;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the {@link GroupCommitWriter} stores a batch in PostgreSQL, where other processes append
 * to the same conversations at the same time. One READ COMMITTED transaction per batch, of two
 * statements and the commit, whatever the batch's size:
 * <ol>
 *   <li>Lock the counter row of every conversation in the batch, in one statement and one order
 *       (an upsert, which also creates the rows of new conversations), so two writers never
 *       wait for each other in a cycle. Each row's {@code last_seq} is now this transaction's
 *       until it ends: no one else can take a seq in these conversations meanwhile.
 *   <li>Give every message the next seq of its conversation (a cid repeated inside the batch
 *       is a duplicate of its first occurrence and takes none), and in one statement insert
 *       them all (one multi-row insert from arrays) and write the counters back. The insert
 *       skips a (conversation, sender, cid) stored already: if it skipped any, those seqs would
 *       be gaps, so the transaction is rolled back and the batch stored again, this time after
 *       looking up, in one query, which of its cids are stored (those are duplicates and get
 *       the first message back). Duplicates are rare (a client resending after a reconnect),
 *       so the common batch pays no lookup.
 *   <li>Attach the new messages' files ({@link MessageRows#attachFiles}: each must still be a
 *       pending file of its sender), after locking their rows in one statement in id order, so
 *       that writers attaching the same files never wait for each other in a cycle either.
 * </ol>
 * The writer's notifier tells the listeners once the commit returned, so nothing is acknowledged
 * before it is durable. Should anything fail, the transaction is rolled back and the batch
 * stored again with one savepoint per message, so that a failing message fails alone and the
 * others still get gapless seqs: a message whose file another send took first (on any node)
 * fails alone with {@link FilesUnavailableException}. If the database is unreachable, the whole
 * batch fails (after the pool's connection timeout) and nothing of it is stored.
 */
final class PostgresAppender implements BatchAppender {
  private static final Logger log = LoggerFactory.getLogger(PostgresAppender.class);

  private static final String LOCK_COUNTERS = "INSERT INTO conversations (conv, user_a, user_b)"
      + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[]) ORDER BY 1"
      + " ON CONFLICT (conv) DO UPDATE SET last_seq = conversations.last_seq"
      + " RETURNING conv, last_seq";
  private static final String FIND_STORED = "SELECT " + PostgresRows.COLUMNS_AND_CONV
      + " FROM messages m JOIN unnest(?::text[], ?::text[], ?::bytea[]) AS k (conv, sender, cid)"
      + " ON m.conv = k.conv AND m.sender = k.sender AND m.cid = k.cid";
  /**
   * The new messages as parallel arrays, one row each (the words of a text joined by spaces,
   * which no word holds), inserted unless their (conv, sender, cid) is stored; then the
   * counters. Answers how many rows each part wrote.
   */
  private static final String STORE = "WITH inserted AS (INSERT INTO messages"
      + " (conv, seq, sender, cid, text, ts, reply_to, mentions, search)"
      + " SELECT conv, seq, sender, cid, text, ts, reply_to, mentions,"
      + " array_to_tsvector(string_to_array(words, ' '))"
      + " FROM unnest(?::text[], ?::bigint[], ?::text[], ?::bytea[], ?::bytea[], ?::bigint[],"
      + " ?::bigint[], ?::text[], ?::text[])"
      + " AS r (conv, seq, sender, cid, text, ts, reply_to, mentions, words)"
      + " ON CONFLICT (conv, sender, cid) DO NOTHING RETURNING 1),"
      + " counted AS (UPDATE conversations c SET last_seq = u.last_seq"
      + " FROM unnest(?::text[], ?::bigint[]) AS u (conv, last_seq) WHERE c.conv = u.conv"
      + " RETURNING 1)"
      + " SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM counted)";
  private static final String LOCK_FILES =
      "SELECT id FROM files WHERE id = ANY (?::text[]) ORDER BY id FOR UPDATE";

  private final PostgresDatabase database;

  PostgresAppender(PostgresDatabase database) {
    this.database = requireNonNull(database, "database is null");
  }

  /** A message's identity for deduplication. */
  private record Key(String conv, String sender, String cid) {
    static Key of(NewMessage m) {
      return new Key(m.conv().key(), m.from(), m.cid());
    }

    static Key of(StoredMessage m) {
      return new Key(m.conv().key(), m.from(), m.cid());
    }
  }

  @Override
  public void append(List<QueuedAppend> batch) {
    database.write(c -> {
      try {
        try {
          return PostgresDatabase.inTransaction(c, conn -> {
            appendFast(conn, batch, false);
            return null;
          });
        } catch (StoredBefore d) { // rolled back: again, knowing which cids are stored
          return PostgresDatabase.inTransaction(c, conn -> {
            appendFast(conn, batch, true);
            return null;
          });
        }
      } catch (FastPathFailed f) { // rolled back whole: store it again, one message at a time
        log.debug("a batch of {} failed; storing it one savepoint per message", batch.size(),
            f.getCause());
        return PostgresDatabase.inTransaction(c, conn -> {
          appendOneByOne(conn, batch);
          return null;
        });
      }
    });
  }

  /**
   * The fast path: every message of the batch in two statements. With {@code lookUp}, first
   * finds which cids are stored; without, assumes none is and throws {@link StoredBefore} if
   * the insert finds one.
   */
  private static void appendFast(Connection c, List<QueuedAppend> batch, boolean lookUp)
      throws SQLException {
    Map<String, Long> lastSeqs = lockCounters(c, batch);
    try {
      Map<Key, StoredMessage> known = new HashMap<>();
      if (lookUp) {
        List<NewMessage> messages = new ArrayList<>(batch.size());
        batch.forEach(p -> messages.add(p.message));
        known = findStored(c, messages);
      }
      List<StoredMessage> fresh = new ArrayList<>();
      Map<String, Long> counters = new HashMap<>();
      for (QueuedAppend p : batch) {
        Key key = Key.of(p.message);
        StoredMessage first = known.get(key);
        if (first != null) {
          p.stored(first, true);
          continue;
        }
        long seq = lastSeqs.merge(key.conv(), 1L, Long::sum);
        counters.put(key.conv(), seq);
        StoredMessage stored = storedAs(p.message, seq);
        known.put(key, stored);
        fresh.add(stored);
        p.stored(stored, false);
      }
      if (store(c, fresh, counters) != fresh.size()) {
        if (lookUp) {
          throw new SQLException("a message the lookup did not find is stored");
        }
        throw new StoredBefore();
      }
      attachFiles(c, fresh);
    } catch (StoredBefore e) {
      throw e;
    } catch (SQLException | RuntimeException e) {
      throw new FastPathFailed(e);
    }
  }

  /**
   * The slow path, in a fresh transaction: counters locked as in the fast path, then each
   * message in its own savepoint; one that fails is undone and reported failed alone.
   */
  private static void appendOneByOne(Connection c, List<QueuedAppend> batch)
      throws SQLException {
    Map<String, Long> lastSeqs = lockCounters(c, batch);
    Map<Key, StoredMessage> known = new HashMap<>();
    try (Statement savepoints = c.createStatement()) {
      for (QueuedAppend p : batch) {
        Key key = Key.of(p.message);
        savepoints.execute("SAVEPOINT append_one");
        try {
          StoredMessage first = known.containsKey(key) ? known.get(key)
              : findStored(c, List.of(p.message)).get(key);
          StoredMessage stored = first != null ? first
              : storedAs(p.message, lastSeqs.get(key.conv()) + 1);
          if (first == null) {
            if (store(c, List.of(stored), Map.of()) != 1) {
              throw new SQLException("the insert of " + key + " found it stored");
            }
            attachFiles(c, List.of(stored));
          }
          savepoints.execute("RELEASE append_one");
          if (first == null) {
            lastSeqs.put(key.conv(), stored.seq());
            known.put(key, stored);
          }
          p.stored(stored, first != null);
        } catch (SQLException | RuntimeException e) {
          savepoints.execute("ROLLBACK TO append_one"); // this message only
          savepoints.execute("RELEASE append_one");
          if (e instanceof FilesUnavailableException refused) {
            p.failed(refused); // the sender's mistake, or a race for a file lost: no store fault
            continue;
          }
          log.warn("storing one message in {} failed; it alone is reported failed",
              p.message.conv(), e);
          p.failed(new StoreException("storing the message failed", e));
        }
      }
    }
    store(c, List.of(), lastSeqs);
  }

  /**
   * Locks (creating if new) the counter row of each conversation of the batch; returns their
   * last seqs by conversation key.
   */
  private static Map<String, Long> lockCounters(Connection c, List<QueuedAppend> batch)
      throws SQLException {
    Map<String, ConvId> convs = new LinkedHashMap<>();
    batch.forEach(p -> convs.putIfAbsent(p.message.conv().key(), p.message.conv()));
    List<String> keys = new ArrayList<>();
    List<String> userA = new ArrayList<>();
    List<String> userB = new ArrayList<>();
    for (ConvId conv : convs.values()) {
      keys.add(conv.key());
      userA.add(conv.isRoom() ? null : conv.userA());
      userB.add(conv.isRoom() ? null : conv.userB());
    }
    Map<String, Long> lastSeqs = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(LOCK_COUNTERS)) {
      ps.setArray(1, textArray(c, keys));
      ps.setArray(2, textArray(c, userA));
      ps.setArray(3, textArray(c, userB));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lastSeqs.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    if (lastSeqs.size() != convs.size()) {
      throw new SQLException("locked " + lastSeqs.size() + " of " + convs.size()
          + " conversation counters");
    }
    return lastSeqs;
  }

  /** The messages stored under the (conversation, sender, cid) of {@code messages}, by key. */
  private static Map<Key, StoredMessage> findStored(Connection c, List<NewMessage> messages)
      throws SQLException {
    List<String> convs = new ArrayList<>(messages.size());
    List<String> senders = new ArrayList<>(messages.size());
    byte[][] cids = new byte[messages.size()][];
    for (int i = 0; i < messages.size(); i++) {
      NewMessage m = messages.get(i);
      convs.add(m.conv().key());
      senders.add(m.from());
      cids[i] = PostgresRows.bytes(m.cid());
    }
    Map<Key, StoredMessage> found = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(FIND_STORED)) {
      ps.setArray(1, textArray(c, convs));
      ps.setArray(2, textArray(c, senders));
      ps.setArray(3, c.createArrayOf("bytea", cids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          StoredMessage m = PostgresRows.read(
              ConvId.parseKey(rs.getString(PostgresRows.CONV_COLUMN)), rs);
          found.put(Key.of(m), m);
        }
      }
    }
    // Duplicates are rare: each pays two more queries, for its reactions and files.
    for (Map.Entry<Key, StoredMessage> e : found.entrySet()) {
      e.setValue(MessageRows.complete(c, e.getValue()));
    }
    return found;
  }

  private static StoredMessage storedAs(NewMessage m, long seq) {
    return new StoredMessage(m.conv(), seq, m.from(), m.text(), m.ts(), m.cid(), m.replyTo(),
        m.mentions(), null, false, Map.of(), 0, m.files());
  }

  /**
   * Attaches the files of the new {@code messages}, locking all their rows first in id order.
   * A file named twice in them fails like one attached already: the second time.
   */
  private static void attachFiles(Connection c, List<StoredMessage> messages)
      throws SQLException {
    Set<String> ids = new TreeSet<>();
    for (StoredMessage m : messages) {
      m.files().forEach(f -> ids.add(f.id()));
    }
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(LOCK_FILES)) {
      ps.setArray(1, textArray(c, new ArrayList<>(ids)));
      ps.executeQuery().close();
    }
    Set<String> taken = new HashSet<>();
    for (StoredMessage m : messages) {
      for (FileRef f : m.files()) {
        if (!taken.add(f.id())) {
          throw new FilesUnavailableException(f.id());
        }
      }
      if (!m.files().isEmpty()) {
        MessageRows.attachFiles(c, m.conv(), m.seq(), m.from(), m.files());
      }
    }
  }

  /**
   * Inserts {@code messages} unless stored already and sets the {@code counters} (last seq by
   * conversation), in one statement; returns how many messages it inserted.
   */
  private static int store(Connection c, List<StoredMessage> messages,
      Map<String, Long> counters) throws SQLException {
    int n = messages.size();
    String[] convs = new String[n];
    Long[] seqs = new Long[n];
    String[] senders = new String[n];
    byte[][] cids = new byte[n][];
    byte[][] texts = new byte[n][];
    Long[] times = new Long[n];
    Long[] replies = new Long[n];
    String[] mentions = new String[n];
    String[] words = new String[n];
    for (int i = 0; i < n; i++) {
      StoredMessage m = messages.get(i);
      convs[i] = m.conv().key();
      seqs[i] = m.seq();
      senders[i] = m.from();
      cids[i] = PostgresRows.bytes(m.cid());
      texts[i] = PostgresRows.bytes(m.text());
      times[i] = m.ts();
      replies[i] = m.replyTo();
      mentions[i] = MessageRows.joinMentions(m.mentions());
      words[i] = String.join(" ", PostgresRows.lexemes(m.text()));
    }
    String[] counted = counters.keySet().toArray(new String[0]);
    Long[] lastSeqs = new Long[counted.length];
    for (int i = 0; i < counted.length; i++) {
      lastSeqs[i] = counters.get(counted[i]);
    }
    try (PreparedStatement ps = c.prepareStatement(STORE)) {
      ps.setArray(1, c.createArrayOf("text", convs));
      ps.setArray(2, c.createArrayOf("bigint", seqs));
      ps.setArray(3, c.createArrayOf("text", senders));
      ps.setArray(4, c.createArrayOf("bytea", cids));
      ps.setArray(5, c.createArrayOf("bytea", texts));
      ps.setArray(6, c.createArrayOf("bigint", times));
      ps.setArray(7, c.createArrayOf("bigint", replies));
      ps.setArray(8, c.createArrayOf("text", mentions));
      ps.setArray(9, c.createArrayOf("text", words));
      ps.setArray(10, c.createArrayOf("text", counted));
      ps.setArray(11, c.createArrayOf("bigint", lastSeqs));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(2) != counted.length) {
          throw new SQLException("set " + rs.getLong(2) + " of " + counted.length
              + " conversation counters");
        }
        return (int) rs.getLong(1);
      }
    }
  }

  private static Array textArray(Connection c, List<String> values) throws SQLException {
    return c.createArrayOf("text", values.toArray(new String[0]));
  }

  /** The insert found a message stored: the batch is stored again, looking them up first. */
  private static final class StoredBefore extends RuntimeException {
    StoredBefore() {
      super("a message of the batch is stored already", null, false, false);
    }
  }

  /** The fast path failed; the transaction is rolled back and the batch stored one by one. */
  private static final class FastPathFailed extends RuntimeException {
    FastPathFailed(Exception cause) {
      super("the batch failed", cause, false, false);
    }
  }
}
