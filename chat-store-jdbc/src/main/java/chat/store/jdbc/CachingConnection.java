package chat.store.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A connection that keeps the statements it prepares, by SQL text, for the next time the same
 * SQL is prepared on it. SQLite compiles a statement at every {@code prepareStatement}; for the
 * short reads a request makes (an account, a role) compiling is most of their cost.
 *
 * <p>Callers use the statements as usual: {@code prepareStatement}, bind, execute, close. Closing
 * a kept statement closes its result set (which resets it, ending its read of the database),
 * clears its parameters and keeps it; the object the caller held is closed for good. A statement
 * is kept only if it was used plainly (parameters bound, {@code executeQuery} or
 * {@code executeUpdate}); any other call on it (fetch size, row limits, batches) closes it for
 * real when the caller closes it, so no setting carries over to the next caller. The same SQL
 * prepared again while its kept statement is in use gets a statement of its own.
 *
 * <p>At most {@code capacity} statements are kept, the least recently used closed first.
 * Not thread-safe: a connection is used by one thread at a time (the pool's rule).
 */
final class CachingConnection {
  private CachingConnection() {}

  /** Calls on a kept statement that leave nothing behind for the next caller. */
  private static final Set<String> PLAIN = Set.of("setString", "setLong", "setInt", "setObject",
      "setNull", "setBoolean", "setBytes", "setDouble", "setShort", "setFloat", "clearParameters",
      "executeQuery", "executeUpdate");

  /** {@code real}, with its statements kept; closing it closes them too. */
  static Connection wrap(Connection real, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    Kept kept = new Kept(real, capacity);
    Connection proxy = (Connection) Proxy.newProxyInstance(CachingConnection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, kept);
    kept.proxy = proxy;
    return proxy;
  }

  /** How many statements {@code c}, made by {@link #wrap}, has compiled: for tests. */
  static long prepared(Connection c) {
    return ((Kept) Proxy.getInvocationHandler(c)).prepared;
  }

  /** How many statements {@code c}, made by {@link #wrap}, keeps now: for tests. */
  static int kept(Connection c) {
    return ((Kept) Proxy.getInvocationHandler(c)).statements.size();
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * The connection's handler: its kept statements, by SQL text, least recently used first. A
   * statement is kept while the map holds its entry; one given out but no longer in the map
   * (dropped beyond capacity, or made for a nested use) is closed when its caller closes it.
   */
  private static final class Kept implements InvocationHandler {
    private final Connection real;
    private final int capacity;
    private final LinkedHashMap<String, Entry> statements = new LinkedHashMap<>(16, 0.75f, true);
    private Connection proxy;
    private long prepared;

    Kept(Connection real, int capacity) {
      this.real = real;
      this.capacity = capacity;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("prepareStatement") && args.length == 1) {
        return lease((String) args[0]);
      }
      if (name.equals("close") && args == null) {
        closeAll();
        real.close();
        return null;
      }
      if (name.equals("equals") && args.length == 1) {
        return self == args[0];
      }
      if (name.equals("hashCode") && args == null) {
        return System.identityHashCode(self);
      }
      return call(real, method, args);
    }

    private PreparedStatement lease(String sql) throws SQLException {
      Entry entry = statements.get(sql);
      if (entry != null && !entry.inUse && entry.statement.isClosed()) {
        statements.remove(sql); // closed behind the cache's back (through its result set)
        entry = null;
      }
      if (entry == null) {
        entry = new Entry(sql, compile(sql));
        statements.put(sql, entry);
        evictBeyondCapacity();
      } else if (entry.inUse) {
        entry = new Entry(sql, compile(sql)); // nested use of the same SQL: not kept
      }
      entry.inUse = true;
      entry.tainted = false;
      Lease lease = new Lease(entry);
      return (PreparedStatement) Proxy.newProxyInstance(CachingConnection.class.getClassLoader(),
          new Class<?>[] {PreparedStatement.class}, lease);
    }

    private PreparedStatement compile(String sql) throws SQLException {
      PreparedStatement ps = real.prepareStatement(sql);
      prepared++;
      return ps;
    }

    private void evictBeyondCapacity() {
      var it = statements.values().iterator();
      while (statements.size() > capacity && it.hasNext()) {
        Entry eldest = it.next();
        it.remove();
        if (!eldest.inUse) {
          closeQuietly(eldest.statement);
        }
      }
    }

    private void closeAll() {
      for (Entry e : statements.values()) {
        closeQuietly(e.statement);
      }
      statements.clear();
    }

    /** Ends a caller's use of {@code entry}: keeps its statement, reset, or closes it. */
    void giveBack(Entry entry, ResultSet open) throws SQLException {
      entry.inUse = false;
      boolean keep = false;
      try {
        if (open != null) {
          open.close(); // resets the statement: its read of the database ends here
        }
        if (!entry.tainted && statements.get(entry.sql) == entry) {
          entry.statement.clearParameters();
          keep = true;
        }
      } finally {
        if (!keep) {
          statements.remove(entry.sql, entry);
          entry.statement.close();
        }
      }
    }

    private static void closeQuietly(PreparedStatement ps) {
      try {
        ps.close();
      } catch (SQLException e) {
        // closing a statement of a connection being closed or dropped: nothing to keep
      }
    }

    /** One caller's use of a kept statement, from prepareStatement to close. */
    private final class Lease implements InvocationHandler {
      private final Entry entry;
      private boolean closed;
      private ResultSet lastResult;

      Lease(Entry entry) {
        this.entry = entry;
      }

      @Override
      public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
          case "close":
            if (!closed) {
              closed = true;
              giveBack(entry, lastResult);
            }
            return null;
          case "isClosed":
            return closed;
          case "getConnection":
            return proxy;
          case "equals":
            return self == args[0];
          case "hashCode":
            return System.identityHashCode(self);
          case "toString":
            return "kept statement: " + entry.sql;
          default:
            break;
        }
        if (closed) {
          throw new SQLException("statement is closed");
        }
        if (!PLAIN.contains(name)) {
          entry.tainted = true;
        }
        Object result = call(entry.statement, method, args);
        if (name.equals("executeQuery")) {
          lastResult = (ResultSet) result;
        }
        return result;
      }
    }
  }

  private static final class Entry {
    final String sql;
    final PreparedStatement statement;
    boolean inUse;
    boolean tainted;

    Entry(String sql, PreparedStatement statement) {
      this.sql = sql;
      this.statement = statement;
    }
  }
}
