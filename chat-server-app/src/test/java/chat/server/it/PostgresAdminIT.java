package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.store.jdbc.PrivatePostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands on the PostgreSQL store: {@code admin --store postgres} changes the
 * database, and a server running on it acts on the change (through the operator-action record,
 * as on SQLite).
 */
class PostgresAdminIT {
  @RegisterExtension
  static final PrivatePostgres postgres = PrivatePostgres.fast();

  @TempDir Path tmp;

  @Test
  void disableAndEnableReachARunningServerThroughTheDatabase() throws Exception {
    String url = postgres.newDatabase();
    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"),
        "--store", "postgres", "--postgres-url", url)) {
      WireClient carol = WireClient.connect(server.wsUri()).register("carol");
      carol.ok(Frames.of("type", "create", "room", "ops"));

      ServerProcess.Result users = admin(url, "users");
      assertEquals(0, users.exitCode(), users.output());
      assertTrue(users.output().lines().anyMatch(l -> l.startsWith("carol active ")),
          users.output());
      ServerProcess.Result rooms = admin(url, "rooms");
      assertTrue(rooms.output().lines().anyMatch(l -> l.matches("#?ops 1 carol public.*")),
          rooms.output());

      ServerProcess.Result disabled = admin(url, "disable", "carol");
      assertEquals(0, disabled.exitCode(), disabled.output());
      assertEquals(1008, carol.awaitClose());
      assertEquals("account disabled", carol.closeReason);
      WireClient.connect(server.wsUri()).error(
          Frames.of("type", "login", "user", "carol", "password", WireClient.PASSWORD),
          "unauthorized");

      assertEquals(0, admin(url, "enable", "carol").exitCode());
      WireClient.connect(server.wsUri()).login("carol", WireClient.PASSWORD);
      assertEquals(1, admin(url, "disable", "nobody").exitCode(), "no such user");
      ServerLogs.assertNoErrors(server);
    }
  }

  private ServerProcess.Result admin(String url, String... command) throws Exception {
    String[] args = new String[4 + command.length];
    args[0] = "admin";
    args[1] = "--store=postgres";
    args[2] = "--postgres-url";
    args[3] = url;
    System.arraycopy(command, 0, args, 4, command.length);
    return ServerProcess.run(tmp, args);
  }
}
