package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.core.store.AccountStore;
import chat.core.store.AccountStoreContract;
import chat.core.store.Membership;
import chat.core.store.Role;
import chat.core.store.Room;
import chat.core.store.RoomQuery;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL {@link AccountStore}, on a private server, held to the shared contract. Its
 * databases collate by ICU's English rules, so that anything ordered or compared by the
 * database's collation instead of by code point shows.
 */
class PostgresAccountStoreTest extends AccountStoreContract {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();
  private final List<OpenPostgres> opened = new ArrayList<>();

  @Override
  protected AccountStore newAccountStore() throws Exception {
    OpenPostgres s = OpenPostgres.open(postgres.newDatabase(PrivatePostgres.ENGLISH_COLLATION));
    opened.add(s);
    return s.accounts;
  }

  @Override
  protected AccountStore reopenAccountStore() throws Exception {
    OpenPostgres current = current();
    current.close();
    OpenPostgres again = OpenPostgres.open(current.url);
    opened.add(again);
    return again.accounts;
  }

  private OpenPostgres current() {
    return opened.stream().filter(s -> s.accounts == accounts).findFirst().orElseThrow();
  }

  /** Another node's change to a roster is seen once forgetCaches says so, not before. */
  @Test
  void forgetCachesShowsChangesMadeByAnotherNode() throws Exception {
    accounts.createRoom(new Room("general", "t", false, 1L), "alice");
    accounts.addMember("general", "bob", Role.MODERATOR);
    assertEquals(2, accounts.members("general").size());
    try (OpenPostgres other = OpenPostgres.open(current().url)) {
      other.accounts.removeMember("general", "bob");
    }
    assertEquals(Optional.of(Role.MODERATOR), accounts.role("general", "bob"), "still cached");

    accounts.forgetCaches();

    assertEquals(Optional.empty(), accounts.role("general", "bob"));
    assertEquals(List.of(new Membership("general", "alice", Role.OWNER)),
        accounts.members("general"));
  }

  /**
   * The directory folds ASCII letters only, as RoomQuery and SQLite do: PostgreSQL's own
   * lower() and ILIKE would also fold É to é.
   */
  @Test
  void directoryFoldsAsciiLettersOnly() {
    accounts.createRoom(new Room("cafe", "Le CAFÉ du coin", false, 1L), "alice");
    assertEquals(List.of("cafe"), names(accounts.directory("bob", RoomQuery.parse("caf"),
        null, 10)));
    assertEquals(List.of("cafe"), names(accounts.directory("bob", RoomQuery.parse("le cafÉ"),
        null, 10)));
    assertEquals(List.of(), names(accounts.directory("bob", RoomQuery.parse("le café"),
        null, 10)));
  }

  /** Names order by code point whatever the database's collation: "B" before "a". */
  @Test
  void namesSortByCodePoint() throws Exception {
    accounts.createRoom(new Room("a-b", "t", false, 1L), "alice");
    accounts.createRoom(new Room("ab", "t", false, 1L), "alice");
    accounts.createRoom(new Room("B", "t", false, 1L), "alice");
    assertEquals(List.of("B", "a-b", "ab"), names(accounts.directory("bob", null, null, 10)));
    assertEquals(List.of("a-b", "ab"), names(accounts.directory("bob", null, "B", 10)));
    try (Connection c = DriverManager.getConnection(current().url)) {
      assertEquals(List.of("B", "a-b", "ab"),
          Sql.queryStrings(c, "SELECT name FROM rooms ORDER BY name"), "COLLATE \"C\"");
    }
  }

  private static List<String> names(List<Room> rooms) {
    return rooms.stream().map(Room::name).toList();
  }

  @AfterEach
  void closeAll() {
    opened.forEach(OpenPostgres::close);
  }
}
