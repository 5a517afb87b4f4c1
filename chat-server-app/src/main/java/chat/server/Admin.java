package chat.server;

import chat.core.ChatCoreModule;
import chat.core.Lifecycle;
import chat.core.Operations;
import chat.core.store.Account;
import chat.core.store.RoomExit;
import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * {@code java -jar chat-server.jar admin [--data-dir DIR | --store postgres --postgres-url URL]
 * COMMAND [ARG]}: an operator's commands
 * against the configured store, run beside the server or while it is stopped. A running server on
 * the same store acts on each change within a second (see {@code chat.core.OperatorActions}).
 */
final class Admin {
  static final String HELP = """
      Usage: java -jar chat-server.jar admin [--data-dir DIR] COMMAND [ARG]
             java -jar chat-server.jar admin --store postgres --postgres-url URL COMMAND [ARG]

      Operator commands against the server's store (the same --data-dir / CHAT_DATA_DIR, or
      --store postgres with --postgres-url and CHAT_POSTGRES_PASSWORD, as the server). They may
      run while the server runs: it acts on each change within a second.

      Commands:
        users                 list accounts: NAME STATUS CREATED
        rooms                 list rooms: ROOM MEMBERS OWNER public|private TOPIC
        reset-password USER   give USER a new random password, printed once; every token of
                              USER is revoked and its connections are closed
        disable USER          revoke every token, close every connection, refuse sign-in
        enable USER           allow sign-in again
        delete-user USER      delete the account for good (the name stays taken; owned rooms
                              pass to their longest-standing member, or are deleted)
        delete-room ROOM      delete a room and its history; its members are told

      Exit codes: 0 done, 1 no such user or room, 2 bad usage or store.
      """;

  private Admin() {}

  /** Runs a command; returns the exit code. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    List<String> options = new ArrayList<>();
    List<String> words = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        out.print(HELP);
        return 0;
      }
      if (arg.startsWith("--")) {
        options.add(arg);
        if (!arg.contains("=") && i + 1 < args.length) {
          options.add(args[++i]);
        }
      } else {
        words.add(arg);
      }
    }
    if (words.isEmpty()) {
      err.print(HELP);
      return 2;
    }
    ServerOptions parsed;
    try {
      parsed = ServerOptions.parse(options.toArray(String[]::new), env);
      if (parsed.store().equals("memory")) {
        err.println("admin: --store memory lives inside the server process;"
            + " the admin commands need a durable store (sqlite or postgres)");
        return 2;
      }
    } catch (OptionsException e) {
      err.println("admin: " + e.getMessage());
      return 2;
    }
    String command = words.get(0);
    List<String> rest = words.subList(1, words.size());
    int needed = command.equals("users") || command.equals("rooms") ? 0 : 1;
    if (!List.of("users", "rooms", "reset-password", "disable", "enable", "delete-user",
        "delete-room").contains(command)) {
      err.println("admin: unknown command '" + command + "'; see admin --help");
      return 2;
    }
    if (rest.size() != needed) {
      err.println("admin: " + command + (needed == 0 ? " takes no argument" : " needs one name"));
      return 2;
    }
    Lifecycle lifecycle;
    Operations ops;
    try {
      Injector injector = Guice.createInjector(ChatServer.storeModule(parsed),
          new ChatCoreModule(parsed.chatConfig()));
      lifecycle = injector.getInstance(Lifecycle.class);
      lifecycle.start();
      ops = injector.getInstance(Operations.class);
    } catch (Exception e) {
      err.println("admin: cannot open the store: " + e.getMessage());
      return 2;
    }
    try {
      return execute(ops, command, rest.isEmpty() ? null : rest.get(0), out);
    } catch (NoSuchElementException e) {
      err.println("admin: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("admin: " + e.getMessage());
      return 2;
    } finally {
      lifecycle.stop();
    }
  }

  private static int execute(Operations ops, String command, String given, PrintStream out) {
    // Named as stored (the store folds names as the protocol does).
    String name = given == null ? null : command.equals("delete-room")
        ? chat.protocol.Names.foldRoom(given) : chat.protocol.Names.foldUser(given);
    switch (command) {
      case "users" -> {
        for (Account a : ops.users()) {
          out.println(a.name() + " " + a.status().name().toLowerCase(java.util.Locale.ROOT)
              + " " + Instant.ofEpochMilli(a.createdAt()));
        }
      }
      case "rooms" -> {
        for (Operations.RoomSummary r : ops.rooms()) {
          out.println("#" + r.name() + " " + r.members() + " " + r.owner() + " "
              + (r.isPrivate() ? "private" : "public") + " " + printable(r.topic()));
        }
      }
      case "reset-password" -> {
        String password = ops.resetPassword(name);
        out.println("new password for " + name + ": " + password);
        out.println("(shown once; every login token of " + name + " was revoked)");
      }
      case "disable" -> {
        ops.disable(name);
        out.println("disabled " + name + ": tokens revoked, connections closed, sign-in refused");
      }
      case "enable" -> {
        ops.enable(name);
        out.println("enabled " + name);
      }
      case "delete-user" -> {
        List<RoomExit> exits = ops.deleteUser(name);
        out.println("deleted user " + name);
        for (RoomExit exit : exits) {
          out.println("  left #" + exit.room() + (exit.roomDeleted() ? " (deleted: no member left)"
              : exit.newOwner() != null ? " (now owned by " + exit.newOwner() + ")" : ""));
        }
      }
      case "delete-room" -> {
        List<String> members = ops.deleteRoom(name);
        out.println("deleted room #" + name + " and its history ("
            + members.size() + " members told)");
      }
      default -> throw new IllegalArgumentException("unknown command " + command);
    }
    return 0;
  }

  /** A topic for a terminal: control characters shown as '?', so it cannot move the cursor. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
