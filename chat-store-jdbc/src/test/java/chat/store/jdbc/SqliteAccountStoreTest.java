package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.AccountStore;
import chat.core.store.AccountStoreContract;
import chat.core.store.Membership;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.core.store.RoomQuery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite {@link AccountStore}, on a real database file, held to the shared contract. */
class SqliteAccountStoreTest extends AccountStoreContract {
  @TempDir
  Path tmp;
  private final List<OpenStore> opened = new ArrayList<>();

  @Override
  protected AccountStore newAccountStore() throws Exception {
    OpenStore s = OpenStore.open(tmp.resolve("db" + opened.size()));
    opened.add(s);
    return s.accounts;
  }

  @Override
  protected AccountStore reopenAccountStore() throws Exception {
    OpenStore current =
        opened.stream().filter(s -> s.accounts == accounts).findFirst().orElseThrow();
    current.close();
    OpenStore again = OpenStore.open(current.dir);
    opened.add(again);
    return again.accounts;
  }

  private OpenStore current() {
    return opened.stream().filter(s -> s.accounts == accounts).findFirst().orElseThrow();
  }

  /**
   * Rosters are cached, so a change another process made to the file (an operator command) is
   * not seen until forgetCaches, and then it is.
   */
  @Test
  void forgetCachesShowsChangesMadeByAnotherProcess() throws Exception {
    accounts.createRoom(new Room("general", "t", false, 1L), "alice");
    accounts.addMember("general", "bob", Role.MODERATOR);
    assertEquals(2, accounts.members("general").size());
    try (Connection other = OpenStore.rawConnection(current().dir);
        Statement s = other.createStatement()) {
      s.executeUpdate("DELETE FROM memberships WHERE room = 'general' AND user_name = 'bob'");
    }
    assertEquals(Optional.of(Role.MODERATOR), accounts.role("general", "bob"), "still cached");

    accounts.forgetCaches();

    assertEquals(Optional.empty(), accounts.role("general", "bob"));
    assertEquals(List.of(new Membership("general", "alice", Role.OWNER)),
        accounts.members("general"));
  }

  /**
   * A directory page walks the rooms' name index from {@code after} and stops at the limit: no
   * full read, no sort of every room. Checked on the statement the store runs.
   */
  @Test
  void directoryPageIsAnIndexWalk() throws Exception {
    DirectorySql.Statement page =
        DirectorySql.page("alice", RoomQuery.parse("rust prog"), "m", 20, Dialect.SQLITE);
    List<String> plan = new ArrayList<>();
    try (Connection c = OpenStore.rawConnection(current().dir);
        PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + page.sql())) {
      for (int i = 0; i < page.params().size(); i++) {
        ps.setObject(i + 1, page.params().get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.add(rs.getString("detail"));
        }
      }
    }
    assertTrue(plan.stream().anyMatch(d -> d.startsWith("SEARCH r USING INDEX")
        && d.contains("(name>?)")), plan.toString());
    assertFalse(plan.stream().anyMatch(d -> d.contains("TEMP B-TREE")), plan.toString());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (OpenStore s : opened) {
      s.close();
    }
  }
}
