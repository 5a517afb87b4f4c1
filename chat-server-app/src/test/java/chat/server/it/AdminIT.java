package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar chat-server.jar admin …} against the SQLite store of a running server: each
 * command's output and exit code (0 done, 1 no such user or room, 2 usage), and the running
 * server acting on each change within seconds (closing connections with 1008 and the reason,
 * refusing sign-in, telling a deleted room's members).
 */
class AdminIT {
  /** The server acts on a change within about a second; this leaves room for a slow machine. */
  private static final long ACTS_WITHIN_MS = 5_000;

  /** Where the admin commands run. */
  @TempDir static Path tmp;
  @RegisterExtension
  static final SharedServer shared = new SharedServer("--registrations-per-ip-per-hour",
      "100000");
  private final WireClients wire = shared.wire();

  private static ServerProcess.Result admin(String... args) throws Exception {
    Path dataDir = shared.process().dataDir();
    List<String> all = new ArrayList<>(List.of("admin", "--data-dir", dataDir.toString()));
    all.addAll(ServerProcess.storeArgs(dataDir)); // the server's store, whichever it is
    all.addAll(List.of(args));
    return ServerProcess.run(tmp, all.toArray(new String[0]));
  }

  private static ServerProcess.Result ok(String... args) throws Exception {
    ServerProcess.Result r = admin(args);
    assertEquals(0, r.exitCode(), r.output());
    return r;
  }

  /**
   * The connection is closed with 1008 and {@code reason} within {@link #ACTS_WITHIN_MS} of
   * {@code sinceNanos}, taken when the admin command had recorded its action: the time a JVM
   * takes to start on a loaded machine is not the server's.
   */
  private static void assertClosedSoon(WireClient c, String reason, long sinceNanos)
      throws InterruptedException {
    assertEquals(1008, c.awaitClose());
    long ms = (System.nanoTime() - sinceNanos) / 1_000_000;
    assertEquals(reason, c.closeReason);
    assertTrue(ms < ACTS_WITHIN_MS, "closed only after " + ms + " ms");
  }

  private void assertLoginRefused(String user, String password) throws InterruptedException {
    wire.connect().error(Frames.of("type", "login", "user", user, "password", password),
        "unauthorized");
  }

  private static boolean hasLine(String output, String regex) {
    return output.lines().anyMatch(l -> l.matches(regex));
  }

  @Test
  void helpAndBadUsage() throws Exception {
    ServerProcess.Result help = ServerProcess.run(tmp, "admin", "--help");
    assertEquals(0, help.exitCode(), help.output());
    assertTrue(help.output().contains("Usage: java -jar chat-server.jar admin"), help.output());
    for (String command : List.of("users", "rooms", "reset-password USER", "disable USER",
        "enable USER", "delete-user USER", "delete-room ROOM")) {
      assertTrue(help.output().contains(command), command + " missing from\n" + help.output());
    }
    assertEquals(2, admin().exitCode(), "no command");
    assertEquals(2, admin("frobnicate").exitCode());
    assertEquals(2, admin("disable").exitCode(), "no user");
    assertEquals(2, admin("users", "extra").exitCode());
    assertEquals(2, admin("disable", "Not A Name!").exitCode());
    ServerProcess.Result memory = admin("--store", "memory", "users");
    assertEquals(2, memory.exitCode(), memory.output());
    assertTrue(memory.output().contains("durable store"), memory.output());
  }

  @Test
  void unknownUsersAndRoomsExitOne() throws Exception {
    String nobody = WireClients.unique("nobody");
    for (String command : List.of("reset-password", "disable", "enable", "delete-user")) {
      ServerProcess.Result r = admin(command, nobody);
      assertEquals(1, r.exitCode(), command + ": " + r.output());
      assertTrue(r.output().contains(nobody), r.output());
    }
    assertEquals(1, admin("delete-room", WireClients.unique("noroom")).exitCode());
  }

  @Test
  void usersAndRoomsListTheStore() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    String room = WireClients.unique("listed");
    alice.ok(Frames.of("type", "create", "room", room, "topic", "Plans for Friday"));
    bob.ok(Frames.of("type", "join", "room", room));
    String hidden = WireClients.unique("hidden");
    bob.ok(Frames.of("type", "create", "room", hidden, "private", true));

    String users = ok("users").output();
    assertTrue(hasLine(users, Pattern.quote(alice.user) + " active \\d{4}-\\d\\d-\\d\\dT.*Z"),
        users);
    assertTrue(hasLine(users, Pattern.quote(bob.user) + " active .*"), users);
    String rooms = ok("rooms").output();
    assertTrue(hasLine(rooms, Pattern.quote("#" + room + " 2 " + alice.user
        + " public Plans for Friday")), rooms);
    assertTrue(hasLine(rooms, Pattern.quote("#" + hidden + " 1 " + bob.user + " private ")
        + ".*"), rooms);
  }

  /** disable: the user's connections close 1008 "account disabled", sign-in is refused; enable. */
  @Test
  void disableClosesTheUsersConnectionsAndRefusesSignInUntilEnabled() throws Exception {
    WireClient carol = wire.user("carol");
    WireClient carolElsewhere = wire.connect().loginWithToken(carol.token);
    WireClient dave = wire.user("dave");

    String out = ok("disable", carol.user).output();
    long start = System.nanoTime(); // the action is recorded: the server acts on it from here
    assertTrue(out.contains("disabled " + carol.user + ":"), out);
    assertClosedSoon(carol, "account disabled", start);
    assertClosedSoon(carolElsewhere, "account disabled", start);
    assertTrue(dave.isOpen());
    assertLoginRefused(carol.user, WireClient.PASSWORD);
    wire.connect().error(Frames.of("type", "login", "token", carol.token), "unauthorized");
    assertTrue(hasLine(ok("users").output(), Pattern.quote(carol.user) + " disabled .*"));

    assertTrue(ok("enable", carol.user).output().contains("enabled " + carol.user));
    wire.connect().login(carol.user, WireClient.PASSWORD);
    assertTrue(hasLine(ok("users").output(), Pattern.quote(carol.user) + " active .*"));
  }

  /**
   * Names are case-folded, as everywhere: a command given "CAROL" acts on carol, and its
   * confirmation names the account as it is stored.
   */
  @Test
  void commandsFoldTheNameAndNameTheAccountAsStored() throws Exception {
    WireClient kim = wire.user("kim");
    String upper = kim.user.toUpperCase(java.util.Locale.ROOT);
    String disabled = ok("disable", upper).output();
    long start = System.nanoTime(); // the action is recorded: the server acts on it from here
    assertClosedSoon(kim, "account disabled", start);
    assertTrue(hasLine(ok("users").output(), Pattern.quote(kim.user) + " disabled .*"));
    String enabled = ok("enable", upper).output();
    String reset = ok("reset-password", upper).output();
    assertTrue(disabled.contains("disabled " + kim.user + ":"), disabled);
    assertTrue(enabled.contains("enabled " + kim.user), enabled);
    assertTrue(reset.contains("new password for " + kim.user + ":"), reset);
  }

  /** reset-password prints a password that signs in; the old one and every token are dead. */
  @Test
  void resetPasswordPrintsANewPasswordAndSignsTheUserOut() throws Exception {
    WireClient erin = wire.user("erin");
    String out = ok("reset-password", erin.user).output();
    long start = System.nanoTime(); // the action is recorded: the server acts on it from here
    Matcher m = Pattern.compile("new password for " + Pattern.quote(erin.user) + ": (\\S+)")
        .matcher(out);
    assertTrue(m.find(), out);
    String password = m.group(1);
    assertClosedSoon(erin, "password changed", start);
    assertLoginRefused(erin.user, WireClient.PASSWORD);
    wire.connect().error(Frames.of("type", "login", "token", erin.token), "unauthorized");
    wire.connect().login(erin.user, password);
  }

  /** delete-user: closed 1008 "account deleted", the name stays taken; owned rooms pass on. */
  @Test
  void deleteUserClosesItsConnectionsAndKeepsTheNameTaken() throws Exception {
    WireClient frank = wire.user("frank");
    WireClient gina = wire.user("gina");
    String room = WireClients.unique("inherit");
    String alone = WireClients.unique("solo");
    frank.ok(Frames.of("type", "create", "room", room));
    frank.ok(Frames.of("type", "create", "room", alone));
    gina.ok(Frames.of("type", "join", "room", room));
    frank.send("#" + room, "from frank", "c1");
    gina.sync();

    String out = ok("delete-user", frank.user).output();
    long start = System.nanoTime(); // the action is recorded: the server acts on it from here
    assertTrue(out.contains("deleted user " + frank.user), out);
    assertTrue(out.contains("#" + room + " (now owned by " + gina.user + ")"), out);
    assertTrue(out.contains("#" + alone + " (deleted: no member left)"), out);
    assertClosedSoon(frank, "account deleted", start);
    wire.connect().error(Frames.of("type", "register", "user", frank.user,
        "password", WireClient.PASSWORD), "conflict");
    assertLoginRefused(frank.user, WireClient.PASSWORD);
    JsonObject members = gina.ok(Frames.of("type", "members", "room", room));
    assertEquals(1, members.getAsJsonArray("members").size(), members.toString());
    assertEquals("owner", members.getAsJsonArray("members").get(0).getAsJsonObject()
        .get("role").getAsString());
    JsonObject history = gina.ok(Frames.of("type", "history", "conv", "#" + room));
    assertEquals(frank.user, history.getAsJsonArray("messages").get(0).getAsJsonObject()
        .get("from").getAsString());
    gina.error(Frames.of("type", "join", "room", alone), "not_found");
    assertEquals(1, admin("delete-user", frank.user).exitCode(), "deleted twice");
  }

  /** delete-room: every member of the running server is told; the name is free again. */
  @Test
  void deleteRoomTellsTheMembersOfTheRunningServer() throws Exception {
    WireClient hank = wire.user("hank");
    WireClient ivy = wire.user("ivy");
    String room = WireClients.unique("doomed");
    hank.ok(Frames.of("type", "create", "room", room));
    ivy.ok(Frames.of("type", "join", "room", room));
    hank.send("#" + room, "soon gone", "c1");
    hank.sync();
    ivy.sync();

    String out = ok("delete-room", "#" + room).output();
    assertTrue(out.contains("deleted room #" + room + " and its history (2 members told)"), out);
    for (WireClient c : List.of(hank, ivy)) {
      JsonObject e = c.await("member"); // bounded; the server polls about every second
      assertEquals("#" + room, e.get("conv").getAsString(), e.toString());
      assertEquals(c.user, e.get("user").getAsString(), e.toString());
      assertEquals("deleted", e.get("action").getAsString(), e.toString());
    }
    ivy.error(Frames.of("type", "history", "conv", "#" + room), "not_found");
    ivy.ok(Frames.of("type", "create", "room", room));
    assertEquals(1, ivy.send("#" + room, "new beginning", "c1").get("seq").getAsLong());
    assertFalse(admin("rooms").output().contains("#" + room + " 2 "));
  }
}
