package chat.client.cli;

import chat.client.ChatClient;
import chat.client.Role;
import chat.protocol.Event;
import chat.protocol.FileInfo;
import chat.protocol.Result;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one-shot commands of {@link ChatCli}: whether their arguments fit, and what they do with a
 * connected client. Results go to {@code out}, one item per line, for scripts.
 */
final class Commands {
  static final long TIMEOUT_SECONDS = 15;

  /** Commands that need the current password even when logging in with a token. */
  static final Set<String> NEED_PASSWORD = Set.of("password", "delete-account");

  private static final Set<String> NO_ARGUMENTS = Set.of("conversations", "token", "listen",
      "blocked", "password", "logout", "logout-all");

  private Commands() {}

  /** A usage message if {@code params} do not fit {@code command}, else null. */
  static String checkParams(String command, List<String> params) {
    int n = params.size();
    if (NO_ARGUMENTS.contains(command)) {
      return n == 0 ? null : "usage: " + command + " takes no arguments";
    }
    return switch (command) {
      case "send" -> n >= 2 ? null : "usage: send TO TEXT...";
      case "upload" -> n >= 2 ? null : "usage: upload PATH TO [TEXT...]";
      case "reply", "edit" -> n >= 3 && isSeq(params.get(1)) ? null
          : "usage: " + command + " CONV SEQ TEXT..., SEQ a positive number";
      case "delete" -> n == 2 && isSeq(params.get(1)) ? null
          : "usage: delete CONV SEQ, SEQ a positive number";
      case "react", "unreact" -> n == 3 && isSeq(params.get(1)) ? null
          : "usage: " + command + " CONV SEQ EMOJI, SEQ a positive number";
      case "updates" -> n == 1 || (n == 2 && params.get(1).matches("0|[1-9][0-9]{0,17}")) ? null
          : "usage: updates CONV [AFTER_REV], AFTER_REV a number";
      case "history" -> n == 1 || (n == 2 && params.get(1).matches("[1-9][0-9]{0,8}")) ? null
          : "usage: history CONV [LIMIT], LIMIT a positive number";
      case "search" -> n >= 1 ? null : "usage: search WORDS...";
      case "search-in" -> n >= 2 ? null : "usage: search-in CONV WORDS...";
      case "rooms" -> null; // any words: the query
      case "create" -> n >= 1 ? null : "usage: create ROOM [TOPIC]";
      case "topic" -> n >= 1 ? null : "usage: topic ROOM [TOPIC...]";
      case "join", "leave", "bans", "delete-room" -> n == 1 ? null
          : "usage: " + command + " ROOM";
      case "block", "unblock" -> n == 1 ? null : "usage: " + command + " USER";
      case "ban", "unban" -> n == 2 ? null : "usage: " + command + " ROOM USER";
      case "role" -> n == 3 && role(params.get(2)) != null ? null
          : "usage: role ROOM USER owner|moderator|member";
      case "delete-account" -> n == 1 ? null
          : "usage: delete-account USER (your user name, to confirm)";
      default -> "unknown command " + command + " (see --help)";
    };
  }

  /**
   * Runs a checked command other than {@code listen}; returns the exit code. {@code password}
   * is the current password (for the commands in {@link #NEED_PASSWORD}), {@code newPassword}
   * the one read for {@code password}.
   */
  static int execute(ChatClient client, String command, List<String> params, String password,
      String newPassword, PrintStream out, PrintStream err)
      throws ExecutionException, TimeoutException, InterruptedException {
    switch (command) {
      case "send" -> {
        String text = String.join(" ", params.subList(1, params.size()));
        out.println(await(client.send(params.get(0), text)).seq());
      }
      case "upload" -> {
        FileInfo file = await(client.upload(Path.of(params.get(0))));
        out.println(await(client.send(params.get(1), rest(params, 2), List.of(file))).seq());
        out.println(file.url());
      }
      case "reply" -> out.println(await(client.reply(params.get(0),
          Long.parseLong(params.get(1)), rest(params, 2))).seq());
      case "edit" -> out.println(await(client.edit(params.get(0),
          Long.parseLong(params.get(1)), rest(params, 2))).rev());
      case "delete" -> out.println(await(client.delete(params.get(0),
          Long.parseLong(params.get(1)))).rev());
      case "react", "unreact" -> out.println(await(client.react(params.get(0),
          Long.parseLong(params.get(1)), params.get(2), command.equals("react"))).rev());
      case "updates" -> updates(client, params.get(0),
          params.size() > 1 ? Long.parseLong(params.get(1)) : 0, out);
      case "history" -> {
        Integer limit = params.size() > 1 ? Integer.valueOf(params.get(1)) : null;
        for (Event.Message m : await(client.history(params.get(0), null, null, limit))
            .messages()) {
          out.println(ChatCli.format(m));
        }
      }
      case "search" -> search(client, null, rest(params, 0), out);
      case "search-in" -> search(client, params.get(0), rest(params, 1), out);
      case "conversations" -> {
        for (Result.ConversationInfo c : await(client.conversations()).conversations()) {
          out.println(c.conv() + " " + c.lastSeq() + " " + c.readSeq());
        }
      }
      case "rooms" -> rooms(client, params.isEmpty() ? null : String.join(" ", params), out);
      case "create" -> {
        String topic = String.join(" ", params.subList(1, params.size()));
        out.println(await(client.createRoom(params.get(0), topic, false)).room());
      }
      case "join" -> out.println(await(client.join(params.get(0))).conv());
      case "leave" -> await(client.leave(params.get(0)));
      case "token" -> out.println(client.token());
      case "block" -> await(client.block(params.get(0)));
      case "unblock" -> await(client.unblock(params.get(0)));
      case "blocked" -> await(client.blocked()).forEach(out::println);
      case "ban" -> await(client.ban(params.get(0), params.get(1)));
      case "unban" -> await(client.unban(params.get(0), params.get(1)));
      case "bans" -> await(client.bans(params.get(0))).forEach(out::println);
      case "role" -> await(client.setRole(params.get(0), params.get(1), role(params.get(2))));
      case "topic" -> await(client.setTopic(params.get(0),
          String.join(" ", params.subList(1, params.size()))));
      case "delete-room" -> await(client.deleteRoom(params.get(0)));
      case "password" -> out.println(await(client.changePassword(password, newPassword)).token());
      case "logout" -> await(client.logout());
      case "logout-all" -> await(client.logoutEverywhere());
      case "delete-account" -> {
        String confirm = params.get(0).toLowerCase(Locale.ROOT);
        if (!confirm.equals(client.user())) {
          err.println("chat-client: delete-account " + params.get(0) + ": you are "
              + client.user() + "; give your own user name to confirm");
          return ChatCli.USAGE_ERROR;
        }
        await(client.deleteAccount(password));
      }
      default -> throw new IllegalStateException("unchecked command " + command);
    }
    out.flush();
    return ChatCli.OK;
  }

  /** Every change of {@code conv} after {@code afterRev}, every page, one per line. */
  private static void updates(ChatClient client, String conv, long afterRev, PrintStream out)
      throws ExecutionException, TimeoutException, InterruptedException {
    long after = afterRev;
    while (true) {
      Result.Updates page = await(client.updates(conv, after, null));
      for (Event.Update u : page.updates()) {
        out.println(ChatCli.format(u));
      }
      if (!page.more() || page.updates().isEmpty()) {
        return;
      }
      long last = page.updates().get(page.updates().size() - 1).rev();
      if (last <= after) {
        return; // a server that does not move on: stop rather than loop
      }
      after = last;
    }
  }

  private static boolean isSeq(String param) {
    return param.matches("[1-9][0-9]{0,17}");
  }

  /** The parameters from {@code from} on, joined by spaces: the text of a message. */
  private static String rest(List<String> params, int from) {
    return String.join(" ", params.subList(from, params.size()));
  }

  /** The newest hits of a search (one page of 100), one per line as history prints them. */
  private static void search(ChatClient client, String conv, String query, PrintStream out)
      throws ExecutionException, TimeoutException, InterruptedException {
    for (Result.SearchHit hit : await(client.search(query, conv, 100, null)).results()) {
      out.println(ChatCli.format(hit.message()));
    }
  }

  /** Every page of the directory: {@code ROOM MEMBERS joined|- TOPIC} per room. */
  private static void rooms(ChatClient client, String query, PrintStream out)
      throws ExecutionException, TimeoutException, InterruptedException {
    String after = null;
    while (true) {
      Result.Rooms page = await(client.rooms(query, after, null));
      for (Result.RoomInfo r : page.rooms()) {
        out.println(r.room() + " " + r.members() + " " + (r.joined() ? "joined" : "-") + " "
            + ChatCli.printable(r.topic()));
      }
      if (!page.more() || page.rooms().isEmpty()) {
        return;
      }
      String last = page.rooms().get(page.rooms().size() - 1).room();
      if (last.equals(after)) {
        return; // a server that does not move on: stop rather than loop
      }
      after = last;
    }
  }

  private static Role role(String name) {
    try {
      return Role.fromWire(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static <T> T await(Future<T> f)
      throws ExecutionException, TimeoutException, InterruptedException {
    return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
